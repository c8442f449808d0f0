using System.Text.Json.Nodes;
using FakeApiServer.OpenApi;

namespace FakeApiServer;

public sealed partial class Api
{
    private static readonly string[] ServerMeta = ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"];

    /// <summary>
    /// The write pipeline every create, update, patch and apply goes through: decode, server metadata, defaults,
    /// validation, generation, field ownership, the no-op rule, dry run, then the store.
    /// </summary>
    internal (JsonObject Object, bool Changed) Commit(ResourceType t, string? ns, string name, JsonObject body, StoredObject? existing, WriteContext wc, List<ManagedEntry>? managedOverride)
    {
        if (existing is null) AwaitDefaultServiceAccount(t, ns, body, wc);
        lock (_store.Gate)
        {
            var clearManaged = body["metadata"]?["managedFields"] is JsonArray mf && mf.Count == 1 && mf[0] is JsonObject { Count: 0 };
            // managedFields a client sends (as read, or rewritten like kubectl's client-side to server-side apply migration) replace the stored ones; [] keeps them.
            var sentManaged = !clearManaged && body["metadata"]?["managedFields"] is JsonArray { Count: > 0 } smf ? Store.ParseManaged(smf) : null;
            var decoded = Admission.Decode(t, body, wc.FieldValidation, wc.Warnings);
            var meta = decoded["metadata"] as JsonObject ?? new JsonObject();
            decoded["metadata"] = meta;
            meta["name"] = name;
            if (t.Namespaced) meta["namespace"] = ns; else meta.Remove("namespace");
            meta.Remove("managedFields");
            meta.Remove("resourceVersion");
            decoded.Remove("apiVersion");
            decoded.Remove("kind");
            JsonObject result;
            var old = existing?.Object;
            if (old is not null)
            {
                if (wc.IsStatus)
                {
                    result = (JsonObject)old.DeepClone();
                    result["status"] = decoded["status"]?.DeepClone();
                }
                else
                {
                    result = decoded;
                    // Status is written through /status where there is one (a CRD may have none: then it is part of the object).
                    if (t.Custom is null || ResourceTypes.HasSubresource(t, "status"))
                    {
                        if (old["status"] is { } st) result["status"] = st.DeepClone(); else result.Remove("status");
                    }
                    var oldMeta = (JsonObject)old["metadata"]!;
                    foreach (var f in ServerMeta)
                        if (oldMeta[f] is { } v) meta[f] = v.DeepClone(); else meta.Remove(f);
                }
            }
            else
            {
                result = decoded;
                meta["uid"] = Guid.NewGuid().ToString();
                meta["creationTimestamp"] = Now();
                if (t.TracksGeneration) meta["generation"] = 1; else meta.Remove("generation");
                if (t.Kind == "Namespace") result["status"] = new JsonObject { ["phase"] = "Active" };
                // The DefaultStorageClass admission plugin: a claim without a class gets the default one.
                if (t.Kind == "PersistentVolumeClaim" && result["spec"] is JsonObject pvcSpec && pvcSpec["storageClassName"] is null
                    && _store.List(ResourceTypes.Find("storage.k8s.io", "v1", "storageclasses")!, null).FirstOrDefault(c => c.Object["metadata"]?["annotations"]?["storageclass.kubernetes.io/is-default-class"]?.GetValue<string>() == "true") is { } defaultClass)
                    pvcSpec["storageClassName"] = defaultClass.Name;
            }
            ((JsonObject)result["metadata"]!).Remove("resourceVersion");
            if (!wc.Internal && Auth.AccessControl.CurrentUser is { } author) new Auth.Rbac(_store).CheckWrite(author, t, ns, name, result, old);
            if (!wc.IsStatus)
            {
                Admission.Default(t, result);
                if (old is null) AdmitMutating(t, ns, name, result, wc);
                if (old is null) PrepareForCreate(t, result, wc.Internal ? null : Auth.AccessControl.CurrentUser);
                if (t.Kind == "Service") AllocateService(result, old);
                Admission.Validate(t, result, old, wc.Warnings);
                if (old is not null && t.Kind == "Pod") PodUpdates.Validate(t, name, result, old);
                AdmitValidating(t, ns, name, result, old, wc);
            }
            else if (!wc.Internal && old is not null) Admission.ValidateStatus(t, result, old);
            if (old is not null && t.TracksGeneration && !wc.IsStatus)
            {
                var specChanged = !JsonNode.DeepEquals(old["spec"], result["spec"])
                    || (t.Kind == "Deployment" && !JsonNode.DeepEquals(old["metadata"]?["annotations"], result["metadata"]?["annotations"]));
                if (specChanged) ((JsonObject)result["metadata"]!)["generation"] = (old["metadata"]?["generation"]?.AsLong() ?? 0) + 1;
            }
            result = result.Normalize();
            List<ManagedEntry> managed;
            if (clearManaged) managed = [];
            else if (managedOverride is not null) managed = managedOverride;
            else if (existing is null) managed = sentManaged ?? [new ManagedEntry { Manager = wc.Manager, Operation = "Update", ApiVersion = t.GroupVersion, Time = Now(), Fields = FieldSets.Flatten(decoded, SchemaNode.ForKind(t)) }];
            else managed = UpdateOwnership(t, sentManaged is null ? existing : new StoredObject { Type = t, Object = existing.Object, Managed = sentManaged }, result, wc);
            if (existing is not null)
            {
                var a = (JsonObject)old!.DeepClone(); ((JsonObject)a["metadata"]!).Remove("resourceVersion");
                if (JsonNode.DeepEquals(a, result) && SameOwnership(existing.Managed, managed))
                    return (Store.Render(existing), false);
            }
            var stored = new StoredObject { Type = t, Object = result, Managed = managed };
            if (wc.DryRun)
            {
                var preview = Store.Render(stored);
                if (old?["metadata"]?["resourceVersion"] is { } orv) ((JsonObject)preview["metadata"]!)["resourceVersion"] = orv.DeepClone();
                return (preview, false);
            }
            // An object whose deletion waited for finalizers goes once they are all removed.
            if (result["metadata"]?["deletionTimestamp"] is not null && (result["metadata"]?["finalizers"] as JsonArray ?? []).Count == 0 && t.Kind != "Namespace")
            {
                _store.Remove(t, ns, name);
                return (Store.Render(stored), true);
            }
            return (_store.Put(stored, existing is null ? "ADDED" : "MODIFIED", old is null ? null : Store.Render(existing!), countWrite: !wc.Internal), true);
        }
    }

