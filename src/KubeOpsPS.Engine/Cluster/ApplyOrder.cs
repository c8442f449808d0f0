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

/// <summary>Applies many objects: stage by stage in dependency order, with bounded parallelism inside a stage.</summary>
public static class BatchApplier
{
    /// <summary>
    /// Applies every object; one failure is recorded and the rest go on. Results come back in input order.
    /// <paramref name="progress"/> is called after each object with (done, total, result).
    /// </summary>
    public static async Task<IReadOnlyList<ApplyResult>> ApplyAsync(ClusterGateway gateway, IReadOnlyList<object> objects, ApplyOptions options, int parallelism, bool createNamespaces, Action<int, int, ApplyResult>? progress, CancellationToken ct)
    {
        var results = new ApplyResult?[objects.Count];
        var prepared = new List<(int Index, string Kind, string? Ns)>();
        for (var i = 0; i < objects.Count; i++)
        {
            try
            {
                var (kind, _, ns, name) = await gateway.PrepareAsync(objects[i], ct).ConfigureAwait(false);
                prepared.Add((i, kind.Kind, ns));
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
            var declared = new HashSet<string>(prepared.Where(p => p.Kind == "Namespace").Select(p => Name(objects[p.Index])));
            foreach (var ns in prepared.Select(p => p.Ns).OfType<string>().Distinct())
            {
                if (declared.Contains(ns) || await gateway.NamespaceExistsAsync(ns, ct).ConfigureAwait(false)) continue;
                var nsObj = new k8s.Models.V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new k8s.Models.V1ObjectMeta { Name = ns } };
                await gateway.ApplyAsync(nsObj, options, ct).ConfigureAwait(false);
            }
        }

        var counter = done;
        foreach (var stage in prepared.GroupBy(p => ApplyOrder.Stage(p.Kind)).OrderBy(g => g.Key))
        {
            await Parallel.ForEachAsync(stage, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = ct }, async (p, token) =>
            {
                ApplyResult r;
                try
                {
                    r = await gateway.ApplyAsync(objects[p.Index], options, token).ConfigureAwait(false);
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

    private static string Name(object o) => Yaml.KoYaml.ToJsonObject(o)["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;

    private static ApplyResult Failed(object o, Exception e)
    {
        var json = Yaml.KoYaml.ToJsonObject(o);
        return new ApplyResult(json["kind"]?.GetValue<string>() ?? "?", json["metadata"]?["namespace"]?.GetValue<string>(), json["metadata"]?["name"]?.GetValue<string>() ?? "?", ApplyOutcome.Failed, null, e);
    }
}
