using k8s.Models;

namespace KubeOpsPS.Engine.Report;

public static partial class ReportChecks
{
    /// <summary>Kubelets may be up to three minors older than the API server, never newer (version skew policy since 1.28).</summary>
    public const int KubeletSkew = 3;

    private static IEnumerable<ReportFinding> NodeNotReady(ClusterSnapshot s, ReportOptions o) =>
        from n in s.Of<V1Node>()
        let ready = n.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")
        where ready?.Status != "True"
        select Finding(ReportSeverity.Critical, "node-not-ready", "Node", n.Metadata,
            ready is null ? "Reports no Ready condition: its kubelet has never posted status." : $"Is not Ready ({ready.Reason ?? ready.Status}{(ready.Message is null ? string.Empty : $": {ready.Message}")}): its pods are evicted after the grace period.",
            $"kubectl describe node {n.Metadata.Name}; on the node: systemctl status kubelet, journalctl -u kubelet");

    private static IEnumerable<ReportFinding> NodePressure(ClusterSnapshot s, ReportOptions o) =>
        from n in s.Of<V1Node>()
        from c in n.Status?.Conditions ?? []
        where c.Type is "MemoryPressure" or "DiskPressure" or "PIDPressure" && c.Status == "True"
        select Finding(ReportSeverity.Warning, "node-pressure", "Node", n.Metadata,
            $"Has {c.Type}: the kubelet evicts pods and the scheduler places no new ones there.",
            $"kubectl describe node {n.Metadata.Name} (Allocated resources), then free {(c.Type == "DiskPressure" ? "disk (images, logs)" : c.Type == "PIDPressure" ? "processes" : "memory")} or add capacity");

    private static IEnumerable<ReportFinding> KubeletSkewCheck(ClusterSnapshot s, ReportOptions o)
    {
        var target = Target(s, o);
        foreach (var n in s.Of<V1Node>())
        {
            var text = n.Status?.NodeInfo?.KubeletVersion;
            if (KubeVersion.TryRead(text) is not { } kubelet) continue;
            var fix = $"Upgrade the kubelet on {n.Metadata.Name} (kubeadm upgrade node, then the kubelet package), one minor at a time";
            if (kubelet > s.ServerVersion || s.ServerVersion.Minor - kubelet.Minor > KubeletSkew)
                yield return Finding(ReportSeverity.Critical, "kubelet-skew", "Node", n.Metadata,
                    $"Runs kubelet {text} against API server {s.ServerVersion}: outside the supported skew (kubelets up to {KubeletSkew} minors older, never newer).", fix);
            else if (target.Minor - kubelet.Minor > KubeletSkew)
                yield return Finding(ReportSeverity.Warning, "kubelet-skew", "Node", n.Metadata,
                    $"Runs kubelet {text}: after the control plane moves to {target} it would be more than {KubeletSkew} minors behind; upgrade it first.", fix);
        }
    }
}