    /// <summary>
    /// The kinds whose registry strategy says AllowCreateOnUpdate: a PUT to a missing one creates it (201). Every other
    /// kind, custom resources included, answers 404 NotFound.
    /// </summary>
    internal static bool AllowsCreateOnUpdate(ResourceType t) => t.Custom is null && (t.Group, t.Plural) is
        ("", "services" or "endpoints" or "events" or "limitranges") or ("events.k8s.io", "events") or ("coordination.k8s.io", "leases")
        or ("rbac.authorization.k8s.io", "roles" or "rolebindings" or "clusterroles" or "clusterrolebindings") or ("node.k8s.io", "runtimeclasses");

    /// <summary>
    /// A PUT that creates: the namespace must exist and be active, and the user needs "create" besides the "update" the
    /// request was authorized for (the 403 names the create verb); then the object is created as a POST would.
    /// </summary>
    private async Task CreateOnUpdateAsync(HttpContext ctx, ResourceType t, string? ns, string name, JsonObject body)
    {
        RequireNamespace(t, ns);
        if (Auth.AccessControl.CurrentUser is { } user)
        {
            var create = new Auth.RequestAttributes(user, "create", true, Group: t.Group, Version: t.Version, Resource: t.Plural, Namespace: ns ?? "", Name: name);
            var (allowed, reason) = new Auth.Rbac(_store).Authorize(create);
            if (!allowed) throw Auth.Rbac.Denied(create, reason);
        }
        (body["metadata"] as JsonObject)?.Remove("resourceVersion");
        body.Remove("status");
        var wc = new WriteContext(ManagerFor(ctx), "Update", DryRun(ctx, "UpdateOptions"), false, ctx.Request.Query["fieldValidation"], []);
        var (obj, _) = Commit(t, ns, name, body, null, wc, null);
        await WriteAsync(ctx, 201, obj, warnings: wc.Warnings).ConfigureAwait(false);
    }

    private int _nextClusterIp = 10;

