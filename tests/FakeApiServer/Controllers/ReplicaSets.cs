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
        var pods = Owned(T("", "pods"), rs);
        // Whether the pods were managed this pass (not while backing off after a refusal), and the refusal if any.
        var managed = true;
        string? refusal = null;
        if (pods.Count < want)
        {
            for (var i = pods.Count; i < want; i++)
                if (!CreatePod(rs, $"{rs.Name}-{Hash(JsonValue.Create(Guid.NewGuid().ToString()))[..5]}", (JsonObject)rs.Object["spec"]!["template"]!, out refusal))
                {
                    managed = refusal is not null;
                    break;
                }
        }
        else if (pods.Count > want)
        {
            foreach (var p in pods.OrderBy(p => PodState(p, minReady).Ready).ThenByDescending(p => p.Object["metadata"]!["creationTimestamp"]!.GetValue<string>()).Take(pods.Count - want))
                DeletePod(rs, p);
        }
        pods = Owned(T("", "pods"), rs);
        var states = pods.Select(p => PodState(p, minReady)).ToList();
        var status = new JsonObject
        {
            ["replicas"] = pods.Count, ["fullyLabeledReplicas"] = pods.Count,
            ["readyReplicas"] = states.Count(s => s.Ready), ["availableReplicas"] = states.Count(s => s.Available),
            ["observedGeneration"] = rs.Object["metadata"]?["generation"]?.DeepClone(),
        };
        // ReplicaFailure: set by the first refused create (and kept as it was while it lasts), removed once the pods are managed without one.
        var conditions = rs.Object["status"]?["conditions"]?.DeepClone() as JsonArray ?? [];
        var failure = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "ReplicaFailure");
        if (refusal is not null && failure is null)
            conditions.Add(new JsonObject { ["type"] = "ReplicaFailure", ["status"] = "True", ["lastTransitionTime"] = Api.Now(), ["reason"] = "FailedCreate", ["message"] = refusal });
        else if (refusal is null && managed && failure is not null)
            conditions.Remove(failure);
        if (conditions.Count > 0) status["conditions"] = conditions;
        SetStatus(rs, status);
    }
}
