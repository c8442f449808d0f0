using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Storage;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.Storage;

/// <summary>Reads what <see cref="VolumeDeleteRisk.Assess"/> needs from a cluster: the claim, its volume, its class and the pods that mount it.</summary>
public static class VolumeClaimLookup
{
    public static readonly KubeKind ClaimKind = KubeTypes.Find("v1", "PersistentVolumeClaim")!;
    public static readonly KubeKind VolumeKind = KubeTypes.Find("v1", "PersistentVolume")!;
    public static readonly KubeKind ClassKind = KubeTypes.Find("storage.k8s.io/v1", "StorageClass")!;
    private static readonly KubeKind PodKind = KubeTypes.Find("v1", "Pod")!;

    /// <summary>The risk of deleting claim <paramref name="ns"/>/<paramref name="name"/>; null when the claim does not exist.</summary>
    public static async Task<VolumeDeleteRisk?> AssessDeleteAsync(ClusterGateway gateway, string ns, string name, CancellationToken ct)
    {
        if (await gateway.GetAsync(ClaimKind, ns, name, ct).ConfigureAwait(false) is not V1PersistentVolumeClaim pvc) return null;
        V1PersistentVolume? pv = null;
        V1StorageClass? sc = null;
        // Volumes and classes are cluster-scoped: a namespace admin may not read them. Then the risk is Unknown,
        // which asks like Delete does: never guess that data is safe.
        if (pvc.Spec?.VolumeName is { Length: > 0 } volume) pv = await TryGetAsync(gateway, VolumeKind, volume, ct).ConfigureAwait(false) as V1PersistentVolume;
        var className = pvc.Spec?.StorageClassName ?? pv?.Spec?.StorageClassName;
        if (className is { Length: > 0 }) sc = await TryGetAsync(gateway, ClassKind, className, ct).ConfigureAwait(false) as V1StorageClass;
        IReadOnlyList<string> usedBy = [];
        try
        {
            var (pods, _) = await gateway.ListAsync(PodKind, ns, ct: ct).ConfigureAwait(false);
            usedBy = pods.OfType<V1Pod>()
                .Where(p => p.Status?.Phase is not ("Succeeded" or "Failed") && (p.Spec?.Volumes ?? []).Any(v => v.PersistentVolumeClaim?.ClaimName == name))
                .Select(p => p.Metadata.Name).ToList();
        }
        catch (KoClusterException e) when (e.StatusCode is 401 or 403)
        {
            // Who uses the claim only adds to the message.
        }
        return VolumeDeleteRisk.Assess(pvc, pv, sc, usedBy);
    }

    /// <summary>Names of the storage classes; null when they cannot be listed.</summary>
    public static async Task<IReadOnlyList<string>?> StorageClassNamesAsync(ClusterGateway gateway, CancellationToken ct)
    {
        try
        {
            var (items, _) = await gateway.ListAsync(ClassKind, null, ct: ct).ConfigureAwait(false);
            return items.OfType<V1StorageClass>().Select(c => c.Metadata.Name).ToList();
        }
        catch (KoClusterException e) when (e.StatusCode is 401 or 403)
        {
            return null;
        }
    }

    private static async Task<object?> TryGetAsync(ClusterGateway gateway, KubeKind kind, string name, CancellationToken ct)
    {
        try
        {
            return await gateway.GetAsync(kind, null, name, ct).ConfigureAwait(false);
        }
        catch (KoClusterException e) when (e.StatusCode is 401 or 403)
        {
            return null;
        }
    }
}
