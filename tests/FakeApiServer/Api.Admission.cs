using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;

namespace FakeApiServer;

/// <summary>
/// The admission plugins of a v1.32 API server that read the cluster, in their upstream order: LimitRanger (container
/// defaults from the namespace's LimitRanges, then their min/max), ServiceAccount (the named account must exist; a
/// projected kube-api-access token volume is mounted) and ResourceQuota (last: a create that would take a quota past
/// its hard limit is refused). Writes by the simulated controllers get the mutations but are never refused.
/// </summary>
public sealed partial class Api
{
    private const string TokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The mutating plugins, on a create after defaulting and before validation.</summary>
    private void AdmitMutating(ResourceType t, string? ns, string name, JsonObject obj, WriteContext wc)
    {
        if (t.Kind != "Pod" || t.Group.Length > 0 || ns is null || obj["spec"] is not JsonObject spec) return;
        LimitRanger(ns, name, obj, spec, wc);
        var saName = spec["serviceAccountName"]?.GetValue<string>() ?? "default";
        var sa = _store.Get(ResourceTypes.Find("", "v1", "serviceaccounts")!, ns, saName);
        // The plugin waits a while for the default account the service account controller is about to create.
        if (sa is null && !wc.Internal && saName != "default")
            throw Forbidden(t, name, $"error looking up service account {ns}/{saName}: serviceaccount \"{saName}\" not found");
        var automount = spec["automountServiceAccountToken"]?.GetValue<bool>() ?? sa?.Object["automountServiceAccountToken"]?.GetValue<bool>() ?? true;
        if (automount) MountToken(spec);
    }

    private static ApiError Forbidden(ResourceType t, string name, string why) =>
        new(403, "Forbidden", $"{t.Plural} \"{name}\" is forbidden: {why}", new JsonObject { ["name"] = name, ["kind"] = t.Plural });

