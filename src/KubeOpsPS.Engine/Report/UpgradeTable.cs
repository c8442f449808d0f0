namespace KubeOpsPS.Engine.Report;

/// <summary>An API version of a kind that stops being served in <paramref name="RemovedIn"/>.</summary>
public sealed record ApiRemoval(string ApiVersion, string Kind, KubeVersion RemovedIn, string Replacement, string Source);

/// <summary>A field or feature deprecated or disabled in a release (not an API version).</summary>
public sealed record FeatureChange(string Id, string What, KubeVersion Version, string Change, string Replacement, string Source);

/// <summary>
/// What upgrading to a Kubernetes minor breaks or deprecates, with the source of each row. Rows are facts of the
/// upstream project; add new releases here, never in a check.
/// </summary>
public static class UpgradeTable
{
    private const string Guide = "kubernetes.io/docs/reference/using-api/deprecation-guide/";

    private static IEnumerable<ApiRemoval> Rows(string apiVersion, int minor, string replacement, params string[] kinds) =>
        kinds.Select(k => new ApiRemoval(apiVersion, k, new KubeVersion(1, minor), replacement, Guide + $"#v1-{minor}"));

    /// <summary>The removed beta API versions of earlier releases (the deprecation guide, v1.16 to v1.32).</summary>
    public static readonly IReadOnlyList<ApiRemoval> Removals =
    [
        .. Rows("extensions/v1beta1", 16, "apps/v1", "Deployment", "DaemonSet", "ReplicaSet"),
        .. Rows("apps/v1beta1", 16, "apps/v1", "Deployment", "StatefulSet"),
        .. Rows("apps/v1beta2", 16, "apps/v1", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"),
        .. Rows("extensions/v1beta1", 16, "networking.k8s.io/v1", "NetworkPolicy"),
        .. Rows("extensions/v1beta1", 22, "networking.k8s.io/v1", "Ingress"),
        .. Rows("networking.k8s.io/v1beta1", 22, "networking.k8s.io/v1", "Ingress", "IngressClass"),
        .. Rows("rbac.authorization.k8s.io/v1beta1", 22, "rbac.authorization.k8s.io/v1", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
        .. Rows("apiextensions.k8s.io/v1beta1", 22, "apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        .. Rows("admissionregistration.k8s.io/v1beta1", 22, "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
        .. Rows("apiregistration.k8s.io/v1beta1", 22, "apiregistration.k8s.io/v1", "APIService"),
        .. Rows("certificates.k8s.io/v1beta1", 22, "certificates.k8s.io/v1", "CertificateSigningRequest"),
        .. Rows("coordination.k8s.io/v1beta1", 22, "coordination.k8s.io/v1", "Lease"),
        .. Rows("storage.k8s.io/v1beta1", 22, "storage.k8s.io/v1", "CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"),
        .. Rows("batch/v1beta1", 25, "batch/v1", "CronJob"),
        .. Rows("discovery.k8s.io/v1beta1", 25, "discovery.k8s.io/v1", "EndpointSlice"),
        .. Rows("events.k8s.io/v1beta1", 25, "events.k8s.io/v1", "Event"),
        .. Rows("autoscaling/v2beta1", 25, "autoscaling/v2", "HorizontalPodAutoscaler"),
        .. Rows("policy/v1beta1", 25, "policy/v1", "PodDisruptionBudget"),
        .. Rows("policy/v1beta1", 25, "Pod Security Admission (namespace labels); no replacement API", "PodSecurityPolicy"),
        .. Rows("node.k8s.io/v1beta1", 25, "node.k8s.io/v1", "RuntimeClass"),
        .. Rows("autoscaling/v2beta2", 26, "autoscaling/v2", "HorizontalPodAutoscaler"),
        .. Rows("flowcontrol.apiserver.k8s.io/v1beta1", 26, "flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "PriorityLevelConfiguration"),
        .. Rows("storage.k8s.io/v1beta1", 27, "storage.k8s.io/v1", "CSIStorageCapacity"),
        .. Rows("flowcontrol.apiserver.k8s.io/v1beta2", 29, "flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "PriorityLevelConfiguration"),
        .. Rows("flowcontrol.apiserver.k8s.io/v1beta3", 32, "flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "PriorityLevelConfiguration"),
    ];

    public static readonly FeatureChange EndpointsApi = new("endpoints", "the v1 Endpoints API", new KubeVersion(1, 33), "deprecated",
        "EndpointSlices (discovery.k8s.io/v1): controllers and scripts that read or write Endpoints should use them",
        "kubernetes.io blog 2025-04-24, Kubernetes v1.33: Continuing the transition from Endpoints to EndpointSlices");

    public static readonly FeatureChange ExternalIPs = new("externalIPs", "Service .spec.externalIPs", new KubeVersion(1, 36), "deprecated (to be disabled in a later release)",
        "a LoadBalancer Service with a bare-metal load balancer (e.g. MetalLB), or a Gateway",
        "kubernetes.io blog 2026, Kubernetes v1.36: deprecation of Service ExternalIPs (CVE-2020-8554)");

    public static readonly FeatureChange GitRepoVolume = new("gitRepo", "gitRepo volumes", new KubeVersion(1, 36), "disabled (kubelets no longer run pods with them)",
        "an init container that clones the repository into an emptyDir volume",
        "KEP-5040 Remove gitRepo volume driver (CVE-2024-10220)");

    /// <summary>Gateway API v1.5 (2026-02-27): TLSRoute is v1 in the Standard channel; v1alpha2 only in Experimental, gone in v1.6.</summary>
    public const string TlsRouteCrd = "tlsroutes.gateway.networking.k8s.io";
    public static readonly IReadOnlyList<string> TlsRouteOldVersions = ["v1alpha2", "v1alpha3"];
    public const string TlsRouteSource = "kubernetes-sigs/gateway-api v1.5.0 release notes (2026-02-27): TLSRoute v1alpha2/v1alpha3 deprecated, v1alpha2 removed from Experimental in v1.6";

    public static ApiRemoval? Removal(string apiVersion, string kind) =>
        Removals.FirstOrDefault(r => r.ApiVersion == apiVersion && r.Kind == kind);
}
