using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// What an object counts against a ResourceQuota, as the quota evaluators of the API server and the controller-manager
/// count it: the pod, service and claim evaluators and the object count evaluator of every other kind; which quotas
/// cover an object by their scopes and scopeSelector (only pods have scopes); and a namespace's usage of a quota.
/// </summary>
internal static class Quota
{
    /// <summary>The compute resources each container must state when a quota limits them (a backward-compatibility rule upstream keeps).</summary>
    private static readonly HashSet<string> ValidationSet = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

    private static readonly HashSet<string> PodResources = ["count/pods", "pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage"];
    private static readonly HashSet<string> ServiceResources = ["count/services", "services", "services.loadbalancers", "services.nodeports"];
    private static readonly HashSet<string> ClaimResources = ["count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage"];

    /// <summary>Core kinds whose object count also has its legacy name (configmaps for count/configmaps).</summary>
    private static readonly HashSet<string> LegacyCounts = ["configmaps", "secrets", "replicationcontrollers", "resourcequotas"];

    private const string StorageClassSuffix = ".storageclass.storage.k8s.io/";

    private enum Evaluator { Pod, Service, Claim, Count }

    private static Evaluator Of(ResourceType t) => t.Group.Length > 0 ? Evaluator.Count : t.Plural switch
    {
        "pods" => Evaluator.Pod,
        "services" => Evaluator.Service,
        "persistentvolumeclaims" => Evaluator.Claim,
        _ => Evaluator.Count,
    };

    public static bool IsPod(ResourceType t) => Of(t) == Evaluator.Pod;

    /// <summary>The object count name of a kind: count/pods, count/deployments.apps.</summary>
    public static string CountName(ResourceType t) => t.Group.Length == 0 ? $"count/{t.Plural}" : $"count/{t.Plural}.{t.Group}";

    /// <summary>Whether a kind's evaluator tracks a quota resource (its MatchingResources).</summary>
    public static bool Tracks(ResourceType t, string resource) => Of(t) switch
    {
        Evaluator.Pod => PodResources.Contains(resource) || resource.StartsWith("hugepages-", StringComparison.Ordinal)
            || resource.StartsWith("requests.hugepages-", StringComparison.Ordinal) || (resource.StartsWith("requests.", StringComparison.Ordinal) && !IsNative(resource["requests.".Length..])),
        Evaluator.Service => ServiceResources.Contains(resource),
        Evaluator.Claim => ClaimResources.Contains(resource) || resource.EndsWith(StorageClassSuffix + "requests.storage", StringComparison.Ordinal) || resource.EndsWith(StorageClassSuffix + "persistentvolumeclaims", StringComparison.Ordinal),
        _ => resource == CountName(t) || (t.Group.Length == 0 && resource == t.Plural && LegacyCounts.Contains(resource)),
    };

    /// <summary>Whether some evaluator tracks a resource, i.e. whether the quota controller reports a usage for it.</summary>
    public static bool Tracked(string resource) =>
        resource.StartsWith("count/", StringComparison.Ordinal) || ResourceTypes.All.Any(t => t.Namespaced && Tracks(t, resource));

    /// <summary>Services and claims are charged on updates too (a type or a size can change); pods and counts only on create.</summary>
    public static bool ChargesUpdates(ResourceType t) => Of(t) is Evaluator.Service or Evaluator.Claim;

    private static bool IsNative(string name) => !name.Contains('/', StringComparison.Ordinal) || name.Contains("kubernetes.io/", StringComparison.Ordinal);

