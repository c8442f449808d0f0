using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Cluster;

/// <summary>The order a batch is applied in: what others depend on first (as Helm and kubectl users expect).</summary>
public static class ApplyOrder
{
    /// <summary>The stage of a kind; lower stages are applied first, objects within a stage in parallel.</summary>
    public static int Stage(string kind) => kind switch
    {
        "Namespace" => 0,
        "CustomResourceDefinition" or "PriorityClass" or "StorageClass" or "IngressClass" or "GatewayClass" or "CSIDriver" => 1,
        "ServiceAccount" or "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding" or "PodSecurityPolicy" or "NetworkPolicy" or "ResourceQuota" or "LimitRange" => 2,
        "ConfigMap" or "Secret" => 3,
        "PersistentVolume" or "PersistentVolumeClaim" => 4,
        "Service" or "Endpoints" or "EndpointSlice" => 5,
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" or "CronJob" or "Pod" or "PodDisruptionBudget" or "HorizontalPodAutoscaler" => 6,
        "Ingress" or "Gateway" or "ListenerSet" or "HTTPRoute" or "GRPCRoute" or "SecurityPolicy" or "AuthenticationFilter" => 7,
        _ => 8,
    };
}

/// <summary>
/// Applies many objects: stage by stage in dependency order, with bounded parallelism inside a stage. What exists is
/// learnt with one paginated LIST per kind and namespace of a stage that has more than one object there, so each
/// object then costs one apply request; a kind and namespace with a single object (or whose LIST fails, such as a
/// user who may apply but not list) is read with a GET before its apply, as a single apply is.
/// </summary>
public static class BatchApplier
{
    /// <summary>
    /// Applies every object; one failure is recorded and the rest go on. Results come back in input order.
    /// <paramref name="progress"/> is called after each object with (done, total, result).
    /// </summary>
    public static async Task<IReadOnlyList<ApplyResult>> ApplyAsync(ClusterGateway gateway, IReadOnlyList<object> objects, ApplyOptions options, int parallelism, bool createNamespaces, Action<int, int, ApplyResult>? progress, CancellationToken ct)
    {
        var results = new ApplyResult?[objects.Count];
        var prepared = new List<(int Index, KubeKind Kind, string? Ns, string Name)>();
        for (var i = 0; i < objects.Count; i++)
        {
            try
            {
                var (kind, _, ns, name) = await gateway.PrepareAsync(objects[i], ct).ConfigureAwait(false);
                prepared.Add((i, kind, ns, name));
            }
            catch (Exception e) when (e is Validation.KoValidationException or KoClusterException)
            {
                results[i] = Failed(objects[i], e);
            }
        }
        var done = results.Count(r => r is not null);
        foreach (var r in results) if (r is not null) progress?.Invoke(done, objects.Count, r);

        if (createNamespaces)
        {
            var declared = new HashSet<string>(prepared.Where(p => p.Kind.Kind == "Namespace").Select(p => p.Name));
            foreach (var ns in prepared.Select(p => p.Ns).OfType<string>().Distinct())
            {
                if (declared.Contains(ns) || await gateway.NamespaceExistsAsync(ns, ct).ConfigureAwait(false)) continue;
                var nsObj = new k8s.Models.V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new k8s.Models.V1ObjectMeta { Name = ns } };
                await gateway.ApplyAsync(nsObj, options, ct).ConfigureAwait(false);
            }
        }

        var counter = done;
        foreach (var stage in prepared.GroupBy(p => ApplyOrder.Stage(p.Kind.Kind)).OrderBy(g => g.Key))
        {
            var listed = new Dictionary<(KubeKind, string?), IReadOnlyDictionary<string, JsonObject>>();
            foreach (var group in stage.GroupBy(p => (p.Kind, p.Ns)).Where(g => g.Count() > 1))
            {
                try
                {
                    listed[group.Key] = await gateway.ListByNameAsync(group.Key.Kind, group.Key.Ns, ct).ConfigureAwait(false);
                }
                catch (KoClusterException e)
                {
                    // Not allowed to list, or the LIST failed after its retries: these objects are read one by one.
                    gateway.Log?.Invoke($"{e.Message}; reading each of the {group.Count()} objects before applying it instead");
                }
            }
            await Parallel.ForEachAsync(stage, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct }, async (p, token) =>
            {
                ApplyResult r;
                try
                {
                    r = listed.TryGetValue((p.Kind, p.Ns), out var current)
                        ? await gateway.ApplyListedAsync(objects[p.Index], options, current.GetValueOrDefault(p.Name), token).ConfigureAwait(false)
                        : await gateway.ApplyAsync(objects[p.Index], options, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is KoClusterException or Validation.KoValidationException)
                {
                    r = Failed(objects[p.Index], e);
                }
                results[p.Index] = r;
                progress?.Invoke(Interlocked.Increment(ref counter), objects.Count, r);
            }).ConfigureAwait(false);
        }
        return results.Select(r => r!).ToList();
    }

    private static ApplyResult Failed(object o, Exception e)
    {
        var json = Yaml.KoYaml.ToJsonObject(o);
        return new ApplyResult(json["kind"]?.GetValue<string>() ?? "?", json["metadata"]?["namespace"]?.GetValue<string>(), json["metadata"]?["name"]?.GetValue<string>() ?? "?", ApplyOutcome.Failed, null, e);
    }
}
