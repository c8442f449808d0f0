using k8s.Models;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Engine.Manifests.Rollout;

/// <summary>
/// kubectl rollout status's completion rules, as pure functions of an object's state (kubectl's
/// polymorphichelpers/rollout_status.go): Deployments by observedGeneration, updated, total and available
/// replicas and the ProgressDeadlineExceeded condition; StatefulSets by ready/updated replicas (partition) or
/// revisions; DaemonSets by updated and available scheduled pods.
/// </summary>
public static class RolloutStatus
{
    public static WaitState Evaluate(object? obj) => obj switch
    {
        null => new WaitState(false, "not found yet"),
        V1Deployment d => Deployment(d),
        V1StatefulSet s => StatefulSet(s),
        V1DaemonSet ds => DaemonSet(ds),
        _ => new WaitState(true, "no rollout to wait for"),
    };

    /// <summary>
    /// Whether the workload's controller has seen its current spec, and so has made the revision (ReplicaSet or
    /// ControllerRevision) that spec belongs to.
    /// </summary>
    public static WaitState Observed(object? obj)
    {
        var (meta, observed) = obj switch
        {
            V1Deployment d => (d.Metadata, d.Status?.ObservedGeneration),
            V1StatefulSet s => (s.Metadata, s.Status?.ObservedGeneration),
            V1DaemonSet ds => (ds.Metadata, ds.Status?.ObservedGeneration),
            _ => (null, null),
        };
        if (obj is null) return new WaitState(false, "not found yet");
        return (meta?.Generation ?? 0) > (observed ?? 0)
            ? new WaitState(false, "waiting for the controller to record the current revision")
            : new WaitState(true, "the current revision is recorded");
    }

    public static WaitState Deployment(V1Deployment d)
    {
        var st = d.Status ?? new V1DeploymentStatus();
        var name = d.Metadata?.Name;
        if ((d.Metadata?.Generation ?? 0) > (st.ObservedGeneration ?? 0))
            return new WaitState(false, "waiting for the deployment spec update to be observed");
        if (st.Conditions?.FirstOrDefault(c => c.Type == "Progressing") is { Reason: "ProgressDeadlineExceeded" })
            return new WaitState(false, $"deployment \"{name}\" exceeded its progress deadline", Failed: true);
        var want = d.Spec?.Replicas ?? 1;
        var updated = st.UpdatedReplicas ?? 0;
        var total = st.Replicas ?? 0;
        var available = st.AvailableReplicas ?? 0;
        var ready = st.ReadyReplicas ?? 0;
        var counts = $"{updated} updated, {ready} ready, {available} available of {want}";
        if (updated < want) return new WaitState(false, $"{counts}: waiting for new replicas");
        if (total > updated) return new WaitState(false, $"{counts}: {total - updated} old replicas are pending termination");
        if (available < updated) return new WaitState(false, $"{counts}: waiting for updated replicas to be available");
        return new WaitState(true, $"{counts}: successfully rolled out");
    }

    public static WaitState StatefulSet(V1StatefulSet s)
    {
        var st = s.Status ?? new V1StatefulSetStatus();
        if (s.Spec?.UpdateStrategy?.Type is { } t && t != "RollingUpdate")
            return new WaitState(true, "the OnDelete strategy has no rollout to follow");
        if ((st.ObservedGeneration ?? 0) == 0 || (s.Metadata?.Generation ?? 0) > st.ObservedGeneration)
            return new WaitState(false, "waiting for the statefulset spec update to be observed");
        var want = s.Spec?.Replicas ?? 1;
        var ready = st.ReadyReplicas ?? 0;
        var updated = st.UpdatedReplicas ?? 0;
        var counts = $"{updated} updated, {ready} ready of {want}";
        if (ready < want) return new WaitState(false, $"{counts}: waiting for pods to be ready");
        // Only a real partition (> 0) is a partitioned roll out; the server fills in partition: 0 on every StatefulSet.
        if (s.Spec?.UpdateStrategy?.RollingUpdate?.Partition is int partition && partition > 0)
        {
            return updated < want - partition
                ? new WaitState(false, $"{counts}: waiting for partitioned roll out to finish")
                : new WaitState(true, $"{counts}: partitioned roll out complete");
        }
        return st.UpdateRevision != st.CurrentRevision
            ? new WaitState(false, $"{counts}: waiting for the update to finish")
            : new WaitState(true, $"{counts}: rolling update complete");
    }

    public static WaitState DaemonSet(V1DaemonSet ds)
    {
        var st = ds.Status ?? new V1DaemonSetStatus();
        if (ds.Spec?.UpdateStrategy?.Type is { } t && t != "RollingUpdate")
            return new WaitState(true, "the OnDelete strategy has no rollout to follow");
        if ((ds.Metadata?.Generation ?? 0) > (st.ObservedGeneration ?? 0))
            return new WaitState(false, "waiting for the daemon set spec update to be observed");
        var desired = st.DesiredNumberScheduled;
        var counts = $"{st.UpdatedNumberScheduled ?? 0} updated, {st.NumberAvailable ?? 0} available of {desired}";
        if ((st.UpdatedNumberScheduled ?? 0) < desired) return new WaitState(false, $"{counts}: waiting for updated pods");
        if ((st.NumberAvailable ?? 0) < desired) return new WaitState(false, $"{counts}: waiting for pods to be available");
        return new WaitState(true, $"{counts}: successfully rolled out");
    }
}
