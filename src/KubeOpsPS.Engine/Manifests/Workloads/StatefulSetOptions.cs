namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>Options of a one-container StatefulSet: the workload options plus per-pod claims from templates.</summary>
public sealed record StatefulSetOptions : WorkloadOptions
{
    /// <summary>name=size:/mount/path, e.g. data=10Gi:/var/lib/mysql: one claim per pod (data-mysql-0, data-mysql-1, ...).</summary>
    public IReadOnlyList<string> VolumeClaimTemplates { get; init; } = [];
    /// <summary>The class of the templates' claims; null: the cluster's default class.</summary>
    public string? StorageClass { get; init; }
    /// <summary>The access mode of the templates' claims.</summary>
    public string AccessMode { get; init; } = "ReadWriteOnce";
    /// <summary>The governing (headless) Service; null: the StatefulSet's name.</summary>
    public string? ServiceName { get; init; }
    /// <summary>OrderedReady (the default: one pod at a time, in order) or Parallel.</summary>
    public string PodManagementPolicy { get; init; } = "OrderedReady";
}
