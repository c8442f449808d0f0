namespace KubeOpsPS.Engine.Manifests.Storage;

/// <summary>
/// Options of NFS-backed dynamic storage. Two modes: without <see cref="Server"/>, an NFS server inside the cluster
/// that exports a directory of one node (<see cref="HostPath"/>) and provisions a subdirectory per claim (NFS Ganesha);
/// with <see cref="Server"/> and <see cref="Share"/>, csi-driver-nfs provisioning subdirectories on an existing server.
/// </summary>
public sealed record NfsStorageOptions
{
    public string Namespace { get; init; } = NfsStorageBundle.DefaultNamespace;
    public string StorageClassName { get; init; } = "nfs";
    /// <summary>Mark the class as the cluster's default (claims without a class use it).</summary>
    public bool Default { get; init; }
    /// <summary>Mount options for every volume of the class; null: nfsvers=4.1 (both servers speak NFS 4.1).</summary>
    public IReadOnlyList<string>? MountOptions { get; init; }
    /// <summary>Retain or Delete; null: Retain in-cluster, Delete with -Server (where -OnDelete decides what happens to the data).</summary>
    public string? ReclaimPolicy { get; init; }
    /// <summary>Another image for the NFS server (in-cluster) or the CSI plugin (external server).</summary>
    public string? Image { get; init; }

    // In-cluster server
    public string? HostPath { get; init; }
    public string? NodeName { get; init; }

    // External server (csi-driver-nfs)
    public string? Server { get; init; }
    public string? Share { get; init; }
    /// <summary>Subdirectory per volume under the share; may use ${pvc.metadata.namespace}, ${pvc.metadata.name}, ${pv.metadata.name}. Null: the volume's name.</summary>
    public string? SubDir { get; init; }
    /// <summary>What csi-driver-nfs does with a volume's directory when the volume is deleted: Retain, Archive or Delete.</summary>
    public string OnDelete { get; init; } = "Retain";
}
