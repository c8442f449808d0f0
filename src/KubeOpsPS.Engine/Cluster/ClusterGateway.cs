using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Cluster;

/// <summary>How an apply ended for one object.</summary>
public enum ApplyOutcome { Created, Configured, Unchanged, Failed, Skipped }

/// <summary>Options for one server-side apply; FieldManager overrides the gateway's for this call.</summary>
public sealed record ApplyOptions(bool Force = false, bool DryRun = false, string? FieldManager = null);

/// <summary>The result of applying one object; Object is the server's copy.</summary>
public sealed record ApplyResult(string Kind, string? Namespace, string Name, ApplyOutcome Outcome, object? Object, Exception? Error = null)
{
    public override string ToString() => $"{Kind.ToLowerInvariant()}/{Name} {Outcome.ToString().ToLowerInvariant()}";
}

/// <summary>A watch event with a typed object (BOOKMARK events are never yielded).</summary>
public sealed record WatchEvent(string Type, object Object, string? ResourceVersion);

/// <summary>Settings of the gateway's retry policy and deadlines.</summary>
public sealed record GatewayOptions
{
    public string FieldManager { get; init; } = "kubeops";
    public int MaxAttempts { get; init; } = 6;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int WatchTimeoutSeconds { get; init; } = 300;
}

/// <summary>
/// The one code path to the API server. Every call is a raw HTTP request through KubernetesClient's configured
/// HttpClient and credentials (tokens, client certificates, exec plugins, CA checks as the kubeconfig says).
/// Idempotent calls (GET, LIST, server-side apply, DELETE) are retried on 429 (honouring Retry-After), 5xx and
/// dropped connections with capped exponential backoff; 409 conflicts never are. Watches resume from their last
/// resourceVersion and relist after 410 Gone. Errors come out as <see cref="KoClusterException"/>.
/// </summary>
public sealed partial class ClusterGateway : IDisposable
{
    private readonly Kubernetes _client;
    private readonly GatewayOptions _options;

    public ClusterGateway(ClusterConnection connection, GatewayOptions? options = null)
    {
        Connection = connection;
        _options = options ?? new GatewayOptions();
        _client = new Kubernetes(connection.Config);
    }

    public ClusterConnection Connection { get; }
    public string DefaultNamespace => Connection.Namespace;
    public string FieldManager => _options.FieldManager;

    /// <summary>
    /// One line per API call (verb, path, status, time), for -Verbose. Never carries bodies. It flows with the async
    /// context that set it, so cmdlets and background jobs sharing the session's gateway each narrate only their own calls.
    /// </summary>
    public Action<string>? Log
    {
        get => _log.Value;
        set => _log.Value = value;
    }

    private readonly AsyncLocal<Action<string>?> _log = new();

    /// <summary>Counts every HTTP request sent (including retries), for benchmarks.</summary>
    public long RequestCount => Interlocked.Read(ref _requests);
    private long _requests;

    public void Dispose() => _client.Dispose();

    // ---------------------------------------------------------------- raw requests

    private sealed record Answer(HttpStatusCode Code, string Body, HttpResponseHeaders Headers);

