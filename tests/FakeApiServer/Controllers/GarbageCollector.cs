using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The garbage collector: foreground deletion and dependents whose owners are gone.</summary>
internal sealed partial class Controllers
{
    private void GarbageCollect()
    {
        var all = _store.All();
        // Foreground deletion: delete the dependents, then drop the owner's foregroundDeletion finalizer.
        foreach (var owner in all.Where(o => o.Object["metadata"]?["deletionTimestamp"] is not null
            && (o.Object["metadata"]?["finalizers"] as JsonArray)?.Any(f => f?.GetValue<string>() == "foregroundDeletion") == true))
        {
            var dependents = all.Where(o => OwnedBy(o, owner)).ToList();
            foreach (var d in dependents) _api.Delete(d, "Foreground");
            if (dependents.All(d => _store.Get(d.Type, d.Namespace, d.Name) is null))
                Update(owner, o =>
                {
                    var fin = (JsonArray)o["metadata"]!["finalizers"]!;
                    foreach (var x in fin.Where(x => x?.GetValue<string>() == "foregroundDeletion").ToList()) fin.Remove(x);
                });
        }
        all = _store.All();
        var uids = all.Select(o => o.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var o in all)
        {
            if (o.Object["metadata"]?["ownerReferences"] is not JsonArray refs || refs.Count == 0) continue;
            if (refs.All(r => !uids.Contains(r?["uid"]?.GetValue<string>() ?? ""))) _api.Delete(o);
        }
    }
}
