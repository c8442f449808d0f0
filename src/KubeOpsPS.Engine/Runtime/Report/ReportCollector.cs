using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Report;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.Report;

/// <summary>
/// Reads what the report's checks look at from one cluster: the server version, then one paginated LIST per kind
/// (per namespace with -Namespace), in parallel, through the gateway; never a GET per object, so the requests grow with
/// the number of kinds, not objects. A 403 on a list makes the kind "not checked: no permission", a 404 "not served";
/// anything else (an unreachable server) fails the whole cluster.
/// </summary>
public static class ReportCollector
{
    /// <summary>The kinds read, and for Secrets the field selector that keeps the read to TLS Secrets.</summary>
    public static readonly IReadOnlyList<(KubeKind Kind, string? FieldSelector)> Kinds =
    [
        .. new[]
        {
            ("v1", "Pod"), ("v1", "Service"), ("v1", "Endpoints"), ("v1", "PersistentVolume"), ("v1", "PersistentVolumeClaim"), ("v1", "Node"),
            ("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"), ("networking.k8s.io/v1", "Ingress"),
            ("policy/v1", "PodDisruptionBudget"), ("autoscaling/v2", "HorizontalPodAutoscaler"),
            ("rbac.authorization.k8s.io/v1", "ClusterRole"), ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"), ("rbac.authorization.k8s.io/v1", "RoleBinding"),
            ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        }.Select(k => (KubeTypes.Find(k.Item1, k.Item2)!, (string?)null)),
        (KubeTypes.Find("v1", "Secret")!, $"type={Crypto.TlsSecrets.Type}"),
    ];

    /// <summary>Reads a snapshot; <paramref name="namespaces"/> limits namespaced kinds to those namespaces (null: all).</summary>
    public static async Task<ClusterSnapshot> CollectAsync(ClusterGateway gateway, IReadOnlyList<string>? namespaces, CancellationToken ct)
    {
        var version = await gateway.GetVersionAsync(ct).ConfigureAwait(false);
        var server = KubeVersion.TryRead($"{version["major"]?.GetValue<string>()}.{version["minor"]?.GetValue<string>()}")
            ?? KubeVersion.TryRead(version["gitVersion"]?.GetValue<string>())
            ?? throw new KoClusterException("UnreadableServerVersion", "InvalidResult", $"The server at {gateway.Connection.Server} reports no readable version.", gateway.Connection.Server);
        var reads = Kinds.SelectMany(k => k.Kind.Namespaced && namespaces is not null
            ? namespaces.Select(ns => ListAsync(gateway, k.Kind, ns, k.FieldSelector, ct))
            : [ListAsync(gateway, k.Kind, null, k.FieldSelector, ct)]);
        var results = await Task.WhenAll(reads).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        return new ClusterSnapshot(gateway.Connection.Context, server, now,
            results.SelectMany(r => r.Items), results.Select(r => r.NotRead).OfType<KindNotRead>().ToList());
    }

    private static async Task<(IReadOnlyList<object> Items, KindNotRead? NotRead)> ListAsync(ClusterGateway gateway, KubeKind kind, string? ns, string? fieldSelector, CancellationToken ct)
    {
        try
        {
            var (items, _) = await gateway.ListAsync(kind, ns, fieldSelector: fieldSelector, ct: ct).ConfigureAwait(false);
            return (items, null);
        }
        catch (KoClusterException e) when (e.StatusCode is 403 or 404)
        {
            return ([], new KindNotRead(kind.Kind, kind.Plural, ns, e.StatusCode == 403 ? NotReadReason.Forbidden : NotReadReason.NotServed));
        }
    }
}
