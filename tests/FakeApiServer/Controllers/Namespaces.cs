using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The namespace controller: a terminating namespace is drained, then removed.</summary>
internal sealed partial class Controllers
{
    private void Namespaces()
    {
        foreach (var ns in _store.List(T("", "namespaces"), null).Where(n => n.Object["metadata"]?["deletionTimestamp"] is not null))
        {
            var contents = _store.All().Where(o => o.Type.Namespaced && o.Namespace == ns.Name).ToList();
            foreach (var o in contents) _api.Delete(o);
            if (contents.Count == 0) _store.Remove(ns.Type, null, ns.Name);
        }
    }
}