    /// <summary>
    /// Service allocation as the registry does it (M-5): a clusterIP from 10.96.0.0/12 unless headless or ExternalName,
    /// and a free nodePort in 30000-32767 for NodePort and LoadBalancer ports. Updates that omit them keep the old values.
    /// </summary>
    private void AllocateService(JsonObject svc, JsonObject? old)
    {
        if (svc["spec"] is not JsonObject spec) return;
        var type = spec["type"]?.GetValue<string>() ?? "ClusterIP";
        if (type == "ExternalName") return;
        if (spec["clusterIP"] is null && old?["spec"]?["clusterIP"] is { } oldIp)
        {
            spec["clusterIP"] = oldIp.DeepClone();
            spec["clusterIPs"] = old["spec"]?["clusterIPs"]?.DeepClone();
        }
        if (string.IsNullOrEmpty(spec["clusterIP"]?.GetValue<string>()))
        {
            var n = Interlocked.Increment(ref _nextClusterIp);
            spec["clusterIP"] = $"10.96.{n / 250}.{n % 250 + 1}";
        }
        spec["clusterIPs"] ??= new JsonArray(spec["clusterIP"]!.GetValue<string>());
        if (type is not ("NodePort" or "LoadBalancer")) return;
        var used = _store.List(ResourceTypes.Find("", "v1", "services")!, null)
            .SelectMany(s => s.Object["spec"]?["ports"] as JsonArray ?? []).Select(p => p?["nodePort"]?.AsInt() ?? 0).ToHashSet();
        var oldPorts = old?["spec"]?["ports"] as JsonArray ?? [];
        foreach (var p in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (p["nodePort"] is not null) continue;
            var keep = oldPorts.OfType<JsonObject>().FirstOrDefault(o => o["port"]?.AsInt() == p["port"]?.AsInt() && o["nodePort"] is not null);
            if (keep is not null) { p["nodePort"] = keep["nodePort"]!.DeepClone(); continue; }
            var port = 30000 + Random.Shared.Next(2768);
            while (used.Contains(port)) port = port == 32767 ? 30000 : port + 1;
            used.Add(port);
            p["nodePort"] = port;
        }
    }

    private static bool SameOwnership(List<ManagedEntry> a, List<ManagedEntry> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Manager == p.Second.Manager && p.First.Operation == p.Second.Operation && p.First.Subresource == p.Second.Subresource && p.First.Fields.SetEquals(p.Second.Fields));

    /// <summary>
    /// Updates (PUT, patches, POST) by a manager take the fields they changed from everyone else (S-5). Writes to
    /// /status track status fields under an entry with subresource "status"; /scale writes under "scale".
    /// </summary>
    private static List<ManagedEntry> UpdateOwnership(ResourceType t, StoredObject existing, JsonObject result, WriteContext wc)
    {
        var entries = existing.Managed.Select(e => new ManagedEntry { Manager = e.Manager, Operation = e.Operation, ApiVersion = e.ApiVersion, Subresource = e.Subresource, Time = e.Time, Fields = new HashSet<string>(e.Fields, StringComparer.Ordinal) }).ToList();
        var subresource = wc.Subresource ?? (wc.IsStatus ? "status" : null);
        var schema = SchemaNode.ForKind(t);
        var oldFields = wc.IsStatus ? FieldSets.FlattenStatus(existing.Object, schema) : FieldSets.Flatten(existing.Object, schema);
        var newFields = wc.IsStatus ? FieldSets.FlattenStatus(result, schema) : FieldSets.Flatten(result, schema);
        var changed = newFields.Where(p => !p.EndsWith('.') && (!oldFields.Contains(p) || !FieldSets.SameValue(FieldSets.Get(existing.Object, p, schema), FieldSets.Get(result, p, schema)))).ToHashSet(StringComparer.Ordinal);
        var removed = oldFields.Where(p => !newFields.Contains(p)).ToHashSet(StringComparer.Ordinal);
        if (changed.Count == 0 && removed.Count == 0) return entries;
        foreach (var e in entries) { e.Fields.ExceptWith(changed); e.Fields.ExceptWith(removed); }
        var mine = entries.FirstOrDefault(e => e.Manager == wc.Manager && e.Operation == "Update" && e.Subresource == subresource);
        if (mine is null && changed.Count > 0)
        {
            mine = new ManagedEntry { Manager = wc.Manager, Operation = "Update", ApiVersion = t.GroupVersion, Subresource = subresource };
            entries.Add(mine);
        }
        if (mine is not null && changed.Count > 0)
        {
            mine.Fields.UnionWith(changed);
            // Keep list items whole for their new owner.
            foreach (var p in changed.ToList())
            {
                var segs = p.Split('\n');
                for (var i = 0; i < segs.Length; i++)
                    if (segs[i].StartsWith("k:", StringComparison.Ordinal)) mine.Fields.Add(string.Join('\n', segs[..(i + 1)]) + "\n.");
            }
            mine.Time = Now();
        }
        return entries.Where(e => e.Fields.Count > 0).ToList();
    }

