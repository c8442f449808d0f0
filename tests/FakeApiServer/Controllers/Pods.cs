using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>Pods of the workload controllers: creation from a template, the kubelet's status, and the Events it writes.</summary>
internal sealed partial class Controllers
{
    private readonly Dictionary<string, DateTime> _podStart = new(StringComparer.Ordinal);

    /// <summary>When each controller whose pod was refused may try again, and its back-off (5 ms doubling to 1000 s, as the controllers' rate limiter).</summary>
    private readonly Dictionary<string, (DateTime Next, TimeSpan Delay)> _createBackoff = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates a pod owned by a controller, with the template's labels and spec, through the admission plugins as the
    /// controller's request would go. A refusal is the controller's FailedCreate Warning (its message in
    /// <paramref name="refusal"/>), and the controller backs off before its next try. False when no pod was created.
    /// </summary>
    private bool CreatePod(StoredObject owner, string name, JsonObject template, out string? refusal, Dictionary<string, string>? extraLabels = null, string? node = "node-1")
    {
        refusal = null;
        if (_createBackoff.TryGetValue(owner.Uid, out var backoff) && !Due(backoff.Next)) return false;
        var meta = (JsonObject?)template["metadata"]?.DeepClone() ?? new JsonObject();
        var labels = meta["labels"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in extraLabels ?? []) labels[k] = v;
        meta["labels"] = labels;
        meta["name"] = name;
        meta["ownerReferences"] = OwnerRef(owner);
        var spec = (JsonObject?)template["spec"]?.DeepClone() ?? new JsonObject();
        if (node is not null) spec["nodeName"] = node;
        var ns = owner.Namespace;
        if (_store.Get(T("", "pods"), ns, name) is not null)
        {
            // A random name that is taken (a ReplicaSet's or a Job's pod): the next tick tries another one.
            if (owner.Type.Kind is "ReplicaSet" or "ReplicationController" or "Job") WakeAt(DateTime.MinValue);
            return false;
        }
        try
        {
            _api.Commit(T("", "pods"), ns, name, new JsonObject { ["metadata"] = meta, ["spec"] = spec }, null, Ctx() with { Admit = true }, null);
        }
        catch (ApiError e) when (e.Code is not (404 or 409))
        {
            refusal = e.Message;
            Event(owner, "Warning", "FailedCreate", owner.Type.Kind == "StatefulSet" ? $"create Pod {name} in StatefulSet {owner.Name} failed error: {e.Message}" : $"Error creating: {e.Message}", ComponentOf(owner));
            var delay = backoff.Delay == default ? TimeSpan.FromMilliseconds(5) : TimeSpan.FromTicks(Math.Min(backoff.Delay.Ticks * 2, TimeSpan.FromSeconds(1000).Ticks));
            _createBackoff[owner.Uid] = (SimNow + delay, delay);
            WakeAt(_createBackoff[owner.Uid].Next);
            return false;
        }
        _createBackoff.Remove(owner.Uid);
        _podStart[$"{ns}/{name}"] = SimNow;
        Event(owner, "Normal", "SuccessfulCreate", owner.Type.Kind == "StatefulSet" ? $"create Pod {name} in StatefulSet {owner.Name} successful" : $"Created pod: {name}", ComponentOf(owner));
        return true;
    }

    /// <summary>Deletes a controller's pod and records it as that controller does.</summary>
    private void DeletePod(StoredObject owner, StoredObject pod)
    {
        _api.Delete(pod);
        Event(owner, "Normal", "SuccessfulDelete", owner.Type.Kind == "StatefulSet" ? $"delete Pod {pod.Name} in StatefulSet {owner.Name} successful" : $"Deleted pod: {pod.Name}", ComponentOf(owner));
    }

    private static string ComponentOf(StoredObject owner) => owner.Type.Kind switch
    {
        "ReplicationController" => "replication-controller",
        var k => k.ToLowerInvariant() + "-controller",
    };

    private (bool Ready, bool Available) PodState(StoredObject pod, int minReadySeconds)
    {
        var key = $"{pod.Namespace}/{pod.Name}";
        if (!_podStart.TryGetValue(key, out var started)) _podStart[key] = started = SimNow;
        if (Broken(pod.Object["spec"] as JsonObject) || pod.Object["metadata"]?["deletionTimestamp"] is not null) return (false, false);
        var readyAt = started + _options.PodReadyDelay;
        var ready = Due(readyAt);
        return (ready, ready && Due(readyAt + TimeSpan.FromSeconds(minReadySeconds)));
    }

    /// <summary>
    /// The kubelet on each pod's node: pulls, creates and starts the containers with their Events, writes the status
    /// (Running and Ready once the pod-ready delay has passed; a broken image's container waits in ErrImagePull, then
    /// ImagePullBackOff), and stops the containers of pods that are gone.
    /// </summary>
    private void Pods()
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in _store.List(T("", "pods"), null))
        {
            // The kubelet of node-1 runs what is bound to it; a pod on another node (no kubelet there) keeps its Pending status.
            if (pod.Object["metadata"]?["ownerReferences"] is null && pod.Object["spec"]?["nodeName"]?.GetValue<string>() != "node-1") continue;
            live.Add(pod.Uid);
            if (pod.Object["metadata"]?["ownerReferences"]?[0]?["kind"]?.GetValue<string>() == "Job")
            {
                JobPodStatus(pod);
                continue;
            }
            var (ready, _) = PodState(pod, 0);
            var kubelet = Kubelet(pod, StartDue(pod), pullsFail: true);
            var statuses = new JsonArray();
            foreach (var c in pod.Object["spec"]?["containers"] as JsonArray ?? [])
            {
                var name = c?["name"]?.GetValue<string>() ?? "";
                var run = kubelet.Containers.GetValueOrDefault(name);
                var running = run?.Started == true && !kubelet.Stopping;
                JsonObject state = running
                    ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = pod.Object["metadata"]?["creationTimestamp"]?.DeepClone() } }
                    : new JsonObject { ["waiting"] = run?.Waiting is { } w ? new JsonObject { ["reason"] = w, ["message"] = run.WaitingMessage } : new JsonObject { ["reason"] = "ContainerCreating" } };
                statuses.Add(new JsonObject { ["name"] = name, ["image"] = c?["image"]?.DeepClone(), ["imageID"] = "", ["ready"] = running, ["restartCount"] = 0, ["started"] = running, ["state"] = state });
            }
            SetStatus(pod, new JsonObject
            {
                ["phase"] = ready ? "Running" : "Pending",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }, new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" }),
                ["hostIP"] = "10.0.0.10",
                ["podIP"] = "10.244.0." + (Math.Abs(pod.Uid.GetHashCode()) % 250 + 2),
                ["containerStatuses"] = statuses,
                ["qosClass"] = pod.Object["status"]?["qosClass"]?.DeepClone() ?? Api.QosClass(pod.Object["spec"]),
            });
        }
        StopGonePods(live);
    }
}