    /// <summary>The projected volume the ServiceAccount plugin adds (token, cluster CA, namespace), mounted read-only in every container.</summary>
    private static void MountToken(JsonObject spec)
    {
        var volumes = spec["volumes"] as JsonArray ?? [];
        spec["volumes"] = volumes;
        var containers = (spec["initContainers"] as JsonArray ?? []).Concat(spec["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (containers.Any(c => (c["volumeMounts"] as JsonArray ?? []).Any(m => m?["mountPath"]?.GetValue<string>() == TokenMountPath))) return;
        var volume = "kube-api-access-" + RandomSuffix(5);
        volumes.Add(new JsonObject
        {
            ["name"] = volume,
            ["projected"] = new JsonObject
            {
                ["defaultMode"] = 420,
                ["sources"] = new JsonArray(
                    new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                    new JsonObject { ["configMap"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }) } },
                    new JsonObject { ["downwardAPI"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["path"] = "namespace", ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" } }) } }),
            },
        });
        foreach (var c in containers)
        {
            var mounts = c["volumeMounts"] as JsonArray ?? [];
            c["volumeMounts"] = mounts;
            mounts.Add(new JsonObject { ["name"] = volume, ["readOnly"] = true, ["mountPath"] = TokenMountPath });
        }
    }

    /// <summary>
    /// LimitRanger for pods: a container without requests or limits gets its LimitRange's defaultRequest and default
    /// (recorded in the kubernetes.io/limit-ranger annotation), then each container's values are held to min and max.
    /// </summary>
    private void LimitRanger(string ns, string name, JsonObject pod, JsonObject spec, WriteContext wc)
    {
        var ranges = _store.List(ResourceTypes.Find("", "v1", "limitranges")!, ns)
            .SelectMany(r => (r.Object["spec"]?["limits"] as JsonArray ?? []).OfType<JsonObject>()).Where(l => l["type"]?.GetValue<string>() == "Container").ToList();
        if (ranges.Count == 0) return;
        var notes = new List<string>();
        var containers = (spec["initContainers"] as JsonArray ?? []).Concat(spec["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var c in containers)
        {
            var resources = c["resources"] as JsonObject ?? [];
            c["resources"] = resources;
            foreach (var (kind, from) in new[] { ("requests", "defaultRequest"), ("limits", "default") })
            {
                var set = new List<string>();
                foreach (var l in ranges)
                    foreach (var (r, v) in l[from] as JsonObject ?? [])
                    {
                        var list = resources[kind] as JsonObject ?? [];
                        if (list[r] is not null) continue;
                        list[r] = v!.DeepClone();
                        resources[kind] = list;
                        set.Add(r);
                    }
                var which = (spec["initContainers"] as JsonArray ?? []).Contains(c) ? "init container" : "container";
                if (set.Count > 0) notes.Add($"{string.Join(", ", set.Order(StringComparer.Ordinal))} {kind[..^1]} for {which} {c["name"]}");
            }
            // The API's own defaulting: a limit without a request requests the limit.
            if (resources["limits"] is JsonObject limits)
                foreach (var (r, v) in limits)
                {
                    var requests = resources["requests"] as JsonObject ?? [];
                    if (requests[r] is null) { requests[r] = v!.DeepClone(); resources["requests"] = requests; }
                }
        }
        if (notes.Count > 0)
        {
            var meta = (JsonObject)pod["metadata"]!;
            var annotations = meta["annotations"] as JsonObject ?? [];
            meta["annotations"] = annotations;
            annotations["kubernetes.io/limit-ranger"] = "LimitRanger plugin set: " + string.Join("; ", notes);
        }
        if (wc.Internal) return;
        var t = ResourceTypes.Find("", "v1", "pods")!;
        foreach (var c in containers)
            foreach (var l in ranges)
            {
                foreach (var (r, max) in l["max"] as JsonObject ?? [])
                {
                    var limit = c["resources"]?["limits"]?[r];
                    if (limit is null) throw Forbidden(t, name, $"maximum {r} usage per Container is {max}.  No limit is specified");
                    if (Amount(limit) > Amount(max)) throw Forbidden(t, name, $"maximum {r} usage per Container is {max}, but limit is {limit}");
                }
                foreach (var (r, min) in l["min"] as JsonObject ?? [])
                {
                    var request = c["resources"]?["requests"]?[r];
                    if (request is null) throw Forbidden(t, name, $"minimum {r} usage per Container is {min}.  No request is specified");
                    if (Amount(request) < Amount(min)) throw Forbidden(t, name, $"minimum {r} usage per Container is {min}, but request is {request}");
                }
            }
    }

    private static decimal Amount(JsonNode? q) => q is null ? 0 : new ResourceQuantity(q.ToString()).ToDecimal();

    /// <summary>ResourceQuota, the last plugin: the create must fit every quota of its namespace that covers what it uses.</summary>
    private void AdmitQuota(ResourceType t, string? ns, string name, JsonObject obj, WriteContext wc)
    {
        if (ns is null || wc.Internal) return;
        foreach (var quota in _store.List(ResourceTypes.Find("", "v1", "resourcequotas")!, ns))
        {
            if (quota.Object["spec"]?["hard"] is not JsonObject hard) continue;
            var requested = Quota.UsageOf(t, obj);
            var covered = hard.Select(h => h.Key).Where(requested.ContainsKey).ToList();
            if (t.Kind == "Pod" && t.Group.Length == 0)
            {
                var missing = hard.Select(h => h.Key).Where(k => Quota.ComputeResources.Contains(k) && !requested.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
                if (missing.Count > 0) throw Forbidden(t, name, $"failed quota: {quota.Name}: must specify {string.Join(",", missing)}");
            }
            if (covered.Count == 0) continue;
            var used = Quota.Used(_store, ns, hard.Select(h => h.Key));
            var exceeded = covered.Where(k => used.GetValueOrDefault(k) + requested[k] > Amount(hard[k])).Order(StringComparer.Ordinal).ToList();
            if (exceeded.Count == 0) continue;
            string List(Func<string, string> value) => string.Join(",", exceeded.Select(k => $"{k}={value(k)}"));
            throw Forbidden(t, name, $"exceeded quota: {quota.Name}, requested: {List(k => Quota.Format(k, requested[k]))}, used: {List(k => Quota.Format(k, used.GetValueOrDefault(k)))}, limited: {List(k => hard[k]!.ToString())}");
        }
    }
}

/// <summary>What an object counts against a ResourceQuota, as the quota evaluators of the API server and controller-manager count it.</summary>
internal static class Quota
{
    public static readonly HashSet<string> ComputeResources = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

    private static readonly Dictionary<string, string> LegacyCounts = new(StringComparer.Ordinal)
    {
        ["pods"] = "pods", ["services"] = "services", ["configmaps"] = "configmaps", ["secrets"] = "secrets",
        ["persistentvolumeclaims"] = "persistentvolumeclaims", ["replicationcontrollers"] = "replicationcontrollers", ["resourcequotas"] = "resourcequotas",
    };

    /// <summary>The usage of one object by quota resource name (object counts, and for pods and claims their requests and limits).</summary>
    public static Dictionary<string, decimal> UsageOf(ResourceType t, JsonObject o)
    {
        var usage = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (t.Kind == "Pod" && t.Group.Length == 0 && o["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed") return usage;
        usage[t.Group.Length == 0 ? $"count/{t.Plural}" : $"count/{t.Plural}.{t.Group}"] = 1;
        if (t.Group.Length == 0 && LegacyCounts.TryGetValue(t.Plural, out var legacy)) usage[legacy] = 1;
        if (t.Kind == "Pod" && t.Group.Length == 0)
        {
            foreach (var kind in new[] { "requests", "limits" })
                foreach (var r in new[] { "cpu", "memory" })
                {
                    decimal? Sum(string list) => (o["spec"]?[list] as JsonArray ?? []).OfType<JsonObject>()
                        .Select(c => c["resources"]?[kind]?[r]).Where(q => q is not null).Select(q => (decimal?)new ResourceQuantity(q!.ToString()).ToDecimal()).Aggregate((decimal?)null, (a, b) => (a ?? 0) + b);
                    var apps = Sum("containers");
                    var init = (o["spec"]?["initContainers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => c["resources"]?[kind]?[r]).Where(q => q is not null)
                        .Select(q => new ResourceQuantity(q!.ToString()).ToDecimal()).DefaultIfEmpty().Max();
                    if (apps is null && init == 0) continue;
                    var value = Math.Max(apps ?? 0, init);
                    usage[$"{kind}.{r}"] = value;
                    if (kind == "requests") usage[r] = value;
                }
        }
        if (t.Kind == "PersistentVolumeClaim" && o["spec"]?["resources"]?["requests"]?["storage"] is { } storage)
            usage["requests.storage"] = new ResourceQuantity(storage.ToString()).ToDecimal();
        return usage;
    }

    /// <summary>The namespace's usage of the given quota resources.</summary>
    public static Dictionary<string, decimal> Used(Store store, string ns, IEnumerable<string> resources)
    {
        var wanted = resources.ToHashSet(StringComparer.Ordinal);
        var used = wanted.ToDictionary(r => r, _ => 0m, StringComparer.Ordinal);
        foreach (var o in store.All().Where(o => o.Type.Namespaced && o.Namespace == ns && o.Object["metadata"]?["deletionTimestamp"] is null))
            foreach (var (k, v) in UsageOf(o.Type, o.Object))
                if (wanted.Contains(k)) used[k] += v;
        return used;
    }

    /// <summary>A usage as a quantity: cores with millicores, bytes in binary units, counts plain.</summary>
    public static string Format(string resource, decimal value) =>
        resource.EndsWith("cpu", StringComparison.Ordinal) || resource == "cpu" ? new ResourceQuantity(value, 0, ResourceQuantity.SuffixFormat.DecimalSI).CanonicalizeString()
        : resource.EndsWith("memory", StringComparison.Ordinal) || resource.EndsWith("storage", StringComparison.Ordinal) ? new ResourceQuantity(value, 0, ResourceQuantity.SuffixFormat.BinarySI).CanonicalizeString()
        : value.ToString(CultureInfo.InvariantCulture);
}
