using k8s.Models;

namespace KubeOpsPS.Engine.Manifests.Storage;

/// <summary>What becomes of a claim's data when the claim is deleted.</summary>
public enum VolumeDataFate
{
    /// <summary>The claim has no volume: nothing is stored.</summary>
    NoVolume,
    /// <summary>The volume (or its directory) stays with the data.</summary>
    Retained,
    /// <summary>The directory is kept under another name (csi-driver-nfs onDelete: archive).</summary>
    Archived,
    /// <summary>The volume and its data are deleted.</summary>
    Destroyed,
    /// <summary>The volume could not be read: assume the worst.</summary>
    Unknown,
}

/// <summary>
/// The assessment of deleting one claim: its volume, the reclaim policy that decides, the fate of the data and
/// where the data stays. <see cref="Assess"/> is pure, so the rule is tested without a cluster.
/// </summary>
public sealed record VolumeDeleteRisk(string? Namespace, string Claim, string? Volume, string? StorageClass, string? ReclaimPolicy, VolumeDataFate Fate, string? Location, string Message)
{
    /// <summary>Deleting loses data (or may: an unreadable volume counts as lost), so a person must agree or pass -Force.</summary>
    public bool DestroysData => Fate is VolumeDataFate.Destroyed or VolumeDataFate.Unknown;

    public override string ToString() => Message;

    /// <summary>Assesses deleting <paramref name="pvc"/>, given its bound volume and class when they could be read.</summary>
    /// <param name="usedBy">Pods that mount the claim; the deletion waits for them (the pvc-protection finalizer).</param>
    public static VolumeDeleteRisk Assess(V1PersistentVolumeClaim pvc, V1PersistentVolume? pv, V1StorageClass? sc, IReadOnlyList<string>? usedBy = null)
    {
        ArgumentNullException.ThrowIfNull(pvc);
        var ns = pvc.Metadata?.NamespaceProperty;
        var name = pvc.Metadata?.Name ?? "?";
        var claim = ns is null ? name : $"{ns}/{name}";
        var volumeName = pvc.Spec?.VolumeName ?? pv?.Metadata?.Name;
        var className = pvc.Spec?.StorageClassName ?? pv?.Spec?.StorageClassName ?? sc?.Metadata?.Name;
        var waits = usedBy is { Count: > 0 }
            ? $" It is in use by {string.Join(", ", usedBy.Select(p => "pod " + p))}; the claim stays Terminating until they stop."
            : string.Empty;

        if (string.IsNullOrEmpty(volumeName))
            return new(ns, name, null, className, null, VolumeDataFate.NoVolume, null, $"Claim {claim} is not bound to a volume: no data is stored, nothing is lost.{waits}");
        if (pv is null)
            return new(ns, name, volumeName, className, null, VolumeDataFate.Unknown, null,
                $"Claim {claim} is bound to volume {volumeName}, which could not be read: its reclaim policy is unknown, so deleting the claim may destroy its data.{waits}");

        // The API server defaults a volume's policy to Retain; the class's policy is copied onto dynamic volumes.
        var policy = pv.Spec?.PersistentVolumeReclaimPolicy ?? "Retain";
        var where = DataLocation(pv, sc);
        var at = where is null ? string.Empty : $" at {where}";
        switch (policy)
        {
            case "Delete" when pv.Spec?.Csi?.Driver == NfsStorageBundle.CsiDriverName:
                // csi-driver-nfs decides what happens to the directory; it records the class's onDelete in the volume handle.
                var onDelete = CsiOnDelete(pv, sc);
                if (onDelete == "retain")
                    return new(ns, name, volumeName, className, policy, VolumeDataFate.Retained, where,
                        $"Deleting claim {claim} deletes volume {volumeName} (reclaim policy Delete), but csi-driver-nfs keeps its directory (onDelete: retain): the data stays{at}.{waits}");
                if (onDelete == "archive")
                {
                    var archived = ArchivedLocation(pv) ?? where;
                    var archivedAt = archived is null ? string.Empty : $" at {archived}";
                    return new(ns, name, volumeName, className, policy, VolumeDataFate.Archived, archived,
                        $"Deleting claim {claim} deletes volume {volumeName} (reclaim policy Delete); csi-driver-nfs archives its directory (onDelete: archive): the data stays{archivedAt}.{waits}");
                }
                return new(ns, name, volumeName, className, policy, VolumeDataFate.Destroyed, where,
                    $"Deleting claim {claim} DESTROYS its data: volume {volumeName} has reclaim policy Delete and csi-driver-nfs removes its directory{at}.{waits}");
            case "Delete":
                return new(ns, name, volumeName, className, policy, VolumeDataFate.Destroyed, where,
                    $"Deleting claim {claim} DESTROYS its data: volume {volumeName} has reclaim policy Delete, so the volume and the data{at} are deleted with the claim.{waits}");
            case "Recycle":
                return new(ns, name, volumeName, className, policy, VolumeDataFate.Destroyed, where,
                    $"Deleting claim {claim} DESTROYS its data: volume {volumeName} has reclaim policy Recycle, which erases the files{at} for the next claim.{waits}");
            default:
                return new(ns, name, volumeName, className, policy, VolumeDataFate.Retained, where,
                    $"Deleting claim {claim} keeps its data: volume {volumeName} has reclaim policy {policy} and becomes Released with the data{at}. Delete the volume by hand when the data is no longer needed.{waits}");
        }
    }

