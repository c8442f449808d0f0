using k8s.Models;

namespace KubeOpsPS.Engine.Report;

/// <summary>One check of the report: a stable id, its category, what it looks for, and the pure function that does it.</summary>
public sealed record ReportCheck(string Id, string Category, string Summary, Func<ClusterSnapshot, ReportOptions, IEnumerable<ReportFinding>> Run);

/// <summary>
/// The report's checks. Each is a pure function of a <see cref="ClusterSnapshot"/>: no clock (the snapshot carries
/// the time it was read), no I/O. <see cref="Run"/> runs a selection and tags each finding with the snapshot's context.
/// </summary>
public static partial class ReportChecks
{
    public const string NotChecked = "not-checked";

    public static readonly IReadOnlyList<ReportCheck> All =
    [
        new("retired-component", "Components", "containers running an image of a retired or unmaintained component", RetiredComponent),
        new("upgrade-removed-api", "Upgrade", "objects written or applied with an API version removed by the target release", RemovedApis),
        new("upgrade-external-ips", "Upgrade", "Services with spec.externalIPs (deprecated in 1.36)", ExternalIps),
        new("upgrade-gitrepo-volume", "Upgrade", "pods and templates with gitRepo volumes (disabled in 1.36)", GitRepoVolumes),
        new("upgrade-endpoints", "Upgrade", "Endpoints maintained by hand, not by the endpoints controller (the API is deprecated since 1.33)", HandMadeEndpoints),
        new("upgrade-tlsroute-stored-version", "Upgrade", "TLSRoute objects still stored as v1alpha2/v1alpha3 before a Gateway API v1.5+ CRD upgrade", TlsRouteStoredVersions),
        new("cert-expired", "Certificates", "TLS Secrets whose certificate has expired", CertExpired),
        new("cert-expiring", "Certificates", "TLS Secrets whose certificate expires within -CertificateDays", CertExpiring),
        new("cert-weak-key", "Certificates", "TLS certificates with an RSA key shorter than 2048 bits", CertWeakKey),
        new("cert-sha1", "Certificates", "TLS certificates signed with SHA-1", CertSha1),
        new("cert-unreadable", "Certificates", "TLS Secrets whose tls.crt is not a certificate", CertUnreadable),
        new("cert-host-mismatch", "Certificates", "Ingress hosts the certificate of their TLS Secret does not cover", CertHostMismatch),
        new("pv-reclaim-delete", "Data", "bound volumes whose reclaim policy Delete erases the data with the claim", PvReclaimDelete),
        new("pv-released", "Data", "Released volumes still holding the data of a deleted claim", PvReleased),
        new("pvc-unused", "Data", "claims no pod uses (or that the server marks Unused)", PvcUnused),
        new("sts-pvc-retention-delete", "Data", "StatefulSets whose claims are deleted with them or when scaled down", StsRetentionDelete),
        new("no-readiness-probe", "Workloads", "containers without a readiness probe", NoReadinessProbe),
        new("no-resource-requests", "Workloads", "containers without CPU and memory requests", NoRequests),
        new("single-replica-no-pdb", "Workloads", "single-replica workloads with no PodDisruptionBudget", SingleReplicaNoPdb),
        new("image-latest", "Workloads", "containers whose image is :latest or has no tag", LatestImages),
        new("pod-crashloop", "Workloads", "containers in CrashLoopBackOff", PodCrashLoop),
        new("pod-image-pull", "Workloads", "containers that cannot pull their image", PodImagePull),
        new("pod-pending", "Workloads", "pods Pending for more than five minutes", PodPending),
        new("deployment-progress-deadline", "Workloads", "Deployments stuck past their progress deadline", ProgressDeadline),
        new("ingress-missing-service", "Exposure", "Ingress backends whose Service does not exist", IngressMissingService),
        new("ingress-missing-secret", "Exposure", "Ingress TLS entries whose Secret does not exist", IngressMissingSecret),
        new("service-no-pods", "Exposure", "Services whose selector matches no pod", ServiceNoPods),
        new("wildcard-role-binding", "Access", "ClusterRoles with * in verbs or resources bound to anyone but the cluster's own identities (system:masters, system: users and groups, kube-system service accounts)", WildcardBindings),
        new("default-sa-bindings", "Access", "workloads on their namespace's default ServiceAccount when that account has role bindings", DefaultServiceAccount),
        new("node-not-ready", "Nodes", "nodes that are not Ready", NodeNotReady),
        new("node-pressure", "Nodes", "nodes under memory, disk or PID pressure", NodePressure),
        new("kubelet-skew", "Nodes", "kubelets outside the supported version skew now or after the upgrade", KubeletSkewCheck),
        new(NotChecked, "Coverage", "kinds the report could not list (no permission, or not served)", Coverage),
    ];

