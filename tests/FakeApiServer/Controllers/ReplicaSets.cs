using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The replicaset controller (and the replication manager, for ReplicationControllers: the same status): pods up to spec.replicas, the least ready and newest removed first.</summary>
internal sealed partial class Controllers
{
    private void ReplicaSet(StoredObject rs)
    {
        if (rs.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var want = Int(rs.Object["spec"]?["replicas"], 1);
        var minReady = Int(rs.Object["spec"]?["minReadySeconds"]);
        var pods = _store.List(T("", "pods"), rs.Namespace).Where(p => OwnedBy(p, rs)).ToList();
        if (pods.Count < want)
        {
            for (var i = pods.Count; i < want; i++)
                CreatePod(rs, $"{rs.Name}-{Hash(JsonValue.Create(Guid.NewGuid().ToString()))[..5]}", (JsonObject)rs.Object["spec"]!["template"]!);
        }
        else if (pods.Count > want)
        {
            foreach (var p in pods.OrderBy(p => PodState(p, minReady).Ready).ThenByDescending(p => p.Object["metadata"]!["creationTimestamp"]!.GetValue<string>()).Take(pods.Count - want))
                DeletePod(rs, p);
        }
        pods = _store.List(T("", "pods"), rs.Namespace).Where(p => OwnedBy(p, rs)).ToList();
        var states = pods.Select(p => PodState(p, minReady)).ToList();
        SetStatus(rs, new JsonObject
        {
            ["replicas"] = pods.Count, ["fullyLabeledReplicas"] = pods.Count,
            ["readyReplicas"] = states.Count(s => s.Ready), ["availableReplicas"] = states.Count(s => s.Available),
            ["observedGeneration"] = rs.Object["metadata"]?["generation"]?.DeepClone(),
        });
    }
}
