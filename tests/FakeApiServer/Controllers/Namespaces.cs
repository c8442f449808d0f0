using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The namespace controller: a terminating namespace is drained (its status says what remains, as the real
/// controller's NamespaceContentRemaining and NamespaceFinalizersRemaining conditions do), then removed.
/// </summary>
internal sealed partial class Controllers
{
    private void Namespaces()
    {
        foreach (var ns in _store.List(T("", "namespaces"), null).Where(n => n.Object["metadata"]?["deletionTimestamp"] is not null))
        {
            var contents = _store.All().Where(o => o.Type.Namespaced && o.Namespace == ns.Name).ToList();
            foreach (var o in contents) _api.Delete(o);
            var remaining = _store.All().Where(o => o.Type.Namespaced && o.Namespace == ns.Name).ToList();
            if (remaining.Count == 0)
            {
                _store.Remove(ns.Type, null, ns.Name);
                continue;
            }
            var counts = remaining.GroupBy(o => o.Type.Qualified).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} has {g.Count()} resource instances");
            var finalizers = remaining.SelectMany(o => (o.Object["metadata"]?["finalizers"] as JsonArray ?? []).Select(f => f?.GetValue<string>() ?? ""))
                .GroupBy(f => f).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} in {g.Count()} resource instances").ToList();
            var now = Api.Now();
            JsonObject Cond(string type, bool on, string reason, string message) =>
                new() { ["type"] = type, ["status"] = on ? "True" : "False", ["lastTransitionTime"] = now, ["reason"] = reason, ["message"] = message };
            var old = ns.Object["status"]?["conditions"] as JsonArray;
            var conditions = new JsonArray(
                Cond("NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered", "All resources successfully discovered"),
                Cond("NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions", "All legacy kube types successfully parsed"),
                Cond("NamespaceDeletionContentFailure", false, "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
                Cond("NamespaceContentRemaining", true, "SomeResourcesRemain", "Some resources are remaining: " + string.Join(", ", counts)),
                finalizers.Count > 0
                    ? Cond("NamespaceFinalizersRemaining", true, "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: " + string.Join(", ", finalizers))
                    : Cond("NamespaceFinalizersRemaining", false, "ContentHasNoFinalizers", "All content-preserving finalizers finished"));
            // Keep each condition's transition time while its status stays the same.
            foreach (var c in conditions.OfType<JsonObject>())
                if (old?.OfType<JsonObject>().FirstOrDefault(o => o["type"]?.GetValue<string>() == c["type"]!.GetValue<string>()) is { } prev && prev["status"]?.GetValue<string>() == c["status"]!.GetValue<string>())
                    c["lastTransitionTime"] = prev["lastTransitionTime"]?.DeepClone();
            SetStatus(ns, new JsonObject { ["phase"] = "Terminating", ["conditions"] = conditions });
        }
    }
}
