using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The garbage collector: foreground deletion and dependents whose owners are gone.</summary>
internal sealed partial class Controllers
{
    private void GarbageCollect()
    {
        // Foreground deletion: delete the dependents, then drop the owner's foregroundDeletion finalizer.
        foreach (var owner in _store.Deleting().Where(o => (o.Object["metadata"]?["finalizers"] as JsonArray)?.Any(f => f?.GetValue<string>() == "foregroundDeletion") == true))
        {
            var dependents = _store.Dependents(null, null, owner.Uid);
            foreach (var d in dependents) _api.Delete(d, "Foreground");
            if (dependents.All(d => _store.Get(d.Type, d.Namespace, d.Name) is null))
                Update(owner, o =>
                {
                    var fin = (JsonArray)o["metadata"]!["finalizers"]!;
                    foreach (var x in fin.Where(x => x?.GetValue<string>() == "foregroundDeletion").ToList()) fin.Remove(x);
                });
        }
        // Dependents whose owners are all gone.
        foreach (var o in _store.Orphans()) _api.Delete(o);
    }
}
