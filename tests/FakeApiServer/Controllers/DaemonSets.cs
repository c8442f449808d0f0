using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The daemonset controller: one pod per matching node, rolling replacement.</summary>
internal sealed partial class Controllers
{
    private void DaemonSet(StoredObject ds)
    {
        if (ds.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var spec = (JsonObject)ds.Object["spec"]!;
        var nodeSelector = spec["template"]?["spec"]?["nodeSelector"] as JsonObject;
        var nodes = _store.List(T("", "nodes"), null).Where(n => nodeSelector is null || nodeSelector.All(p => n.Object["metadata"]?["labels"]?[p.Key]?.GetValue<string>() == p.Value?.GetValue<string>())).ToList();
        var revision = Hash(spec["template"]);
        var minReady = Int(spec["minReadySeconds"]);
        var pods = Owned(T("", "pods"), ds);
        foreach (var node in nodes)
            if (!pods.Any(p => p.Object["spec"]?["nodeName"]?.GetValue<string>() == node.Name))
                CreatePod(ds, $"{ds.Name}-{Hash(JsonValue.Create(node.Name + revision))[..5]}", (JsonObject)spec["template"]!, out _, new Dictionary<string, string> { ["controller-revision-hash"] = revision }, node.Name);
        pods = Owned(T("", "pods"), ds);
        string Rev(StoredObject p) => p.Object["metadata"]?["labels"]?["controller-revision-hash"]?.GetValue<string>() ?? "";
        if ((spec["updateStrategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate") == "RollingUpdate" && pods.All(p => PodState(p, 0).Ready))
        {
            var stale = pods.FirstOrDefault(p => Rev(p) != revision);
            if (stale is not null) DeletePod(ds, stale);
        }
        pods = Owned(T("", "pods"), ds);
        var available = pods.Count(p => PodState(p, minReady).Available);
        SetStatus(ds, new JsonObject
        {
            ["desiredNumberScheduled"] = nodes.Count, ["currentNumberScheduled"] = pods.Count, ["numberMisscheduled"] = 0,
            ["numberReady"] = pods.Count(p => PodState(p, 0).Ready), ["numberAvailable"] = available, ["numberUnavailable"] = Math.Max(0, nodes.Count - available),
            ["updatedNumberScheduled"] = pods.Count(p => Rev(p) == revision), ["observedGeneration"] = ds.Object["metadata"]?["generation"]?.DeepClone(),
        });
    }
}