    /// <summary>Server-side apply (S-1..S-7).</summary>
    private async Task ApplyAsync(HttpContext ctx, ResourceType t, string? ns, string name, JsonObject config, StoredObject? existing, string? sub)
    {
        var q = ctx.Request.Query;
        var manager = q["fieldManager"].ToString();
        var force = q["force"] == "true";
        var av = config["apiVersion"]?.GetValue<string>();
        if (av != t.GroupVersion) throw ApiError.BadRequest($"Incorrect version specified in apply patch. Specified patch version: {av}, expected: {t.GroupVersion}");
        if (config["kind"]?.GetValue<string>() != t.Kind) throw ApiError.BadRequest($"Incorrect kind specified in apply patch. Specified patch kind: {config["kind"]}, expected: {t.Kind}");
        var meta = config["metadata"] as JsonObject;
        if (meta?["managedFields"] is not null) throw ApiError.BadRequest("metadata.managedFields must be nil");
        var cname = meta?["name"]?.GetValue<string>();
        if (cname is not null && cname != name) throw ApiError.BadRequest($"the name of the object ({cname}) does not match the name on the URL ({name})");
        if (meta?["namespace"]?.GetValue<string>() is { } cns && cns.Length > 0 && cns != ns) throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        if (meta?["resourceVersion"]?.GetValue<string>() is { } crv && existing is not null && crv != existing.Object["metadata"]?["resourceVersion"]?.GetValue<string>()) throw ApiError.Conflict(t, name);
        var wc = new WriteContext(manager, "Apply", DryRun(ctx, "PatchOptions"), sub == "status", q["fieldValidation"], []);
        var decoded = Admission.Decode(t, config, wc.FieldValidation, wc.Warnings);
        decoded.Remove("status");
        var schema = SchemaNode.ForKind(t);
        var applied = FieldSets.Flatten(decoded, schema);
        if (existing is null)
        {
            RequireNamespace(t, ns);
            var entry = new ManagedEntry { Manager = manager, Operation = "Apply", ApiVersion = t.GroupVersion, Time = Now(), Fields = applied };
            var (created, _) = Commit(t, ns, name, decoded, null, wc, [entry]);
            await WriteAsync(ctx, 201, created, warnings: wc.Warnings).ConfigureAwait(false);
            return;
        }
        JsonObject merged;
        List<ManagedEntry> managed;
        lock (_store.Gate)
        {
            existing = _store.Get(t, ns, name) ?? existing;
            var live = (JsonObject)existing.Object.DeepClone();
            var others = existing.Managed.Where(e => e.Manager != manager || e.Operation != "Apply").Select(e => new ManagedEntry { Manager = e.Manager, Operation = e.Operation, ApiVersion = e.ApiVersion, Subresource = e.Subresource, Time = e.Time, Fields = new HashSet<string>(e.Fields, StringComparer.Ordinal) }).ToList();
            var prev = existing.Managed.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply");
            var conflicts = new List<(ManagedEntry Owner, string Path)>();
            foreach (var p in applied)
            {
                if (p.EndsWith('.')) continue;
                foreach (var o in others)
                    if (o.Fields.Contains(p) && !FieldSets.SameValue(FieldSets.Get(decoded, p, schema), FieldSets.Get(live, p, schema)))
                        conflicts.Add((o, p));
            }
            if (conflicts.Count > 0 && !force && !(manager == KubectlManager && LastAppliedAllows(t, live, conflicts))) throw ConflictError(t, name, conflicts);
            foreach (var (owner, p) in conflicts) owner.Fields.Remove(p);
            merged = (JsonObject)FieldSets.Merge(live, decoded, schema, root: true)!;
            // kubectl's server-side apply keeps an existing last-applied-configuration in step with what it applied.
            if (manager == KubectlManager && merged["metadata"]?["annotations"]?[LastApplied] is not null)
            {
                var lastApplied = (JsonObject)config.DeepClone();
                (lastApplied["metadata"]?["annotations"] as JsonObject)?.Remove(LastApplied);
                ((JsonObject)merged["metadata"]!["annotations"]!)[LastApplied] = lastApplied.ToJsonString(Compact) + "\n";
            }
            var stillOwned = new HashSet<string>(applied, StringComparer.Ordinal);
            foreach (var o in others) stillOwned.UnionWith(o.Fields);
            if (prev is not null) FieldSets.Remove(merged, prev.Fields.Where(p => !stillOwned.Contains(p)), stillOwned, schema);
            var same = prev is not null && prev.Fields.SetEquals(applied);
            var mine = new ManagedEntry { Manager = manager, Operation = "Apply", ApiVersion = t.GroupVersion, Time = same ? prev!.Time : Now(), Fields = applied };
            managed = [];
            var placed = false;
            foreach (var e in existing.Managed)
            {
                if (e.Manager == manager && e.Operation == "Apply") { managed.Add(mine); placed = true; continue; }
                var o = others.First(x => x.Manager == e.Manager && x.Operation == e.Operation && x.Subresource == e.Subresource);
                if (o.Fields.Count > 0) managed.Add(o);
            }
            if (!placed) managed.Add(mine);
        }
        var (obj, _) = Commit(t, ns, name, merged, existing, wc, managed);
        await WriteAsync(ctx, 200, obj, warnings: wc.Warnings).ConfigureAwait(false);
    }

