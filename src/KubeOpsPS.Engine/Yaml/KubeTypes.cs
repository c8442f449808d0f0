using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>What the module knows about a kind without asking a cluster: its model type, plural and scope.</summary>
public sealed record KubeKind(string ApiVersion, string Kind, string Plural, bool Namespaced, Type? ModelType)
{
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : string.Empty;
    public string Version => ApiVersion.Contains('/') ? ApiVersion[(ApiVersion.IndexOf('/') + 1)..] : ApiVersion;
}

/// <summary>
/// Maps apiVersion/kind to KubernetesClient model types. Single lookups go by the models' naming (one attribute
/// read each); the whole table is built from the models' KubernetesEntity attributes (one pass over one assembly)
/// only when a lookup misses or every kind is asked for (completion, -Kind), never at import.
/// </summary>
public static class KubeTypes
{
    private static readonly Lazy<Dictionary<string, KubeKind>> ByKey = new(Build);
    private static readonly ConcurrentDictionary<Type, KubeKind?> ByType = new();

    // Kinds that live outside a namespace; everything else known is namespaced.
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "IngressClass", "PriorityClass", "CSIDriver", "CSINode", "VolumeAttachment",
        "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "CertificateSigningRequest", "RuntimeClass", "ComponentStatus",
        "FlowSchema", "PriorityLevelConfiguration", "IPAddress", "ServiceCIDR", "GatewayClass",
        "ClusterTrustBundle", "DeviceClass", "ResourceSlice", "StorageVersion", "StorageVersionMigration",
        "VolumeAttributesClass", "SelfSubjectAccessReview", "SelfSubjectReview", "SelfSubjectRulesReview",
        "SubjectAccessReview", "TokenReview",
    };

    private static string Key(string apiVersion, string kind) => apiVersion + "|" + kind;

    private static Dictionary<string, KubeKind> Build()
    {
        var map = new Dictionary<string, KubeKind>(StringComparer.Ordinal);
        foreach (var type in typeof(V1Pod).Assembly.GetExportedTypes())
            if (FromType(type) is { } k) map[Key(k.ApiVersion, k.Kind)] = k;
        // Gateway API is not in KubernetesClient: known to us as generic objects with the right scope.
        // The standard channel's namespaced kinds, all served as v1 in Gateway API v1.6 (ListenerSet since v1.5).
        foreach (var (kind, plural) in new[]
        {
            ("HTTPRoute", "httproutes"), ("Gateway", "gateways"), ("GRPCRoute", "grpcroutes"), ("ReferenceGrant", "referencegrants"), ("ListenerSet", "listenersets"),
            ("TLSRoute", "tlsroutes"), ("TCPRoute", "tcproutes"), ("UDPRoute", "udproutes"), ("BackendTLSPolicy", "backendtlspolicies"),
        })
            map[Key("gateway.networking.k8s.io/v1", kind)] = new KubeKind("gateway.networking.k8s.io/v1", kind, plural, true, null);
        // The implementations' resources Convert-KoIngress writes for basic auth.
        map[Key("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy")] = new KubeKind("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy", "securitypolicies", true, null);
        map[Key("gateway.nginx.org/v1alpha1", "AuthenticationFilter")] = new KubeKind("gateway.nginx.org/v1alpha1", "AuthenticationFilter", "authenticationfilters", true, null);
        map[Key("gateway.networking.k8s.io/v1", "GatewayClass")] = new KubeKind("gateway.networking.k8s.io/v1", "GatewayClass", "gatewayclasses", false, null);
        return map;
    }

    /// <summary>The kind a model type stands for, from its KubernetesEntity attribute; null for list types and non-models.</summary>
    private static KubeKind? FromType(Type type)
    {
        var attr = type.GetCustomAttribute<KubernetesEntityAttribute>();
        if (attr is null || attr.Kind.EndsWith("List", StringComparison.Ordinal) && type.GetProperty("Items") is not null)
            return null;
        var apiVersion = string.IsNullOrEmpty(attr.Group) ? attr.ApiVersion : attr.Group + "/" + attr.ApiVersion;
        var plural = string.IsNullOrEmpty(attr.PluralName) ? attr.Kind.ToLowerInvariant() + "s" : attr.PluralName;
        return new KubeKind(apiVersion, attr.Kind, plural, !ClusterScoped.Contains(attr.Kind), type);
    }

    /// <summary>
    /// The model type by KubernetesClient's naming (apps/v1 Deployment → V1Deployment), checked against its attribute.
    /// Reading every model type's attribute to build the whole table costs about 100 ms on first use; most reads
    /// only need the few kinds in front of them. Null when the name does not lead to the kind (the caller then
    /// builds the table, so the answer never depends on which was asked first).
    /// </summary>
    internal static KubeKind? Guess(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/');
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        if (version.Length == 0 || kind.Length == 0) return null;
        var type = typeof(V1Pod).Assembly.GetType("k8s.Models." + char.ToUpperInvariant(version[0]) + version[1..] + kind, throwOnError: false);
        return type is not null && FromType(type) is { } k && k.ApiVersion == apiVersion && k.Kind == kind ? k : null;
    }

    private static readonly ConcurrentDictionary<string, KubeKind?> Guessed = new(StringComparer.Ordinal);

    /// <summary>The known kind for apiVersion/kind, or null for kinds the module has no model of (CRDs).</summary>
    public static KubeKind? Find(string? apiVersion, string? kind)
    {
        if (apiVersion is null || kind is null) return null;
        var key = Key(apiVersion, kind);
        if (ByKey.IsValueCreated) return ByKey.Value.GetValueOrDefault(key);
        return Guessed.GetOrAdd(key, static (key, t) => Guess(t.ApiVersion, t.Kind) ?? ByKey.Value.GetValueOrDefault(key), (ApiVersion: apiVersion, Kind: kind));
    }

    /// <summary>The kind a model type stands for (V1Deployment → apps/v1 Deployment).</summary>
    public static KubeKind? ForType(Type type) => ByType.GetOrAdd(type, static t =>
    {
        var attr = t.GetCustomAttribute<KubernetesEntityAttribute>();
        if (attr is null) return null;
        var apiVersion = string.IsNullOrEmpty(attr.Group) ? attr.ApiVersion : attr.Group + "/" + attr.ApiVersion;
        return Find(apiVersion, attr.Kind);
    });

    /// <summary>Finds a kind by name, plural or a kubectl short name, case-insensitively (for -Kind parameters).</summary>
    public static KubeKind? Resolve(string nameOrAlias)
    {
        var n = nameOrAlias.Trim().ToLowerInvariant();
        if (ShortNames.TryGetValue(n, out var full)) n = full;
        KubeKind? best = null;
        foreach (var k in ByKey.Value.Values)
        {
            if (!string.Equals(k.Kind, n, StringComparison.OrdinalIgnoreCase) && k.Plural != n) continue;
            // Prefer GA versions of the core groups over beta/alpha ones.
            if (best is null || Rank(k) > Rank(best)) best = k;
        }
        return best;
    }

    /// <summary>All kinds the module knows, for completion.</summary>
    public static IEnumerable<KubeKind> All => ByKey.Value.Values;

    private static int Rank(KubeKind k) => (k.Version == "v1" ? 3 : k.Version.Contains("beta") ? 1 : k.Version.StartsWith("v2", StringComparison.Ordinal) ? 2 : 0) * 10 + (k.Group.Length == 0 ? 1 : 0);

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["ns"] = "namespace", ["cm"] = "configmap", ["svc"] = "service", ["po"] = "pod", ["sa"] = "serviceaccount",
        ["pvc"] = "persistentvolumeclaim", ["pv"] = "persistentvolume", ["no"] = "node", ["ev"] = "event",
        ["ep"] = "endpoints", ["deploy"] = "deployment", ["rs"] = "replicaset", ["sts"] = "statefulset",
        ["ds"] = "daemonset", ["ing"] = "ingress", ["cj"] = "cronjob", ["sc"] = "storageclass", ["crd"] = "customresourcedefinition",
    };
}
