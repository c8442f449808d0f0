using k8s.Models;

namespace KubeOpsPS.Engine.Report;

public static partial class ReportChecks
{
    private static IEnumerable<ReportFinding> PvReclaimDelete(ClusterSnapshot s, ReportOptions o) =>
        from pv in s.Of<V1PersistentVolume>()
        where pv.Status?.Phase == "Bound" && pv.Spec?.PersistentVolumeReclaimPolicy == "Delete"
        let claim = pv.Spec.ClaimRef is { } c ? $"{c.NamespaceProperty}/{c.Name}" : "its claim"
        select Finding(ReportSeverity.Warning, "pv-reclaim-delete", "PersistentVolume", pv.Metadata,
            $"Is bound to {claim} with reclaim policy Delete: deleting the claim deletes the volume and all its data.",
            $"kubectl patch pv {pv.Metadata.Name} -p '{{\"spec\":{{\"persistentVolumeReclaimPolicy\":\"Retain\"}}}}' (Remove-KoVolumeClaim asks before data is lost)");

    private static IEnumerable<ReportFinding> PvReleased(ClusterSnapshot s, ReportOptions o) =>
        from pv in s.Of<V1PersistentVolume>()
        where pv.Status?.Phase == "Released"
        let claim = pv.Spec?.ClaimRef is { } c ? $"{c.NamespaceProperty}/{c.Name}" : "a deleted claim"
        select Finding(ReportSeverity.Warning, "pv-released", "PersistentVolume", pv.Metadata,
            $"Is Released: it still holds the data of {claim}, which no longer exists, and no new claim can bind it.",
            $"Copy what you need, then kubectl delete pv {pv.Metadata.Name} (or remove spec.claimRef to let a new claim bind it).");

    private static IEnumerable<ReportFinding> PvcUnused(ClusterSnapshot s, ReportOptions o)
    {
        var used = s.Of<V1Pod>()
            .SelectMany(p => (p.Spec?.Volumes ?? []).Where(v => v.PersistentVolumeClaim is not null).Select(v => $"{p.Metadata.NamespaceProperty}/{v.PersistentVolumeClaim.ClaimName}"))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var pvc in s.Of<V1PersistentVolumeClaim>())
        {
            var unused = pvc.Status?.Conditions?.FirstOrDefault(c => c.Type == "Unused" && c.Status == "True");
            if (unused is not null)
                yield return Finding(ReportSeverity.Warning, "pvc-unused", "PersistentVolumeClaim", pvc.Metadata,
                    $"The server marks it Unused{(unused.LastTransitionTime is { } t ? $" since {t:yyyy-MM-dd}" : string.Empty)}: no pod has mounted it since.",
                    $"Remove-KoVolumeClaim -Name {pvc.Metadata.Name} -Namespace {pvc.Metadata.NamespaceProperty} (shows what happens to the data first)");
            else if (pvc.Status?.Phase == "Bound" && !used.Contains(Ref(pvc.Metadata)))
                yield return Finding(ReportSeverity.Warning, "pvc-unused", "PersistentVolumeClaim", pvc.Metadata,
                    "Is bound but no pod mounts it: it holds storage (and perhaps data) nothing uses.",
                    $"Remove-KoVolumeClaim -Name {pvc.Metadata.Name} -Namespace {pvc.Metadata.NamespaceProperty} (shows what happens to the data first)");
        }
    }

    private static IEnumerable<ReportFinding> StsRetentionDelete(ClusterSnapshot s, ReportOptions o)
    {
        foreach (var sts in s.Of<V1StatefulSet>())
        {
            var p = sts.Spec?.PersistentVolumeClaimRetentionPolicy;
            if (sts.Spec?.VolumeClaimTemplates is not { Count: > 0 } || p is null) continue;
            var when = new[] { p.WhenDeleted == "Delete" ? "the StatefulSet is deleted" : null, p.WhenScaled == "Delete" ? "it is scaled down" : null }.OfType<string>().ToList();
            if (when.Count > 0)
                yield return Finding(ReportSeverity.Warning, "sts-pvc-retention-delete", "StatefulSet", sts.Metadata,
                    $"Its persistentVolumeClaimRetentionPolicy deletes the claims (and, with reclaim policy Delete, the data) when {string.Join(" or when ", when)}.",
                    $"kubectl patch statefulset {sts.Metadata.Name}{Ns(sts.Metadata)} -p '{{\"spec\":{{\"persistentVolumeClaimRetentionPolicy\":{{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Retain\"}}}}}}'");
        }
    }
}
