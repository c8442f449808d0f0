using System.Text.Json.Nodes;

namespace FakeApiServer;

public sealed partial class Api
{
    // Kinds whose DELETE answers with a Status rather than the object (M-12).
    private static readonly HashSet<string> ObjectOnDelete = ["Pod", "Service", "ServiceAccount", "PersistentVolume", "PersistentVolumeClaim", "Namespace"];

    private async Task DeleteAsync(HttpContext ctx, ResourceType t, string? ns, string name)
    {
        var existing = _store.Get(t, ns, name) ?? throw ApiError.NotFound(t, name);
        JsonObject? opts = null;
        if ((ctx.Request.ContentLength ?? 0) > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
            opts = await Wire.MediaTypes.ReadOptionsAsync(ctx).ConfigureAwait(false) as JsonObject;
        var propagation = ctx.Request.Query["propagationPolicy"].FirstOrDefault() ?? opts?["propagationPolicy"]?.GetValue<string>() ?? "Background";
        var dryRun = DryRun(ctx, "DeleteOptions") || (opts?["dryRun"] as JsonArray)?.Any(v => v?.GetValue<string>() == "All") == true;
        if (opts?["preconditions"] is JsonObject pre)
        {
            if (pre["uid"]?.GetValue<string>() is { } uid && uid != existing.Uid) throw new ApiError(409, "Conflict", $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Uid}");
            if (pre["resourceVersion"]?.GetValue<string>() is { } rv && rv != existing.Object["metadata"]?["resourceVersion"]?.GetValue<string>())
                throw new ApiError(409, "Conflict", $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {existing.Object["metadata"]?["resourceVersion"]}");
        }
        var result = dryRun ? Store.Render(existing) : Delete(existing, propagation);
        if (result is not null && (result["metadata"]?["deletionTimestamp"] is not null || ObjectOnDelete.Contains(t.Kind)))
        {
            await WriteAsync(ctx, 200, result).ConfigureAwait(false);
            return;
        }
        var details = new JsonObject { ["name"] = name };
        if (t.Group.Length > 0) details["group"] = t.Group;
        details["kind"] = t.Plural;
        details["uid"] = existing.Uid;
        await WriteAsync(ctx, 200, ApiError.Success(details)).ConfigureAwait(false);
    }

    /// <summary>Deletes an object as the registry does: finalizers delay it, namespaces terminate first, orphans lose their owner reference.</summary>
    internal JsonObject? Delete(StoredObject existing, string propagation = "Background")
    {
        lock (_store.Gate)
        {
            var meta = (JsonObject)existing.Object["metadata"]!;
            var finalizers = meta["finalizers"] as JsonArray ?? [];
            var foreground = propagation == "Foreground" && existing.Type.Kind != "Namespace";
            if (existing.Type.Kind == "Namespace" || finalizers.Count > 0 || foreground)
            {
                if (meta["deletionTimestamp"] is not null) return Store.Render(existing);
                var copy = new StoredObject { Type = existing.Type, Object = (JsonObject)existing.Object.DeepClone(), Managed = existing.Managed };
                var cm = (JsonObject)copy.Object["metadata"]!;
                // Foreground: the garbage collector deletes the dependents, then removes this finalizer (M-12).
                if (foreground) ((JsonArray)(cm["finalizers"] ??= new JsonArray())).Add("foregroundDeletion");
                cm["deletionTimestamp"] = Now();
                cm["deletionGracePeriodSeconds"] = 0;
                if (existing.Type.TracksGeneration) cm["generation"] = (cm["generation"]?.AsLong() ?? 0) + 1;
                if (existing.Type.Kind == "Namespace") ((JsonObject)(copy.Object["status"] ??= new JsonObject()))["phase"] = "Terminating";
                return _store.Put(copy, "MODIFIED", Store.Render(existing));
            }
            if (propagation == "Orphan")
            {
                foreach (var dep in _store.All().Where(o => (o.Object["metadata"]?["ownerReferences"] as JsonArray)?.Any(r => r?["uid"]?.GetValue<string>() == existing.Uid) == true).ToList())
                {
                    var copy = new StoredObject { Type = dep.Type, Object = (JsonObject)dep.Object.DeepClone(), Managed = dep.Managed };
                    var refs = (JsonArray)copy.Object["metadata"]!["ownerReferences"]!;
                    foreach (var r in refs.Where(r => r?["uid"]?.GetValue<string>() == existing.Uid).ToList()) refs.Remove(r);
                    if (refs.Count == 0) ((JsonObject)copy.Object["metadata"]!).Remove("ownerReferences");
                    _store.Put(copy, "MODIFIED", Store.Render(dep));
                }
            }
            return _store.Remove(existing.Type, existing.Namespace, existing.Name);
        }
    }

    private async Task DeleteCollectionAsync(HttpContext ctx, ResourceType t, string? ns)
    {
        var labels = Selectors.Labels(ctx.Request.Query["labelSelector"]);
        var fields = Selectors.Fields(ctx.Request.Query["fieldSelector"], t);
        var propagation = ctx.Request.Query["propagationPolicy"].FirstOrDefault() ?? "Background";
        var dryRun = DryRun(ctx, "DeleteOptions");
        var items = new JsonArray();
        foreach (var o in _store.List(t, ns).Where(o => Store.Render(o) is var r && labels(r) && fields(r)))
        {
            var d = dryRun ? Store.Render(o) : Delete(o, propagation);
            if (d is null) continue;
            d.Remove("kind");
            d.Remove("apiVersion");
            items.Add(d);
        }
        await WriteAsync(ctx, 200, new JsonObject { ["kind"] = t.Kind + "List", ["apiVersion"] = t.GroupVersion, ["metadata"] = new JsonObject(), ["items"] = items }).ConfigureAwait(false);
    }
}