    /// <summary>Where a volume's data lives, in words an admin can act on.</summary>
    public static string? DataLocation(V1PersistentVolume pv, V1StorageClass? sc)
    {
        var spec = pv.Spec;
        if (spec is null) return null;
        if (spec.Nfs is { } nfs)
        {
            // An in-cluster server exports a node's directory: say which directory on which node.
            if (sc?.Metadata?.Annotations is { } a && a.TryGetValue(NfsStorageBundle.HostPathAnnotation, out var hostPath)
                && (nfs.Path == NfsStorageBundle.ExportPath || nfs.Path.StartsWith(NfsStorageBundle.ExportPath + "/", StringComparison.Ordinal)))
            {
                var dir = hostPath.TrimEnd('/') + nfs.Path[NfsStorageBundle.ExportPath.Length..];
                var node = a.TryGetValue(NfsStorageBundle.NodeAnnotation, out var n) ? $"node {n}" : "the node the NFS server runs on";
                return $"{dir} on {node} (NFS {nfs.Server}:{nfs.Path})";
            }
            return $"{nfs.Server}:{nfs.Path}";
        }
        if (spec.Csi is { } csi)
        {
            if (csi.Driver == NfsStorageBundle.CsiDriverName && CsiNfsHandle(csi.VolumeHandle) is { } h)
                return $"{h.Server}:/{JoinPath(h.Share, h.SubDir)}";
            return $"{csi.Driver} volume {csi.VolumeHandle}";
        }
        if (spec.HostPath is { } host) return $"{host.Path} on the node that used it (hostPath)";
        if (spec.Local is { } local)
        {
            var node = spec.NodeAffinity?.Required?.NodeSelectorTerms?.SelectMany(t => t.MatchExpressions ?? []).FirstOrDefault(e => e.Key == "kubernetes.io/hostname")?.Values?.FirstOrDefault();
            return node is null ? local.Path : $"{local.Path} on node {node}";
        }
        return null;
    }

    private static string? CsiOnDelete(V1PersistentVolume pv, V1StorageClass? sc)
    {
        var handle = CsiNfsHandle(pv.Spec.Csi.VolumeHandle);
        if (handle?.OnDelete is { Length: > 0 } fromHandle) return fromHandle.ToLowerInvariant();
        // Volumes created before onDelete was in the handle: the class says (when it is the volume's class).
        if (sc?.Parameters is { } p && sc.Provisioner == NfsStorageBundle.CsiDriverName && sc.Metadata?.Name == pv.Spec.StorageClassName)
            foreach (var (k, v) in p)
                if (string.Equals(k, "onDelete", StringComparison.OrdinalIgnoreCase)) return v.ToLowerInvariant();
        return "delete";
    }

    private static string? ArchivedLocation(V1PersistentVolume pv) =>
        CsiNfsHandle(pv.Spec.Csi.VolumeHandle) is { } h ? $"{h.Server}:/{JoinPath(h.Share, "archived-" + h.SubDir)}" : null;

    private static string JoinPath(string a, string b) => string.Join('/', new[] { a.Trim('/'), b.Trim('/') }.Where(s => s.Length > 0));

    /// <summary>csi-driver-nfs volume handles: server#share#subdir[#uuid[#onDelete]].</summary>
    private static (string Server, string Share, string SubDir, string? OnDelete)? CsiNfsHandle(string? handle)
    {
        var s = handle?.Split('#');
        if (s is null || s.Length < 3) return null;
        return (s[0], s[1], s[2], s.Length >= 5 ? s[4] : null);
    }
}