    private const string KubectlManager = "kubectl";
    private const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>
    /// The upgrade from client-side to server-side apply: for manager "kubectl", conflicts are no conflicts when every
    /// conflicting field is in the object's last-applied-configuration with the value it still has, i.e. the fields
    /// kubectl-client-side-apply set; the apply then takes them over as if forced.
    /// </summary>
    private static bool LastAppliedAllows(ResourceType t, JsonObject live, List<(ManagedEntry Owner, string Path)> conflicts)
    {
        if (live["metadata"]?["annotations"]?[LastApplied]?.GetValue<string>() is not { } text) return false;
        JsonObject lastApplied;
        try
        {
            if (JsonNode.Parse(text) is not JsonObject parsed) return false;
            lastApplied = Admission.Decode(t, parsed, null, []);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ApiError)
        {
            return false;
        }
        var schema = SchemaNode.ForKind(t);
        var allowed = FieldSets.Flatten(lastApplied, schema).Where(p => FieldSets.SameValue(FieldSets.Get(lastApplied, p, schema), FieldSets.Get(live, p, schema))).ToHashSet(StringComparer.Ordinal);
        return conflicts.All(c => allowed.Contains(c.Path));
    }

    /// <summary>How a conflict names a manager: "name" [with subresource "s"] [using apiVersion (Update managers only)].</summary>
    private static string Who(ManagedEntry e)
    {
        var who = $"\"{e.Manager}\"";
        if (e.Subresource is not null) who += $" with subresource \"{e.Subresource}\"";
        return e.Operation == "Update" ? $"{who} using {e.ApiVersion}" : who;
    }

    private static ApiError ConflictError(ResourceType t, string name, List<(ManagedEntry Owner, string Path)> conflicts)
    {
        var causes = new JsonArray();
        foreach (var (o, p) in conflicts)
            causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with {Who(o)}", ["field"] = FieldSets.Display(p) });
        string message;
        if (conflicts.Count == 1)
            message = $"Apply failed with 1 conflict: conflict with {Who(conflicts[0].Owner)}: {FieldSets.Display(conflicts[0].Path)}";
        else
        {
            var groups = conflicts.GroupBy(c => Who(c.Owner)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"conflicts with {g.Key}:\n" + string.Join("\n", g.Select(c => "- " + FieldSets.Display(c.Path))));
            message = $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", groups);
        }
        var details = new JsonObject { ["name"] = name, ["kind"] = t.Plural, ["causes"] = causes };
        if (t.Group.Length > 0) details["group"] = t.Group;
        return new ApiError(409, "Conflict", message, details);
    }
}
