using k8s.Models;

namespace KubeOpsPS.Engine.Report;

public static partial class ReportChecks
{
    private static readonly TimeSpan PendingLimit = TimeSpan.FromMinutes(5);

    private static IEnumerable<ReportFinding> NoReadinessProbe(ClusterSnapshot s, ReportOptions o)
    {
        // DaemonSet pods (agents) and bare pods serve no Service traffic as a rule; the rule is for what Services front.
        foreach (var w in Workloads(s).Where(w => w.Kind is "Deployment" or "StatefulSet"))
        {
            var missing = (w.Spec.Containers ?? []).Where(c => c.ReadinessProbe is null).Select(c => c.Name).ToList();
            if (missing.Count > 0)
                yield return Finding(ReportSeverity.Warning, "no-readiness-probe", w.Kind, w.Meta,
                    $"Container{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", missing)} {(missing.Count > 1 ? "have" : "has")} no readiness probe: Services send traffic before the app can answer, and rollouts cannot tell a broken version.",
                    "Add a readinessProbe (httpGet or tcpSocket) to each container: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/");
        }
    }

    private static IEnumerable<ReportFinding> NoRequests(ClusterSnapshot s, ReportOptions o)
    {
        foreach (var w in Workloads(s))
        {
            var missing = (w.Spec.Containers ?? [])
                .Where(c => c.Resources?.Requests is not { } r || !r.ContainsKey("cpu") || !r.ContainsKey("memory"))
                .Select(c => c.Name).ToList();
            if (missing.Count > 0)
                yield return Finding(ReportSeverity.Warning, "no-resource-requests", w.Kind, w.Meta,
                    $"Container{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", missing)} {(missing.Count > 1 ? "have" : "has")} no CPU and memory requests: the scheduler overcommits the node and the pods are evicted first.",
                    $"kubectl set resources {w.Ref}{Ns(w.Meta)} --requests=cpu=100m,memory=128Mi (sized to what the app uses)");
        }
    }

    private static IEnumerable<ReportFinding> SingleReplicaNoPdb(ClusterSnapshot s, ReportOptions o)
    {
        var pdbs = s.Of<V1PodDisruptionBudget>().ToList();
        var scaled = s.Of<V2HorizontalPodAutoscaler>()
            .Where(h => h.Spec?.MinReplicas > 1 && h.Spec.ScaleTargetRef is not null)
            .Select(h => $"{h.Spec.ScaleTargetRef.Kind}/{h.Metadata.NamespaceProperty}/{h.Spec.ScaleTargetRef.Name}")
            .ToHashSet(StringComparer.Ordinal);
        foreach (var w in Workloads(s).Where(w => w.Replicas == 1))
        {
            if (scaled.Contains($"{w.Kind}/{w.Meta.NamespaceProperty}/{w.Meta.Name}")) continue;
            if (pdbs.Any(p => p.Metadata.NamespaceProperty == w.Meta.NamespaceProperty && Selects(p.Spec?.Selector, w.PodLabels))) continue;
            yield return Finding(ReportSeverity.Warning, "single-replica-no-pdb", w.Kind, w.Meta,
                "Runs one replica with no PodDisruptionBudget: draining its node for maintenance takes it down without warning.",
                $"kubectl scale {w.Ref}{Ns(w.Meta)} --replicas=2, and kubectl create poddisruptionbudget {w.Meta.Name}{Ns(w.Meta)} --selector={string.Join(",", (w.PodLabels ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}"))} --max-unavailable=1");
        }
    }

    /// <summary>Whether an image floats: no tag, or :latest, and no digest pinning it.</summary>
    internal static bool Floats(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal)) return false;
        var colon = image.LastIndexOf(':');
        if (colon <= image.LastIndexOf('/')) return true;
        return image[(colon + 1)..] == "latest";
    }

    private static IEnumerable<ReportFinding> LatestImages(ClusterSnapshot s, ReportOptions o)
    {
        foreach (var w in Workloads(s))
            foreach (var c in Containers(w.Spec).Where(c => Floats(c.Image ?? string.Empty)))
                yield return Finding(ReportSeverity.Warning, "image-latest", w.Kind, w.Meta,
                    $"Container {c.Name} runs {c.Image}, which names no fixed version: a restart can pull different code, and a rollback cannot go back.",
                    $"kubectl set image {w.Ref}{Ns(w.Meta)} {c.Name}={RetiredComponents.Repository(c.Image ?? string.Empty)}:<version>");
    }

    private static IEnumerable<(V1Pod Pod, V1ContainerStatus Status)> Waiting(ClusterSnapshot s, params string[] reasons) =>
        from p in s.Of<V1Pod>()
        from c in (p.Status?.InitContainerStatuses ?? []).Concat(p.Status?.ContainerStatuses ?? [])
        where c.State?.Waiting?.Reason is { } r && reasons.Contains(r)
        select (p, c);

    private static IEnumerable<ReportFinding> PodCrashLoop(ClusterSnapshot s, ReportOptions o) =>
        from x in Waiting(s, "CrashLoopBackOff")
        select Finding(ReportSeverity.Critical, "pod-crashloop", "Pod", x.Pod.Metadata,
            $"Container {x.Status.Name} is in CrashLoopBackOff after {x.Status.RestartCount} restarts: it starts and exits again.",
            $"kubectl logs {x.Pod.Metadata.Name}{Ns(x.Pod.Metadata)} -c {x.Status.Name} --previous");

    private static IEnumerable<ReportFinding> PodImagePull(ClusterSnapshot s, ReportOptions o) =>
        from x in Waiting(s, "ImagePullBackOff", "ErrImagePull", "InvalidImageName")
        select Finding(ReportSeverity.Critical, "pod-image-pull", "Pod", x.Pod.Metadata,
            $"Container {x.Status.Name} cannot pull {x.Status.Image} ({x.Status.State.Waiting.Reason}): the name, the tag or the pull secret is wrong.",
            $"kubectl describe pod {x.Pod.Metadata.Name}{Ns(x.Pod.Metadata)} (Events say why), then fix the image or imagePullSecrets");

    private static IEnumerable<ReportFinding> PodPending(ClusterSnapshot s, ReportOptions o)
    {
        foreach (var p in s.Of<V1Pod>().Where(p => p.Status?.Phase == "Pending"))
        {
            // Pods waiting on an image are reported by pod-image-pull.
            if ((p.Status.ContainerStatuses ?? []).Any(c => c.State?.Waiting?.Reason is "ImagePullBackOff" or "ErrImagePull")) continue;
            var since = p.Metadata.CreationTimestamp;
            if (since is null || s.Now - since.Value.ToUniversalTime() < PendingLimit) continue;
            var why = p.Status.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False")?.Message;
            yield return Finding(ReportSeverity.Warning, "pod-pending", "Pod", p.Metadata,
                $"Has been Pending for {(int)(s.Now - since.Value.ToUniversalTime()).TotalMinutes} minutes{(why is null ? string.Empty : $": {why}")}.",
                $"kubectl describe pod {p.Metadata.Name}{Ns(p.Metadata)} (Events say what it waits for: resources, a claim, a node selector)");
        }
    }

    private static IEnumerable<ReportFinding> ProgressDeadline(ClusterSnapshot s, ReportOptions o) =>
        from d in s.Of<V1Deployment>()
        let c = d.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing")
        where c is not null && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded"
        select Finding(ReportSeverity.Critical, "deployment-progress-deadline", "Deployment", d.Metadata,
            $"Exceeded its progress deadline: {c.Message ?? "the rollout made no progress"}.",
            $"Wait-KoRollout -Name {d.Metadata.Name} -Namespace {d.Metadata.NamespaceProperty} shows why; kubectl rollout undo deployment/{d.Metadata.Name}{Ns(d.Metadata)} goes back");
}
