using k8s.Models;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Engine.Manifests.Storage;

/// <summary>Where a claim stands on its way to Bound, read from the object alone.</summary>
public static class VolumeClaimStatus
{
    /// <summary>Bound is done, Lost is a failure, anything else is waiting (with the reason when there is one).</summary>
    public static WaitState Evaluate(object? obj) => obj switch
    {
        null => new WaitState(false, "not found yet"),
        V1PersistentVolumeClaim { Status.Phase: "Bound" } c => new WaitState(true, $"Bound to {c.Spec?.VolumeName}"),
        V1PersistentVolumeClaim { Status.Phase: "Lost" } c => new WaitState(false, $"Lost: its volume {c.Spec?.VolumeName} is gone", Failed: true),
        V1PersistentVolumeClaim c => new WaitState(false, $"{c.Status?.Phase ?? "Pending"} (class {c.Spec?.StorageClassName ?? "default"})"),
        _ => new WaitState(false, "waiting"),
    };
}
