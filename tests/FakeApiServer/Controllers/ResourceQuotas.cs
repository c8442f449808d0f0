using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The resource quota controller: each quota's status shows its hard limits and what the objects its scopes select use of them.</summary>
internal sealed partial class Controllers
{
    private void ResourceQuotas()
    {
        var quotas = _store.List(T("", "resourcequotas"), null);
        if (quotas.Count == 0) return;
        // A pod being deleted is charged until its grace period ends on the real clock: the loop wakes then.
        foreach (var pod in _store.List(T("", "pods"), null))
            if (Quota.GraceEnds(pod.Object) is { } end && DateTime.UtcNow <= end) WakeAtReal(After(end));
        foreach (var quota in quotas)
        {
            if (quota.Object["spec"]?["hard"] is not JsonObject hard || quota.Namespace is null) continue;
            var used = Quota.Used(_store, quota.Namespace, quota.Object, hard.Select(h => h.Key));
            var status = new JsonObject
            {
                ["hard"] = hard.DeepClone(),
                ["used"] = new JsonObject(used.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => KeyValuePair.Create(u.Key, (JsonNode?)Quota.Format(u.Key, u.Value)))),
            };
            if (!JsonNode.DeepEquals(quota.Object["status"], status)) SetStatus(quota, status);
        }
    }
}
