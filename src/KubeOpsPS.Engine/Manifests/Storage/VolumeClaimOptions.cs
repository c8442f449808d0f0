namespace KubeOpsPS.Engine.Manifests.Storage;

/// <summary>Options of a PersistentVolumeClaim.</summary>
public sealed record VolumeClaimOptions
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    /// <summary>A quantity such as 10Gi (a request: NFS classes do not enforce it).</summary>
    public required string Size { get; init; }
    public string AccessMode { get; init; } = "ReadWriteOnce";
    /// <summary>The class; null: the cluster's default class; "": no class (bind a volume created by hand).</summary>
    public string? StorageClass { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