    private async Task<Answer> SendAsync(HttpMethod method, string pathAndQuery, string? body, string? contentType, string what, bool idempotent, CancellationToken ct, bool anyStatus = false)
    {
        var attempt = 0;
        while (true)
        {
            attempt++;
            KoClusterException failure;
            TimeSpan? retryAfter = null;
            var sw = Stopwatch.StartNew();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(_options.RequestTimeout);
                using var request = new HttpRequestMessage(method, new Uri(_client.BaseUri, pathAndQuery.TrimStart('/')));
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8);
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
                }
                request.Headers.Accept.ParseAdd("application/json");
                if (_client.Credentials is not null) await _client.Credentials.ProcessHttpRequestAsync(request, timeout.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _requests);
                using var response = await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                Log?.Invoke($"{method} {PathOnly(pathAndQuery)} -> {(int)response.StatusCode} ({sw.ElapsedMilliseconds} ms)");
                if (response.IsSuccessStatusCode || (anyStatus && (int)response.StatusCode is not (429 or 502 or 503 or 504))) return new Answer(response.StatusCode, text, response.Headers);
                failure = KoClusterException.FromResponse(response.StatusCode, text, what);
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException e)
            {
                Log?.Invoke($"{method} {PathOnly(pathAndQuery)} -> timed out after {sw.ElapsedMilliseconds} ms");
                failure = Unreachable(what, $"no answer within {_options.RequestTimeout.TotalSeconds:0} s", e);
            }
            catch (HttpRequestException e)
            {
                Log?.Invoke($"{method} {PathOnly(pathAndQuery)} -> connection failed ({e.HttpRequestError})");
                failure = Unreachable(what, Describe(e), e);
            }
            catch (IOException e)
            {
                failure = Unreachable(what, "the connection was dropped", e);
            }
            if (!idempotent || !failure.Transient || attempt >= _options.MaxAttempts) throw failure;
            var delay = retryAfter ?? Backoff(attempt);
            if (delay > _options.MaxDelay) delay = _options.MaxDelay;
            Log?.Invoke($"retrying in {delay.TotalMilliseconds:0} ms (attempt {attempt + 1} of {_options.MaxAttempts})");
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var ms = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        ms = Math.Min(ms, _options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble() / 2));
    }

    private static string PathOnly(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery[..q];
    }

    private static string Describe(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.ConnectionError => "the connection was refused or timed out",
        HttpRequestError.NameResolutionError => "the server's name could not be resolved",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed (is the certificate authority in your kubeconfig right?)",
        _ => e.InnerException?.Message ?? e.Message,
    };

    private KoClusterException Unreachable(string what, string why, Exception inner) =>
        new("ConnectionFailed", "ConnectionError", $"{what}: cannot reach the cluster at {Connection.Server}: {why}.", Connection.Server,
            "Check that the cluster is running and reachable from here, and that the kubeconfig's server address is right.", inner: inner);

    // ---------------------------------------------------------------- paths

    /// <summary>The REST path of a kind's collection (ns null = all namespaces or cluster-scoped).</summary>
    public static string CollectionPath(KubeKind kind, string? ns)
    {
        var prefix = kind.Group.Length == 0 ? $"/api/{kind.Version}" : $"/apis/{kind.Group}/{kind.Version}";
        return kind.Namespaced && ns is not null ? $"{prefix}/namespaces/{Uri.EscapeDataString(ns)}/{kind.Plural}" : $"{prefix}/{kind.Plural}";
    }

    public static string ObjectPath(KubeKind kind, string? ns, string name) => $"{CollectionPath(kind, ns)}/{Uri.EscapeDataString(name)}";

    private static string Describe(KubeKind kind, string? ns, string name) => new ObjectRef(kind.Kind, kind.Namespaced ? ns : null, name).ToString();

    // ---------------------------------------------------------------- reads

    /// <summary>The server's version (also the connection check: an unreachable server fails within the connect timeout).</summary>
    public async Task<JsonObject> GetVersionAsync(CancellationToken ct)
    {
        var a = await SendAsync(HttpMethod.Get, "/version", null, null, "Connecting", true, ct).ConfigureAwait(false);
        return JsonNode.Parse(a.Body) as JsonObject ?? [];
    }

    /// <summary>Gets one object; null when it does not exist.</summary>
    public async Task<object?> GetAsync(KubeKind kind, string? ns, string name, CancellationToken ct)
    {
        ns = kind.Namespaced ? ns ?? DefaultNamespace : null;
        try
        {
            var a = await SendAsync(HttpMethod.Get, ObjectPath(kind, ns, name), null, null, Describe(kind, ns, name), true, ct).ConfigureAwait(false);
            return Typed(JsonNode.Parse(a.Body)!.AsObject(), kind);
        }
        catch (KoClusterException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>Lists objects (ns null on a namespaced kind = all namespaces), following continue tokens.</summary>
    public async Task<(IReadOnlyList<object> Items, string ResourceVersion)> ListAsync(KubeKind kind, string? ns, string? labelSelector = null, string? fieldSelector = null, CancellationToken ct = default)
    {
        var items = new List<object>();
        string rv = string.Empty;
        await foreach (var list in ListPagesAsync(kind, ns, labelSelector, fieldSelector, ct).ConfigureAwait(false))
        {
            foreach (var item in list["items"]?.AsArray() ?? [])
                if (item is JsonObject o) items.Add(Typed(o, kind));
            rv = list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? rv;
        }
        return (items, rv);
    }

    /// <summary>The pages of a LIST (500 objects each), following continue tokens.</summary>
    private async IAsyncEnumerable<JsonObject> ListPagesAsync(KubeKind kind, string? ns, string? labelSelector, string? fieldSelector, [EnumeratorCancellation] CancellationToken ct)
    {
        string? cont = null;
        do
        {
            var q = new List<string> { "limit=500" };
            if (!string.IsNullOrEmpty(labelSelector)) q.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
            if (!string.IsNullOrEmpty(fieldSelector)) q.Add("fieldSelector=" + Uri.EscapeDataString(fieldSelector));
            if (cont is not null) q.Add("continue=" + Uri.EscapeDataString(cont));
            var what = kind.Namespaced && ns is not null ? $"Listing {kind.Plural} in {ns}" : $"Listing {kind.Plural}";
            var a = await SendAsync(HttpMethod.Get, CollectionPath(kind, ns) + "?" + string.Join('&', q), null, null, what, true, ct).ConfigureAwait(false);
            var list = JsonNode.Parse(a.Body)!.AsObject();
            yield return list;
            cont = list["metadata"]?["continue"]?.GetValue<string>();
            if (string.IsNullOrEmpty(cont)) cont = null;
        }
        while (cont is not null);
    }

    /// <summary>List items carry no kind/apiVersion on a real server; fill them before typing.</summary>
    private static object Typed(JsonObject o, KubeKind kind)
    {
        if (o["apiVersion"] is null) o["apiVersion"] = kind.ApiVersion;
        if (o["kind"] is null) o["kind"] = kind.Kind;
        return KoYaml.FromJson(o);
    }

    // ---------------------------------------------------------------- writes

    /// <summary>
    /// Server-side apply of one object with the gateway's field manager. The object is first checked locally
    /// (kind, apiVersion, name) so a bad object sends nothing. Created / configured / unchanged compares the
    /// answer with a GET of the object before, in the fields the apply manages (<see cref="AppliedChange"/>).
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(object obj, ApplyOptions options, CancellationToken ct)
    {
        var (kind, json, ns, name) = await PrepareAsync(obj, ct).ConfigureAwait(false);
        var before = await GetRawAsync(ObjectPath(kind, ns, name), Describe(kind, ns, name), ct).ConfigureAwait(false);
        return await PatchAsync(kind, json, ns, name, before, options, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Server-side apply of one object whose collection was listed just before (<see cref="ListByNameAsync"/>):
    /// one request, no GET. <paramref name="listed"/> is the object as that LIST had it, null when the LIST did not
    /// have it. The outcome is reported as <see cref="ApplyAsync(object, ApplyOptions, CancellationToken)"/> reports it.
    /// </summary>
    public async Task<ApplyResult> ApplyListedAsync(object obj, ApplyOptions options, JsonObject? listed, CancellationToken ct)
    {
        var (kind, json, ns, name) = await PrepareAsync(obj, ct).ConfigureAwait(false);
        return await PatchAsync(kind, json, ns, name, listed, options, ct).ConfigureAwait(false);
    }

    /// <summary>The apply PATCH; <paramref name="before"/> is null when the object did not exist before.</summary>
    private async Task<ApplyResult> PatchAsync(KubeKind kind, JsonObject json, string? ns, string name, JsonObject? before, ApplyOptions options, CancellationToken ct)
    {
        var manager = options.FieldManager ?? _options.FieldManager;
        var q = $"?fieldManager={Uri.EscapeDataString(manager)}&force={(options.Force ? "true" : "false")}";
        if (options.DryRun) q += "&dryRun=All";
        var a = await SendAsync(HttpMethod.Patch, ObjectPath(kind, ns, name) + q, json.ToJsonString(), "application/apply-patch+yaml", Describe(kind, ns, name), true, ct).ConfigureAwait(false);
        var after = JsonNode.Parse(a.Body)!.AsObject();
        // 201: the apply created it (also when it was deleted after the listing).
        var outcome = before is null || a.Code == HttpStatusCode.Created ? ApplyOutcome.Created
            : AppliedChange(json, before, after, manager) ? ApplyOutcome.Configured
            : ApplyOutcome.Unchanged;
        return new ApplyResult(kind.Kind, ns, name, outcome, Typed(after, kind));
    }

    /// <summary>
    /// Whether an apply changed what it manages: a value at a path it sends, or the set of fields its manager owns
    /// (a field dropped from the configuration is removed or given up). What others wrote between the read and the
    /// apply (a controller's status, another manager's labels) moves the resourceVersion but is not the apply's doing.
    /// apiVersion and kind name the object (a LIST's items do not carry them).
    /// </summary>
    private static bool AppliedChange(JsonObject applied, JsonObject before, JsonObject after, string manager) =>
        ResourceVersion(before) != ResourceVersion(after)
        && (applied.Any(f => f.Key is not ("apiVersion" or "kind") && !SameAt(f.Value, before[f.Key], after[f.Key]))
            || !JsonNode.DeepEquals(OwnedFields(before, manager), OwnedFields(after, manager)));

    /// <summary>Whether <paramref name="before"/> and <paramref name="after"/> agree at every path of <paramref name="applied"/> (lists compared whole).</summary>
    private static bool SameAt(JsonNode? applied, JsonNode? before, JsonNode? after) =>
        applied is JsonObject fields && before is JsonObject b && after is JsonObject a
            ? fields.All(f => SameAt(f.Value, b[f.Key], a[f.Key]))
            : JsonNode.DeepEquals(before, after);

    /// <summary>The fields a manager's applies own (its managedFields entry for the main resource).</summary>
    private static JsonNode? OwnedFields(JsonObject o, string manager) =>
        (o["metadata"]?["managedFields"] as JsonArray)?.FirstOrDefault(e =>
            e?["manager"]?.GetValue<string>() == manager && e["operation"]?.GetValue<string>() == "Apply" && string.IsNullOrEmpty(e["subresource"]?.GetValue<string>()))?["fieldsV1"];

    private static string? ResourceVersion(JsonObject o) => o["metadata"]?["resourceVersion"]?.GetValue<string>();

    /// <summary>
    /// Every object of one kind in one namespace (or cluster-wide for a cluster-scoped kind), by name, from a
    /// paginated LIST: what a batch needs to know before applying, in one request per 500 objects instead of a GET
    /// per object. A 404 (a kind the server does not serve yet) means nothing of it exists.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> ListByNameAsync(KubeKind kind, string? ns, CancellationToken ct)
    {
        ns = kind.Namespaced ? ns ?? DefaultNamespace : null;
        var objects = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var pages = 0;
        try
        {
            await foreach (var list in ListPagesAsync(kind, ns, null, null, ct).ConfigureAwait(false))
            {
                pages++;
                foreach (var item in list["items"]?.AsArray() ?? [])
                    if (item is JsonObject o && o["metadata"]?["name"]?.GetValue<string>() is { } n)
                        objects[n] = o;
            }
        }
        catch (KoClusterException e) when (e.StatusCode == 404 && pages == 0)
        {
            // The server does not serve the kind (yet): nothing of it exists.
        }
        return objects;
    }

    private async Task<JsonObject?> GetRawAsync(string path, string what, CancellationToken ct)
    {
        try
        {
            var a = await SendAsync(HttpMethod.Get, path, null, null, what, true, ct).ConfigureAwait(false);
            return JsonNode.Parse(a.Body) as JsonObject;
        }
        catch (KoClusterException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks an object locally and resolves its kind, namespace and name (nothing is sent for a bad object). The JSON
    /// carries no status, server metadata (managedFields, resourceVersion, uid, creationTimestamp, generation) or
    /// controller-owned annotations, so an apply never claims fields the server or a controller sets.
    /// </summary>
    public async Task<(KubeKind Kind, JsonObject Json, string? Namespace, string Name)> PrepareAsync(object obj, CancellationToken ct)
    {
        var json = KoYaml.ToJsonObject(obj);
        KoYaml.RemoveControllerAnnotations(json);
        var apiVersion = json["apiVersion"]?.GetValue<string>();
        var kindName = json["kind"]?.GetValue<string>();
        var meta = json["metadata"] as JsonObject;
        var name = meta?["name"]?.GetValue<string>();
        var label = $"{kindName ?? "object"} '{name ?? "?"}'";
        if (string.IsNullOrEmpty(apiVersion)) throw Validation.Validate.Invalid("apiVersion", obj, $"The {label} has no apiVersion; nothing was sent.");
        if (string.IsNullOrEmpty(kindName)) throw Validation.Validate.Invalid("kind", obj, $"The object '{name ?? "?"}' has no kind; nothing was sent.");
        if (string.IsNullOrEmpty(name)) throw Validation.Validate.Invalid("metadata.name", obj, $"The {kindName} has no metadata.name; nothing was sent.");
        var kind = KubeTypes.Find(apiVersion, kindName) ?? await DiscoverKindAsync(apiVersion, kindName, ct).ConfigureAwait(false);
        Validation.Validate.ObjectName(name, kind.Kind, "metadata.name");
        string? ns = null;
        if (kind.Namespaced)
        {
            ns = meta!["namespace"]?.GetValue<string>() ?? DefaultNamespace;
            meta["namespace"] = ns;
        }
        else
        {
            meta!.Remove("namespace");
        }
        return (kind, json, ns, name);
    }

    /// <summary>Deletes an object; returns false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(KubeKind kind, string? ns, string name, string propagation = "Background", bool dryRun = false, CancellationToken ct = default)
    {
        ns = kind.Namespaced ? ns ?? DefaultNamespace : null;
        var body = $"{{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"{propagation}\"}}";
        try
        {
            await SendAsync(HttpMethod.Delete, ObjectPath(kind, ns, name) + (dryRun ? "?dryRun=All" : string.Empty), body, "application/json", Describe(kind, ns, name), true, ct).ConfigureAwait(false);
            return true;
        }
        catch (KoClusterException e) when (e.StatusCode == 404 && e.Status?.Details?.Kind != "namespaces")
        {
            return false;
        }
    }

    /// <summary>A JSON merge patch (used for small targeted changes such as a Service selector switch).</summary>
    public async Task<object> MergePatchAsync(KubeKind kind, string? ns, string name, JsonObject patch, CancellationToken ct)
    {
        ns = kind.Namespaced ? ns ?? DefaultNamespace : null;
        var a = await SendAsync(HttpMethod.Patch, ObjectPath(kind, ns, name) + "?fieldManager=" + Uri.EscapeDataString(_options.FieldManager), patch.ToJsonString(), "application/merge-patch+json", Describe(kind, ns, name), false, ct).ConfigureAwait(false);
        return Typed(JsonNode.Parse(a.Body)!.AsObject(), kind);
    }

    /// <summary>A JSON patch (RFC 6902), as kubectl rollout undo sends.</summary>
    public async Task<object> JsonPatchAsync(KubeKind kind, string? ns, string name, JsonArray patch, CancellationToken ct)
    {
        ns = kind.Namespaced ? ns ?? DefaultNamespace : null;
        var a = await SendAsync(HttpMethod.Patch, ObjectPath(kind, ns, name) + "?fieldManager=" + Uri.EscapeDataString(_options.FieldManager), patch.ToJsonString(), "application/json-patch+json", Describe(kind, ns, name), false, ct).ConfigureAwait(false);
        return Typed(JsonNode.Parse(a.Body)!.AsObject(), kind);
    }

    // ---------------------------------------------------------------- watch

    /// <summary>
    /// Watches a collection from <paramref name="resourceVersion"/> (null: the current state first, as ADDED events).
    /// A dropped stream resumes from the last resourceVersion seen; an expired one (410) relists and carries on,
    /// emitting the current objects as MODIFIED so the caller's view is whole again. Ends only when cancelled.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(KubeKind kind, string? ns, string? fieldSelector = null, string? labelSelector = null, string? resourceVersion = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var rv = resourceVersion;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            if (rv is null)
            {
                var (items, listRv) = await ListAsync(kind, ns, labelSelector, fieldSelector, ct).ConfigureAwait(false);
                foreach (var item in items) yield return new WatchEvent("ADDED", item, null);
                rv = listRv;
            }
            var q = new List<string> { "watch=true", "allowWatchBookmarks=true", "resourceVersion=" + Uri.EscapeDataString(rv), $"timeoutSeconds={_options.WatchTimeoutSeconds}" };
            if (!string.IsNullOrEmpty(fieldSelector)) q.Add("fieldSelector=" + Uri.EscapeDataString(fieldSelector));
            if (!string.IsNullOrEmpty(labelSelector)) q.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
            var channel = System.Threading.Channels.Channel.CreateUnbounded<(WatchEvent? Event, bool Expired)>();
            // The stream is closed as soon as the caller stops reading (break, dispose, cancel), not when it times out.
            using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var pump = PumpWatchAsync(CollectionPath(kind, ns) + "?" + string.Join('&', q), kind, channel.Writer, pumpStop.Token);
            var expired = false;
            try
            {
                await foreach (var (ev, exp) in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (exp) { expired = true; continue; }
                    failures = 0;
                    rv = ev!.ResourceVersion ?? rv;
                    if (ev.Type != "BOOKMARK") yield return ev;
                }
            }
            finally
            {
                pumpStop.Cancel();
            }
            try
            {
                await pump.ConfigureAwait(false);
            }
            catch (KoClusterException e) when (e.Transient || e.StatusCode == 410)
            {
                expired |= e.StatusCode == 410;
                failures++;
            }
            if (expired)
            {
                Log?.Invoke($"watch of {kind.Plural} expired at resourceVersion {rv}; relisting");
                var (items, listRv) = await ListAsync(kind, ns, labelSelector, fieldSelector, ct).ConfigureAwait(false);
                foreach (var item in items) yield return new WatchEvent("MODIFIED", item, null);
                rv = listRv;
            }
            if (failures > 0) await Task.Delay(Backoff(Math.Min(failures, 6)), ct).ConfigureAwait(false);
        }
    }

    private async Task PumpWatchAsync(string pathAndQuery, KubeKind kind, System.Threading.Channels.ChannelWriter<(WatchEvent?, bool)> writer, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_client.BaseUri, pathAndQuery.TrimStart('/')));
            request.Headers.Accept.ParseAdd("application/json");
            if (_client.Credentials is not null) await _client.Credentials.ProcessHttpRequestAsync(request, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _requests);
            HttpResponseMessage response;
            try
            {
                response = await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw Unreachable($"Watching {kind.Plural}", Describe(e), e);
            }
            using (response)
            {
                Log?.Invoke($"WATCH {PathOnly(pathAndQuery)} -> {(int)response.StatusCode}");
                if (!response.IsSuccessStatusCode)
                    throw KoClusterException.FromResponse(response.StatusCode, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false), $"Watching {kind.Plural}");
                using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                using var reader = new StreamReader(stream);
                while (true)
                {
                    string? line;
                    try
                    {
                        line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        Log?.Invoke($"watch of {kind.Plural} dropped; resuming");
                        return;
                    }
                    if (line is null) return;
                    if (line.Length == 0) continue;
                    var ev = JsonNode.Parse(line)!.AsObject();
                    var type = ev["type"]?.GetValue<string>() ?? string.Empty;
                    var obj = ev["object"] as JsonObject;
                    if (type == "ERROR")
                    {
                        var code = obj?["code"]?.GetValue<int>() ?? 0;
                        if (code == 410) { await writer.WriteAsync((null, true), ct).ConfigureAwait(false); return; }
                        throw KoClusterException.FromResponse((HttpStatusCode)(code == 0 ? 500 : code), obj?.ToJsonString(), $"Watching {kind.Plural}");
                    }
                    if (obj is null) continue;
                    var rv = obj["metadata"]?["resourceVersion"]?.GetValue<string>();
                    object typed = type == "BOOKMARK" ? obj : Typed(obj, kind);
                    await writer.WriteAsync((new WatchEvent(type, typed, rv), false), ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }
}