    public static IEnumerable<string> Ids => All.Select(c => c.Id);

    /// <summary>Runs the given checks (all when null) on a snapshot; findings carry the snapshot's context.</summary>
    public static IReadOnlyList<ReportFinding> Run(ClusterSnapshot snapshot, ReportOptions options, IEnumerable<string>? checkIds = null)
    {
        var wanted = checkIds is null ? null : new HashSet<string>(checkIds, StringComparer.OrdinalIgnoreCase);
        return All.Where(c => wanted is null || wanted.Contains(c.Id))
            .SelectMany(c => c.Run(snapshot, options))
            .Select(f => f with { Context = snapshot.Context })
            .ToList();
    }

    private static KubeVersion Target(ClusterSnapshot s, ReportOptions o) => o.TargetVersion ?? s.ServerVersion.Next;

    private static ReportFinding Finding(ReportSeverity severity, string check, string kind, V1ObjectMeta? meta, string message, string fix) =>
        new(severity, All.First(c => c.Id == check).Category, check, kind, meta?.NamespaceProperty, meta?.Name ?? "?", message, fix);

    private static string Ref(V1ObjectMeta m) => m.NamespaceProperty is null ? m.Name : $"{m.NamespaceProperty}/{m.Name}";

    private static string Ns(V1ObjectMeta m) => m.NamespaceProperty is null ? string.Empty : $" -n {m.NamespaceProperty}";

    // ------------------------------------------------------------------ shared views of the snapshot

    /// <summary>A pod template with the object that owns it: Deployments, StatefulSets, DaemonSets, and pods no controller owns.</summary>
    private sealed record Workload(string Kind, V1ObjectMeta Meta, V1PodSpec Spec, IDictionary<string, string>? PodLabels, int? Replicas)
    {
        public string Ref => $"{Kind.ToLowerInvariant()}/{Meta.Name}";
    }

    private static IEnumerable<Workload> Workloads(ClusterSnapshot s)
    {
        foreach (var d in s.Of<V1Deployment>()) if (d.Spec?.Template?.Spec is { } spec) yield return new("Deployment", d.Metadata, spec, d.Spec.Template.Metadata?.Labels, d.Spec.Replicas ?? 1);
        foreach (var t in s.Of<V1StatefulSet>()) if (t.Spec?.Template?.Spec is { } spec) yield return new("StatefulSet", t.Metadata, spec, t.Spec.Template.Metadata?.Labels, t.Spec.Replicas ?? 1);
        foreach (var d in s.Of<V1DaemonSet>()) if (d.Spec?.Template?.Spec is { } spec) yield return new("DaemonSet", d.Metadata, spec, d.Spec.Template.Metadata?.Labels, null);
        foreach (var p in s.Of<V1Pod>()) if (p.Metadata?.OwnerReferences is not { Count: > 0 } && p.Spec is { } spec) yield return new("Pod", p.Metadata!, spec, p.Metadata!.Labels, null);
    }

    private static IEnumerable<V1Container> Containers(V1PodSpec spec) => (spec.InitContainers ?? []).Concat(spec.Containers ?? []);

    /// <summary>Whether a label selector selects these labels (an empty selector selects everything, a missing one nothing).</summary>
    internal static bool Selects(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null) return false;
        labels ??= new Dictionary<string, string>();
        if (selector.MatchLabels?.Any(kv => !labels.TryGetValue(kv.Key, out var v) || v != kv.Value) == true) return false;
        foreach (var e in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(e.Key, out var v);
            var ok = e.OperatorProperty switch
            {
                "In" => has && (e.Values ?? []).Contains(v!),
                "NotIn" => !has || !(e.Values ?? []).Contains(v!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>Whether a Service's selector (a plain map) selects these labels.</summary>
    private static bool SelectsMap(IDictionary<string, string> selector, IDictionary<string, string>? labels) =>
        labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static IEnumerable<ReportFinding> Coverage(ClusterSnapshot s, ReportOptions o) =>
        s.NotRead.Select(n => new ReportFinding(ReportSeverity.Info, "Coverage", NotChecked, n.Kind, n.Namespace, n.Plural,
            n.Reason == NotReadReason.Forbidden
                ? $"Not checked: no permission to list {n.Plural} {(n.Namespace is null ? "cluster-wide" : $"in namespace {n.Namespace}")}, so the checks that read them saw none."
                : $"Not checked: this cluster does not serve {n.Plural}, so the checks that read them saw none.",
            n.Reason == NotReadReason.Forbidden
                ? $"Ask for a role that allows list on {n.Plural} (kubectl auth can-i list {n.Plural}{(n.Namespace is null ? " -A" : $" -n {n.Namespace}")})."
                : "Nothing to do unless you expected the kind (kubectl api-resources lists what the cluster serves)."));
}
