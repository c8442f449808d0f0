using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The scheduler's part: pods no controller placed are bound to node-1 when they fit it.</summary>
internal sealed partial class Controllers
{
    /// <summary>
    /// Binds each pod without a node to node-1 (as the scheduler does through pods/binding: spec.nodeName and a
    /// PodScheduled condition) when node-1 takes pods and carries every label of the pod's nodeSelector. A pod that
    /// fits nowhere stays Pending.
    /// </summary>
    private void Schedule()
    {
        var node = _store.Get(T("", "nodes"), null, "node-1");
        if (node is null || node.Object["spec"]?["unschedulable"]?.GetValue<bool>() == true) return;
        var labels = node.Object["metadata"]?["labels"] as JsonObject;
        foreach (var pod in _store.List(T("", "pods"), null))
        {
            if (pod.Object["spec"]?["nodeName"] is not null || pod.Object["metadata"]?["deletionTimestamp"] is not null) continue;
            if (pod.Object["spec"]?["nodeSelector"] is JsonObject selector && selector.Any(s => labels?[s.Key]?.GetValue<string>() != s.Value?.GetValue<string>())) continue;
            lock (_store.Gate)
            {
                var live = _store.Get(pod.Type, pod.Namespace, pod.Name);
                if (live is null || live.Object["spec"]?["nodeName"] is not null) continue;
                var copy = new StoredObject { Type = live.Type, Object = (JsonObject)live.Object.DeepClone(), Managed = live.Managed };
                ((JsonObject)copy.Object["spec"]!)["nodeName"] = "node-1";
                var status = copy.Object["status"] as JsonObject ?? new JsonObject();
                copy.Object["status"] = status;
                status["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = Api.Now() });
                _store.Put(copy, "MODIFIED", Store.Render(live));
            }
        }
    }
}
