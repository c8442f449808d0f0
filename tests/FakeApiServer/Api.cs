using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.OpenApi;

namespace FakeApiServer;

/// <summary>How one write is attributed and checked.</summary>
internal sealed record WriteContext(string Manager, string Operation, bool DryRun, bool IsStatus, string? FieldValidation, List<string> Warnings)
{
    /// <summary>A write by the simulated controllers: not counted by WritesFor.</summary>
    public bool Internal { get; init; }
    /// <summary>A controller's write that the admission plugins may refuse as a client's (the pods the workload controllers create).</summary>
    public bool Admit { get; init; }
    /// <summary>The subresource written ("status", "scale"), recorded in managedFields.</summary>
    public string? Subresource { get; init; }
}

/// <summary>The REST surface: discovery, CRUD, patches, server-side apply and watch, as a v1.32 API server answers them.</summary>
public sealed partial class Api
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
    private readonly Store _store;
    private readonly FakeClusterOptions _options;
    private readonly Func<string> _serverAddress;

    private readonly CancellationToken _stopping;

    /// <summary>The cluster's simulated clock: the Event printer ages Events by it, as their timestamps come from it.</summary>
    internal FakeClock? Clock { get; init; }

    private DateTime EventNow => Clock?.Now ?? DateTime.UtcNow;

    /// <summary>The kinds served from established CustomResourceDefinitions (kept by the CRD controller).</summary>
    internal CustomTypes Custom { get; } = new();

    public Api(Store store, FakeClusterOptions options, Func<string> serverAddress, CancellationToken stopping = default)
    {
        _store = store;
        _options = options;
        _serverAddress = serverAddress;
        _stopping = stopping;
    }

    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    // ------------------------------------------------------------------ entry

    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            await RouteAsync(ctx).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            if (!ctx.Response.HasStarted) await WriteAsync(ctx, e.Code, e.ToStatus(), e.RetryAfter).ConfigureAwait(false);
        }
    }

    internal static async Task WriteAsync(HttpContext ctx, int code, JsonNode body, int? retryAfter = null, List<string>? warnings = null)
    {
        if (RequestView.Of(ctx) is { } view) body = view.OutBody(body);
        ctx.Response.StatusCode = code;
        if (retryAfter is not null) ctx.Response.Headers["Retry-After"] = retryAfter.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var w in warnings ?? []) ctx.Response.Headers.Append("Warning", $"299 - \"{w.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        await Wire.MediaTypes.Write(ctx, body, Compact).ConfigureAwait(false);
    }

    /// <summary>A patch body (patch types are JSON; apply configurations JSON or YAML).</summary>
    private static async Task<JsonNode> ReadPatchAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms).ConfigureAwait(false);
        var bytes = ms.ToArray();
        var isYaml = (ctx.Request.ContentType ?? "").StartsWith("application/apply-patch+yaml", StringComparison.Ordinal) && !Encoding.UTF8.GetString(bytes).TrimStart().StartsWith('{');
        return ViewIn(ctx, isYaml ? Wire.Yaml.Read(bytes) : Wire.MediaTypes.ParseJson(bytes));
    }

    /// <summary>A whole object in the requested version (create, replace, apply) becomes the stored type (see <see cref="RequestView"/>).</summary>
    private static JsonNode ViewIn(HttpContext ctx, JsonNode body) =>
        RequestView.Of(ctx) is { } view && body is JsonObject o && o["apiVersion"]?.GetValue<string>() == view.ApiVersion
            ? view.In(o, ctx.Request.Method == "POST" || ctx.Request.ContentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) == true)
            : body;

    private async Task RouteAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var method = ctx.Request.Method;
        var segs = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        switch (path.TrimEnd('/'))
        {
            case "/version":
                await WriteAsync(ctx, 200, new JsonObject { ["major"] = "1", ["minor"] = "32", ["gitVersion"] = "v1.32.4-fake", ["gitCommit"] = "0000000000000000000000000000000000000000", ["gitTreeState"] = "clean", ["buildDate"] = "2026-11-25T00:00:00Z", ["goVersion"] = "go1.23.6", ["compiler"] = "gc", ["platform"] = "linux/amd64" }).ConfigureAwait(false);
                return;
            case "/healthz" or "/readyz" or "/livez":
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync("ok").ConfigureAwait(false);
                return;
            case "/api":
                await WriteAsync(ctx, 200, ResourceTypes.ApiVersions(_serverAddress())).ConfigureAwait(false);
                return;
            case "/apis":
                await WriteAsync(ctx, 200, ResourceTypes.GroupList(Custom.Types)).ConfigureAwait(false);
                return;
            case "/openapi/v3":
                await WriteAsync(ctx, 200, OpenApi.Documents.Root()).ConfigureAwait(false);
                return;
            case "/openapi/v2":
                await OpenApi.Documents.WriteV2(ctx).ConfigureAwait(false);
                return;
        }
        if (segs.Length >= 3 && segs[0] == "openapi" && segs[1] == "v3")
        {
            var gv = segs[2] == "api" ? "v1" : string.Join('/', segs.Skip(3));
            if (!ResourceTypes.All.Any(r => r.GroupVersion == gv)) throw NotFoundPath();
            await WriteAsync(ctx, 200, OpenApi.Documents.V3(gv)).ConfigureAwait(false);
            return;
        }
        // /api/v1/... or /apis/{group}/{version}/...
        string group, version;
        int rest;
        if (segs.Length >= 2 && segs[0] == "api" && segs[1] == "v1") { group = ""; version = "v1"; rest = 2; }
        else if (segs.Length >= 3 && segs[0] == "apis") { group = segs[1]; version = segs[2]; rest = 3; }
        else throw NotFoundPath();
        var tail = segs[rest..];
        if (tail.Length == 0)
        {
            if (!ResourceTypes.All.Concat(Custom.Types).Any(r => r.Group == group && r.Version == version)) throw NotFoundPath();
            await WriteAsync(ctx, 200, ResourceTypes.ResourceList(group.Length == 0 ? version : $"{group}/{version}", Custom.Types)).ConfigureAwait(false);
            return;
        }
        string? ns = null;
        if (tail[0] == "namespaces" && tail.Length >= 3) { ns = tail[1]; tail = tail[2..]; }
        if (ServiceProxyPath.Parse(path) is { } proxied) ServiceProxyUnmapped(proxied);
        var type = ResourceTypes.Find(group, version, tail[0]) ?? Custom.Find(group, version, tail[0]) ?? throw NotFoundPath();
        if (type == EventsView.V1) type = EventsView.Enter(ctx);
        else if (type == HpaV1View.V1) type = HpaV1View.Enter(ctx);
        else if (type.Custom is { } cv && cv.StorageVersion != type.Version) type = VersionView.Enter(ctx, type, Custom.Find(group, cv.StorageVersion, type.Plural)!);
        if (ns is not null && !type.Namespaced) throw NotFoundPath();
        var outcome = Wire.MediaTypes.Negotiate(ctx, type);
        var name = tail.Length >= 2 ? tail[1] : null;
        var sub = tail.Length >= 3 ? tail[2] : null;
        if (tail.Length > 3 || (sub is not null && !ResourceTypes.HasSubresource(type, sub))) throw NotFoundPath();
        var q = ctx.Request.Query;

        if (name is null)
        {
            switch (method)
            {
                case "GET" when q["watch"] is var w && (w == "true" || w == "1"):
                    if (outcome.Table) Tables.TableConverter.IncludeObject(q);
                    await WatchAsync(ctx, type, ns).ConfigureAwait(false);
                    return;
                case "GET":
                    await WriteAsync(ctx, 200, Tables.TableConverter.Present(outcome, type, List(type, ns, q), q, _store, EventNow)).ConfigureAwait(false);
                    return;
                case "POST":
                    await CreateAsync(ctx, type, ns).ConfigureAwait(false);
                    return;
                case "DELETE":
                    await DeleteCollectionAsync(ctx, type, ns).ConfigureAwait(false);
                    return;
                default:
                    throw new ApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
            }
        }
        switch (method)
        {
            case "GET":
                var got = _store.Get(type, ns, name) ?? throw ApiError.NotFound(type, name);
                await WriteAsync(ctx, 200, sub == "scale" ? Scale(got) : Tables.TableConverter.Present(outcome, type, Store.Render(got), q, _store, EventNow)).ConfigureAwait(false);
                return;
            case "PUT":
                await ReplaceAsync(ctx, type, ns, name, sub).ConfigureAwait(false);
                return;
            case "PATCH":
                await PatchAsync(ctx, type, ns, name, sub).ConfigureAwait(false);
                return;
            case "DELETE":
                await DeleteAsync(ctx, type, ns, name).ConfigureAwait(false);
                return;
            case "POST" when sub == "eviction" && ns is not null:
                await EvictAsync(ctx, type, ns, name).ConfigureAwait(false);
                return;
            default:
                throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
    }

    /// <summary>autoscaling/v1 Scale, the type of every /scale subresource (not served as a resource of its own).</summary>
    private static readonly ResourceType ScaleType = new("autoscaling", "v1", "scale", "scale", "Scale", true, [], [], false);

    private static ApiError NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    /// <summary>Where a kind keeps what Scale shows: .spec.replicas and .status.replicas, or a CRD's scale subresource paths.</summary>
    private static (string Spec, string Status, string? Selector) ScalePaths(ResourceType t) =>
        t.Custom?.Scale is { } s
            ? (s["specReplicasPath"]!.GetValue<string>(), s["statusReplicasPath"]!.GetValue<string>(), s["labelSelectorPath"]?.GetValue<string>())
            : (".spec.replicas", ".status.replicas", null);

    private static JsonNode? AtPath(JsonObject o, string path) =>
        path.TrimStart('.').Split('.').Aggregate((JsonNode?)o, (n, k) => n?[k]);

    private static void SetPath(JsonObject o, string path, JsonNode? value)
    {
        var keys = path.TrimStart('.').Split('.');
        var node = o;
        foreach (var k in keys[..^1]) node = (JsonObject)(node[k] ??= new JsonObject());
        node[keys[^1]] = value;
    }

    private static JsonObject Scale(StoredObject o)
    {
        var (spec, status, selector) = ScalePaths(o.Type);
        var scale = new JsonObject
        {
            ["kind"] = "Scale", ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject { ["name"] = o.Name, ["namespace"] = o.Namespace, ["uid"] = o.Uid, ["resourceVersion"] = o.Object["metadata"]?["resourceVersion"]?.DeepClone(), ["creationTimestamp"] = o.Object["metadata"]?["creationTimestamp"]?.DeepClone() },
            ["spec"] = new JsonObject { ["replicas"] = AtPath(o.Object, spec)?.DeepClone() },
            ["status"] = new JsonObject { ["replicas"] = AtPath(o.Object, status)?.DeepClone() ?? 0 },
        };
        if (selector is not null && AtPath(o.Object, selector) is { } sel) ((JsonObject)scale["status"]!)["selector"] = sel.DeepClone();
        return scale;
    }

    // ------------------------------------------------------------------ list

    private JsonObject List(ResourceType t, string? ns, IQueryCollection q)
    {
        var labels = Selectors.Labels(q["labelSelector"]);
        var fields = Selectors.Fields(q["fieldSelector"], t);
        var rv = _store.ResourceVersion;
        var stored = _store.List(t, ns);
        var created = stored.ToDictionary(o => $"{o.Namespace}/{o.Name}", o => o.CreatedRv, StringComparer.Ordinal);
        long CreatedRv(JsonObject o) => created.GetValueOrDefault($"{o["metadata"]?["namespace"]}/{o["metadata"]?["name"]}");
        var items = stored.Select(Store.Render).Where(o => labels(o) && fields(o)).ToList();
        // continue = base64("<list rv>|<last key>"): later pages show the first page's snapshot (objects created after it are left out).
        string? after = null;
        if (!string.IsNullOrEmpty(q["continue"]))
        {
            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(q["continue"]!)).Split('|', 2);
                rv = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                after = parts[1];
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                after = null;
                rv = -1;
            }
            if (rv < 0 || rv < _store.OldestResumable)
                throw new ApiError(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
        }
        static string KeyOf(JsonObject o) => $"{o["metadata"]?["namespace"]}\u0001{o["metadata"]?["name"]}";
        var snapshot = items.Where(o => after is null || (string.CompareOrdinal(KeyOf(o), after) > 0 && CreatedRv(o) <= rv)).ToList();
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        IEnumerable<JsonObject> page = snapshot;
        if (int.TryParse(q["limit"], out var limit) && limit > 0 && snapshot.Count > limit)
        {
            page = snapshot.Take(limit);
            meta["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rv}|{KeyOf(snapshot[limit - 1])}"));
            meta["remainingItemCount"] = snapshot.Count - limit;
        }
        var arr = new JsonArray();
        foreach (var o in page)
        {
            o.Remove("kind");
            o.Remove("apiVersion");
            arr.Add(o);
        }
        return new JsonObject { ["kind"] = t.Kind + "List", ["apiVersion"] = t.GroupVersion, ["metadata"] = meta, ["items"] = arr };
    }

    // ------------------------------------------------------------------ writes

    private static string ManagerFor(HttpContext ctx)
    {
        var fm = ctx.Request.Query["fieldManager"].ToString();
        if (!string.IsNullOrEmpty(fm)) return fm;
        var ua = ctx.Request.Headers.UserAgent.ToString();
        var slash = ua.IndexOf('/');
        return slash > 0 ? ua[..slash] : ua.Length > 0 ? ua : "unknown";
    }

    /// <summary>dryRun=All (M-13); anything else is 422 on the request's options kind.</summary>
    private static bool DryRun(HttpContext ctx, string optionsKind)
    {
        var dr = ctx.Request.Query["dryRun"];
        if (dr.Count == 0) return false;
        if (dr.Any(v => v != "All"))
            throw new ApiError(422, "Invalid", $"{optionsKind}.meta.k8s.io \"\" is invalid: dryRun[0]: Unsupported value: \"{dr}\": supported values: \"All\"",
                new JsonObject { ["group"] = "meta.k8s.io", ["kind"] = optionsKind, ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueNotSupported", ["message"] = $"Unsupported value: \"{dr}\": supported values: \"All\"", ["field"] = "dryRun[0]" }) });
        return true;
    }

    private static void CheckTypeMeta(ResourceType t, JsonObject body)
    {
        if (body["apiVersion"]?.GetValue<string>() is { } av && av != t.GroupVersion)
            throw ApiError.BadRequest($"the API version in the data ({av}) does not match the expected API version ({t.GroupVersion})");
        if (body["kind"]?.GetValue<string>() is { } k && k != t.Kind)
            throw ApiError.BadRequest($"{k} in version \"{t.Version}\" cannot be handled as a {t.Kind}: the kind in the data does not match the endpoint");
    }

    private void RequireNamespace(ResourceType t, string? ns)
    {
        if (!t.Namespaced || ns is null) return;
        var nsType = ResourceTypes.Find("", "v1", "namespaces")!;
        var n = _store.Get(nsType, null, ns) ?? throw ApiError.NamespaceNotFound(ns);
        if (n.Object["metadata"]?["deletionTimestamp"] is not null)
            throw new ApiError(403, "Forbidden", $"{t.Plural} is forbidden: unable to create new content in namespace {ns} because it is being terminated", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "NamespaceTerminating", ["message"] = $"namespace {ns} is being terminated", ["field"] = "metadata.namespace" }) });
    }

    private async Task CreateAsync(HttpContext ctx, ResourceType t, string? ns)
    {
        if (ViewIn(ctx, await Wire.MediaTypes.ReadObjectAsync(ctx, t).ConfigureAwait(false)) is not JsonObject body) throw ApiError.BadRequest("the body must be an object");
        CheckTypeMeta(t, body);
        var meta = body["metadata"] as JsonObject ?? new JsonObject();
        body["metadata"] = meta;
        if (meta["namespace"]?.GetValue<string>() is { } bns && ns is not null && bns != ns)
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        if (meta["resourceVersion"] is not null)
            throw ApiError.Invalid(t, meta["name"]?.GetValue<string>() ?? "", [("metadata.resourceVersion", "Invalid value", "0: resourceVersion should not be set on objects to be created")]);
        if (meta["name"] is null && meta["generateName"]?.GetValue<string>() is { } gen)
            meta["name"] = gen + RandomSuffix(5);
        var name = meta["name"]?.GetValue<string>() ?? "";
        if (name.Length == 0) throw ApiError.Invalid(t, "", [("metadata.name", "Required value", "name or generateName is required")]);
        RequireNamespace(t, ns);
        if (_store.Get(t, ns, name) is not null) throw ApiError.AlreadyExists(t, name);
        if (t.Custom is null || ResourceTypes.HasSubresource(t, "status")) body.Remove("status");
        var wc = new WriteContext(ManagerFor(ctx), "Update", DryRun(ctx, "CreateOptions"), false, ctx.Request.Query["fieldValidation"], []);
        var (obj, _) = Commit(t, ns, name, body, null, wc, null);
        await WriteAsync(ctx, 201, obj, warnings: wc.Warnings).ConfigureAwait(false);
    }

    private async Task ReplaceAsync(HttpContext ctx, ResourceType t, string? ns, string name, string? sub)
    {
        if (ViewIn(ctx, await Wire.MediaTypes.ReadObjectAsync(ctx, sub == "scale" ? ScaleType : t).ConfigureAwait(false)) is not JsonObject body) throw ApiError.BadRequest("the body must be an object");
        CheckTypeMeta(sub == "scale" ? ScaleType : t, body);
        var bodyName = body["metadata"]?["name"]?.GetValue<string>();
        if (bodyName is not null && bodyName != name) throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        var existing = _store.Get(t, ns, name);
        if (existing is null && sub is null && AllowsCreateOnUpdate(t))
        {
            await CreateOnUpdateAsync(ctx, t, ns, name, body).ConfigureAwait(false);
            return;
        }
        if (existing is null) throw ApiError.NotFound(t, name);
        // A resourceVersion of "0" (like none) asks for an unconditional update, which every built-in kind allows.
        if (body["metadata"]?["resourceVersion"]?.GetValue<string>() is { } rv && rv != "0" && rv != existing.Object["metadata"]?["resourceVersion"]?.GetValue<string>())
            throw ApiError.Conflict(t, name);
        if (sub == "approval")
        {
            var (approved, warnings) = Approve(t, name, body, existing, new WriteContext(ManagerFor(ctx), "Update", DryRun(ctx, "UpdateOptions"), true, null, []));
            await WriteAsync(ctx, 200, approved, warnings: warnings).ConfigureAwait(false);
            return;
        }
        if (sub == "scale")
        {
            var replicas = body["spec"]?["replicas"]?.DeepClone();
            if (replicas?.AsInt() is < 0) throw ApiError.Invalid(ScaleType, name, [("spec.replicas", "Invalid value", $"{replicas.AsInt()}: must be greater than or equal to 0")]);
            var updated = (JsonObject)existing.Object.DeepClone();
            SetPath(updated, ScalePaths(t).Spec, replicas);
            var wcs = new WriteContext(ManagerFor(ctx), "Update", DryRun(ctx, "UpdateOptions"), false, null, []) { Subresource = "scale" };
            Commit(t, ns, name, updated, existing, wcs, null);
            await WriteAsync(ctx, 200, Scale(_store.Get(t, ns, name) ?? existing)).ConfigureAwait(false);
            return;
        }
        var wc = new WriteContext(ManagerFor(ctx), "Update", DryRun(ctx, "UpdateOptions"), sub == "status", ctx.Request.Query["fieldValidation"], []);
        var (obj, _) = Commit(t, ns, name, body, existing, wc, null);
        await WriteAsync(ctx, 200, obj, warnings: wc.Warnings).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext ctx, ResourceType t, string? ns, string name, string? sub)
    {
        var contentType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        var q = ctx.Request.Query;
        var isApply = contentType == "application/apply-patch+yaml";
        if (contentType is not ("application/json-patch+json" or "application/merge-patch+json" or "application/strategic-merge-patch+json" or "application/apply-patch+yaml"))
            throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        var errors = new List<(string, string, string)>();
        if (q.ContainsKey("force") && !isApply) errors.Add(("force", "Forbidden", "may not be specified for non-apply patch"));
        var fieldManager = q["fieldManager"].ToString();
        if (isApply && string.IsNullOrEmpty(fieldManager)) errors.Add(("fieldManager", "Required value", "is required for apply patch"));
        if (fieldManager.Length > 128) errors.Add(("fieldManager", "Too long", "may not be more than 128 bytes"));
        if (errors.Count > 0)
        {
            var msg = "PatchOptions.meta.k8s.io \"\" is invalid: " + string.Join(", ", errors.Select(e => $"{e.Item1}: {e.Item2}: {e.Item3}"));
            throw new ApiError(422, "Invalid", msg, new JsonObject { ["group"] = "meta.k8s.io", ["kind"] = "PatchOptions", ["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = $"{e.Item2}: {e.Item3}", ["field"] = e.Item1 }).ToArray()) });
        }
        if (sub == "scale" && !isApply)
        {
            var existingScale = _store.Get(t, ns, name) ?? throw ApiError.NotFound(t, name);
            var patchScale = await ReadPatchAsync(ctx).ConfigureAwait(false);
            var scale = Scale(existingScale);
            var patchedScale = contentType == "application/json-patch+json" && patchScale is JsonArray opsScale ? Patches.Json(scale, opsScale) : Patches.Merge(scale, patchScale)!;
            if (patchedScale["spec"]?["replicas"]?.AsInt() is int n and < 0) throw ApiError.Invalid(ScaleType, name, [("spec.replicas", "Invalid value", $"{n}: must be greater than or equal to 0")]);
            var updated = (JsonObject)existingScale.Object.DeepClone();
            SetPath(updated, ScalePaths(t).Spec, patchedScale["spec"]?["replicas"]?.DeepClone());
            Commit(t, ns, name, updated, existingScale, new WriteContext(ManagerFor(ctx), "Update", DryRun(ctx, "PatchOptions"), false, null, []) { Subresource = "scale" }, null);
            await WriteAsync(ctx, 200, Scale(_store.Get(t, ns, name)!)).ConfigureAwait(false);
            return;
        }
        var patch = await ReadPatchAsync(ctx).ConfigureAwait(false);
        var existing = _store.Get(t, ns, name);
        if (isApply)
        {
            if (patch is not JsonObject cfg) throw ApiError.BadRequest("an apply patch must be an object");
            await ApplyAsync(ctx, t, ns, name, cfg, existing, sub).ConfigureAwait(false);
            return;
        }
        if (existing is null) throw ApiError.NotFound(t, name);
        // Patches apply to the object as served, managedFields included (kubectl's apply migration patches them).
        var live = Store.Render(existing);
        var view = RequestView.Of(ctx);
        if (view is not null) live = view.Out(live);
        JsonNode? patched = contentType switch
        {
            "application/json-patch+json" => patch is JsonArray ops
                ? (ops.Count > 10000 ? throw new ApiError(413, "RequestEntityTooLarge", "The request is too large: too many operations in the JSON patch") : Patches.Json(live, ops))
                : throw CannotUnmarshal(patch, "jsonpatch.Patch"),
            _ when patch is not JsonObject => throw CannotUnmarshal(patch, "map[string]interface {}"),
            "application/merge-patch+json" => Patches.Merge(live, patch),
            _ => t.IsCustom ? throw new ApiError(415, "UnsupportedMediaType", "strategic merge patch is not supported for custom resources") : Patches.Strategic(live, patch, SchemaNode.ForKind(t), root: true),
        };
        if (patched is not JsonObject result) throw ApiError.BadRequest("the patched object is not an object");
        if (view is not null) result = view.In(result, creating: false);
        if (result["metadata"]?["resourceVersion"]?.GetValue<string>() is { } prv && prv != existing.Object["metadata"]?["resourceVersion"]?.GetValue<string>())
            throw ApiError.Conflict(t, name);
        var wc = new WriteContext(ManagerFor(ctx), "Update", DryRun(ctx, "PatchOptions"), sub == "status", q["fieldValidation"], []);
        JsonObject obj;
        try
        {
            (obj, _) = Commit(t, ns, name, result, existing, wc, null);
        }
        catch (ApiError e) when (contentType == "application/strategic-merge-patch+json" && RestoreError(e) is { } why)
        {
            // A strategic merge patch is applied to the object as a map and converted back, so a value of the wrong
            // shape fails in that conversion: an Invalid error on "patch" that shows the patch as Go prints a map.
            var detail = $"Invalid value: \"{GoValue(patch)}\": {why}";
            throw new ApiError(422, "Invalid", $" \"\" is invalid: patch: {detail}", new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = detail, ["field"] = "patch" }),
            });
        }
        await WriteAsync(ctx, 200, obj, warnings: wc.Warnings).ConfigureAwait(false);
    }

    /// <summary>The unstructured converter's complaint for a decoding error about a map, list or object given a value of another shape.</summary>
    private static string? RestoreError(ApiError e)
    {
        var m = System.Text.RegularExpressions.Regex.Match(e.Message, "cannot unmarshal (\\w+) into Go struct field \\S+ of type (\\S+)$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        if (e.Code != 400 || !m.Success) return null;
        var from = m.Groups[1].Value switch { "array" => "slice", "object" => "map", "number" => "float64", var k => k };
        var to = m.Groups[2].Value;
        return to.StartsWith("map[", StringComparison.Ordinal) ? $"cannot restore map from {from}"
            : to.StartsWith("[]", StringComparison.Ordinal) ? $"cannot restore slice from {from}"
            : to.Contains('.', StringComparison.Ordinal) ? $"cannot restore struct from: {from}" : null;
    }

    /// <summary>A JSON value as Go's %+v prints the decoded map: map[k:v …] with sorted keys, [a b] for lists.</summary>
    private static string GoValue(JsonNode? n) => n switch
    {
        null => "<nil>",
        JsonObject o => "map[" + string.Join(' ', o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{GoValue(p.Value)}")) + "]",
        JsonArray a => "[" + string.Join(' ', a.Select(GoValue)) + "]",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        _ => n.ToJsonString(),
    };

    /// <summary>The decoding error a real server answers for a patch of the wrong JSON shape (Go's encoding/json wording).</summary>
    private static ApiError CannotUnmarshal(JsonNode? patch, string goType)
    {
        var kind = patch?.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Object => "object",
            System.Text.Json.JsonValueKind.Array => "array",
            System.Text.Json.JsonValueKind.String => "string",
            System.Text.Json.JsonValueKind.Number => "number",
            _ => "bool",
        };
        return ApiError.BadRequest($"json: cannot unmarshal {kind} into Go value of type {goType}");
    }

    private static string RandomSuffix(int n)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return new string(Enumerable.Range(0, n).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]).ToArray());
    }
}