    /// <summary>An object's usage by quota resource name, as its evaluator measures it.</summary>
    public static Dictionary<string, decimal> UsageOf(ResourceType t, JsonObject o)
    {
        // The object count covers every object in storage, a finished pod too.
        var usage = new Dictionary<string, decimal>(StringComparer.Ordinal) { [CountName(t)] = 1 };
        var spec = o["spec"] as JsonObject;
        switch (Of(t))
        {
            case Evaluator.Pod:
                if (!Charged(o)) break;
                usage["pods"] = 1;
                foreach (var (r, v) in PodTotals(spec, "requests", overhead: true))
                {
                    if (r is "cpu" or "memory" or "ephemeral-storage" || r.StartsWith("hugepages-", StringComparison.Ordinal)) usage[r] = v;
                    if (r is "cpu" or "memory" or "ephemeral-storage" || r.StartsWith("hugepages-", StringComparison.Ordinal) || !IsNative(r)) usage["requests." + r] = v;
                }
                foreach (var (r, v) in PodTotals(spec, "limits", overhead: true))
                    if (r is "cpu" or "memory" or "ephemeral-storage") usage["limits." + r] = v;
                break;
            case Evaluator.Service:
                usage["services"] = 1;
                var ports = (spec?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                var type = spec?["type"]?.GetValue<string>() ?? "ClusterIP";
                usage["services.loadbalancers"] = type == "LoadBalancer" ? 1 : 0;
                // A load balancer that allocates no node ports counts only the ports that name one.
                usage["services.nodeports"] = type switch
                {
                    "NodePort" => ports.Count,
                    "LoadBalancer" when spec?["allocateLoadBalancerNodePorts"]?.GetValue<bool>() == false => ports.Count(p => p["nodePort"] is not null),
                    "LoadBalancer" => ports.Count,
                    _ => 0,
                };
                break;
            case Evaluator.Claim:
                usage["persistentvolumeclaims"] = 1;
                var storageClass = o["metadata"]?["annotations"]?["volume.beta.kubernetes.io/storage-class"]?.GetValue<string>() ?? spec?["storageClassName"]?.GetValue<string>() ?? "";
                if (storageClass.Length > 0) usage[storageClass + StorageClassSuffix + "persistentvolumeclaims"] = 1;
                // The larger of the request and what a resize already allocated (RecoverVolumeExpansionFailure, on in v1.32).
                decimal? storage = spec?["resources"]?["requests"]?["storage"] is { } req ? Math.Ceiling(Amount(req)) : null;
                if (o["status"]?["allocatedResources"]?["storage"] is { } allocated && (storage is null || storage < Amount(allocated))) storage = Math.Ceiling(Amount(allocated));
                if (storage is { } s)
                {
                    usage["requests.storage"] = s;
                    if (storageClass.Length > 0) usage[storageClass + StorageClassSuffix + "requests.storage"] = s;
                }
                break;
            default:
                if (t.Group.Length == 0 && LegacyCounts.Contains(t.Plural)) usage[t.Plural] = 1;
                break;
        }
        return usage;
    }

    /// <summary>A pod is charged for compute and "pods" unless it finished or its deletion's grace period has passed (on the real clock).</summary>
    private static bool Charged(JsonObject pod)
    {
        if (pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed") return false;
        return GraceEnds(pod) is not { } end || DateTime.UtcNow <= end;
    }

    /// <summary>When a pod being deleted stops being charged (the end of its deletion's grace period), or null when it is not being deleted.</summary>
    public static DateTime? GraceEnds(JsonObject pod) =>
        pod["metadata"]?["deletionTimestamp"]?.GetValue<string>() is { } deleting
            && DateTime.TryParse(deleting, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? at.AddSeconds(pod["metadata"]?["deletionGracePeriodSeconds"]?.AsLong() ?? 0)
            : null;

    /// <summary>
    /// A pod's total requests or limits: its containers summed, sidecars (restartable init containers) added, and the
    /// largest init container when that is more; with the pod overhead for quota (LimitRanger leaves it out).
    /// </summary>
    public static Dictionary<string, decimal> PodTotals(JsonObject? spec, string kind, bool overhead)
    {
        static Dictionary<string, decimal> Of(JsonObject c, string kind) =>
            (c["resources"]?[kind] as JsonObject ?? []).Where(r => r.Value is not null).ToDictionary(r => r.Key, r => Amount(r.Value), StringComparer.Ordinal);
        static void Add(Dictionary<string, decimal> to, Dictionary<string, decimal> from)
        {
            foreach (var (k, v) in from) to[k] = to.GetValueOrDefault(k) + v;
        }
        static void Max(Dictionary<string, decimal> to, Dictionary<string, decimal> from)
        {
            foreach (var (k, v) in from) to[k] = Math.Max(to.GetValueOrDefault(k), v);
        }
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var c in (spec?["containers"] as JsonArray ?? []).OfType<JsonObject>()) Add(total, Of(c, kind));
        var sidecars = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var init = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var c in (spec?["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var own = Of(c, kind);
            if (c["restartPolicy"]?.GetValue<string>() == "Always")
            {
                Add(total, own);
                Add(sidecars, own);
                Max(init, sidecars);
            }
            else
            {
                Add(own, sidecars);
                Max(init, own);
            }
        }
        Max(total, init);
        if (overhead && spec?["overhead"] is JsonObject o) Add(total, o.Where(r => r.Value is not null).ToDictionary(r => r.Key, r => Amount(r.Value), StringComparer.Ordinal));
        return total;
    }

    /// <summary>
    /// The compute resources of a quota a pod's containers leave unstated ("limits.cpu for: app; requests.cpu for:
    /// app,sidecar"), or null when every container states them.
    /// </summary>
    public static string? Unstated(JsonObject pod, IEnumerable<string> limited)
    {
        var required = limited.Where(ValidationSet.Contains).ToHashSet(StringComparer.Ordinal);
        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).Concat(pod["spec"]?["initContainers"] as JsonArray ?? []).OfType<JsonObject>();
        foreach (var c in containers)
        {
            var stated = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in (c["resources"]?["requests"] as JsonObject ?? []).Select(r => r.Key).Where(r => r is "cpu" or "memory")) { stated.Add(r); stated.Add("requests." + r); }
            foreach (var r in (c["resources"]?["limits"] as JsonObject ?? []).Select(r => r.Key).Where(r => r is "cpu" or "memory")) stated.Add("limits." + r);
            foreach (var r in required.Where(r => !stated.Contains(r)))
            {
                if (!missing.TryGetValue(r, out var names)) missing[r] = names = new SortedSet<string>(StringComparer.Ordinal);
                names.Add(c["name"]?.GetValue<string>() ?? "");
            }
        }
        return missing.Count == 0 ? null : string.Join("; ", missing.Select(m => $"{m.Key} for: {string.Join(",", m.Value)}"));
    }

    /// <summary>One scope selector of a quota: a scope of spec.scopes (operator Exists) or a spec.scopeSelector expression.</summary>
    public sealed record Scope(string Name, string Operator, string[] Values);

    public static List<Scope> Scopes(JsonObject quota)
    {
        var result = (quota["spec"]?["scopes"] as JsonArray ?? []).Select(s => new Scope(s!.GetValue<string>(), "Exists", [])).ToList();
        foreach (var e in (quota["spec"]?["scopeSelector"]?["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
            result.Add(new Scope(e["scopeName"]?.GetValue<string>() ?? "", e["operator"]?.GetValue<string>() ?? "", (e["values"] as JsonArray ?? []).Select(v => v!.GetValue<string>()).ToArray()));
        return result;
    }

    /// <summary>Whether an object is in a quota scope; only pods are ever in one (other evaluators match no scope).</summary>
    public static bool InScope(ResourceType t, JsonObject o, Scope scope)
    {
        if (Of(t) != Evaluator.Pod) return false;
        var spec = o["spec"] as JsonObject;
        return scope.Name switch
        {
            "Terminating" => Terminating(spec),
            "NotTerminating" => !Terminating(spec),
            "BestEffort" => BestEffort(spec),
            "NotBestEffort" => !BestEffort(spec),
            "PriorityClass" => PriorityClassMatches(spec?["priorityClassName"]?.GetValue<string>() ?? "", scope),
            "CrossNamespacePodAffinity" => CrossNamespaceAffinity(spec),
            _ => false,
        };
    }

    /// <summary>Whether a quota covers an object: it limits something the object's evaluator tracks and every scope selects the object.</summary>
    public static bool Covers(ResourceType t, JsonObject o, JsonObject quota, IEnumerable<string> hard) =>
        hard.Any(h => Tracks(t, h)) && Scopes(quota).All(s => InScope(t, o, s));

    private static bool Terminating(JsonObject? spec) => spec?["activeDeadlineSeconds"]?.AsLong() is >= 0;

    /// <summary>QoS BestEffort: no container, init containers included, requests or limits cpu or memory.</summary>
    private static bool BestEffort(JsonObject? spec) =>
        !(spec?["containers"] as JsonArray ?? []).Concat(spec?["initContainers"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => new[] { "requests", "limits" }.Any(k => (c["resources"]?[k] as JsonObject ?? []).Any(r => r.Key is "cpu" or "memory")));

    /// <summary>The PriorityClass scope: the pod's class as the label "PriorityClass" (absent without a class) under a label selector expression.</summary>
    private static bool PriorityClassMatches(string priorityClass, Scope scope) => scope.Operator switch
    {
        "Exists" => priorityClass.Length > 0,
        "DoesNotExist" => priorityClass.Length == 0,
        "In" => priorityClass.Length > 0 && scope.Values.Contains(priorityClass),
        "NotIn" => priorityClass.Length == 0 || !scope.Values.Contains(priorityClass),
        _ => false,
    };

    private static bool CrossNamespaceAffinity(JsonObject? spec)
    {
        static bool Cross(JsonNode? term) => term is JsonObject t && ((t["namespaces"] as JsonArray)?.Count > 0 || t["namespaceSelector"] is not null);
        foreach (var kind in new[] { "podAffinity", "podAntiAffinity" })
        {
            var a = spec?["affinity"]?[kind];
            if ((a?["requiredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? []).Any(Cross)) return true;
            if ((a?["preferredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? []).Any(w => Cross(w?["podAffinityTerm"]))) return true;
        }
        return false;
    }

    /// <summary>
    /// A namespace's usage of the given quota resources: what the objects the quota's scopes select count of them. A
    /// resource no evaluator tracks gets no entry, as the quota controller reports none for it.
    /// </summary>
    public static Dictionary<string, decimal> Used(Store store, string ns, JsonObject quota, IEnumerable<string> resources)
    {
        var used = resources.Where(Tracked).Distinct().ToDictionary(r => r, _ => 0m, StringComparer.Ordinal);
        var scopes = Scopes(quota);
        foreach (var o in store.All().Where(o => o.Type.Namespaced && o.Namespace == ns))
        {
            if (scopes.Count > 0 && !scopes.All(s => InScope(o.Type, o.Object, s))) continue;
            foreach (var (k, v) in UsageOf(o.Type, o.Object))
                if (used.ContainsKey(k) && Tracks(o.Type, k)) used[k] += v;
        }
        return used;
    }

    public static decimal Amount(JsonNode? q) => q is null ? 0 : Quantities.Value(q.ToString());

    /// <summary>A usage as a quantity: cores with millicores, bytes in binary units, counts plain.</summary>
    public static string Format(string resource, decimal value) =>
        resource.EndsWith("cpu", StringComparison.Ordinal) ? Quantities.Canonical(value, binary: false)
        : resource.EndsWith("memory", StringComparison.Ordinal) || resource.EndsWith("storage", StringComparison.Ordinal) || resource.Contains("hugepages-", StringComparison.Ordinal) ? Quantities.Canonical(value, binary: true)
        : value.ToString(CultureInfo.InvariantCulture);
}
