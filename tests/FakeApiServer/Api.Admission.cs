using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The admission plugins of a v1.32 API server that read the cluster, in their upstream order. Mutating, on a pod
/// create: LimitRanger (container defaults from the namespace's LimitRanges) and ServiceAccount (the named account must
/// exist, the default one is waited for; a projected kube-api-access token volume is mounted). Validating, after the
/// kind's own validation: LimitRanger (Container, Pod and PersistentVolumeClaim min/max and maxLimitRequestRatio, every
/// violation of a LimitRange in one 403) and ResourceQuota (last: a create, or an update of a Service or claim, that
/// would take a covering quota past its hard limit is refused). Writes by the simulated controllers get the mutations;
/// they are refused only when they pass admission as a client's would (the pods of the workload controllers).
/// </summary>
public sealed partial class Api
{
    private const string TokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static readonly ResourceType LimitRanges = ResourceTypes.Find("", "v1", "limitranges")!;
    private static readonly ResourceType ResourceQuotas = ResourceTypes.Find("", "v1", "resourcequotas")!;
    private static readonly ResourceType ServiceAccounts = ResourceTypes.Find("", "v1", "serviceaccounts")!;

    /// <summary>Whether the plugins may refuse a write: a client's, or a controller's that is admitted as one.</summary>
    private static bool Admits(WriteContext wc) => !wc.Internal || wc.Admit;

    /// <summary>
    /// The ServiceAccount plugin's patience with the default account, which the service account controller may be about
    /// to create: it asks again up to nine times, 100-200 ms apart, before the pod is refused. Runs before the store lock
    /// (the controllers need it to create the account); controller writes do not wait (they are the controllers).
    /// </summary>
    internal void AwaitDefaultServiceAccount(ResourceType t, string? ns, JsonObject body, WriteContext wc)
    {
        if (wc.Internal || ns is null || !Quota.IsPod(t)) return;
        var named = body["spec"]?["serviceAccountName"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : "";
        if (named is not ("" or "default")) return;
        var interval = TimeSpan.FromMilliseconds(100 + Random.Shared.Next(100));
        for (var attempt = 1; attempt < 10 && _store.Get(ServiceAccounts, ns, "default") is null && !_stopping.IsCancellationRequested; attempt++)
            Thread.Sleep(interval);
    }

    /// <summary>The mutating plugins, on a create after defaulting and before validation.</summary>
    private void AdmitMutating(ResourceType t, string? ns, string name, JsonObject obj, WriteContext wc)
    {
        if (!Quota.IsPod(t) || ns is null || obj["spec"] is not JsonObject spec) return;
        RequestsFromLimits(spec);
        LimitRangerDefaults(ns, obj, spec);
        var saName = spec["serviceAccountName"]?.GetValue<string>() ?? "default";
        var sa = _store.Get(ServiceAccounts, ns, saName);
        if (sa is null && Admits(wc))
            throw Forbidden(t, name, $"error looking up service account {ns}/{saName}: serviceaccount \"{saName}\" not found");
        var automount = spec["automountServiceAccountToken"]?.GetValue<bool>() ?? sa?.Object["automountServiceAccountToken"]?.GetValue<bool>() ?? true;
        if (automount) MountToken(spec);
    }

    /// <summary>The validating plugins, after the kind's validation: LimitRanger's checks, then ResourceQuota.</summary>
    private void AdmitValidating(ResourceType t, string? ns, string name, JsonObject obj, JsonObject? old, WriteContext wc)
    {
        if (ns is null || !Admits(wc)) return;
        // Pod containers cannot change after the create, so LimitRanger checks pods once; claims on every write.
        if ((Quota.IsPod(t) && old is null) || (t.Kind == "PersistentVolumeClaim" && t.Group.Length == 0)) LimitRangerValidate(t, ns, name, obj);
        AdmitQuota(t, ns, name, obj, old);
    }

    /// <summary>An admission refusal: 403 "deployments.apps \"d\" is forbidden: why", with details {name, group, kind}.</summary>
    private static ApiError Forbidden(ResourceType t, string name, string why) => Auth.Rbac.Forbidden(t, name, why);

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

    /// <summary>The API's pod defaulting: a container's limit without a request requests the limit.</summary>
    private static void RequestsFromLimits(JsonObject spec)
    {
        foreach (var c in (spec["initContainers"] as JsonArray ?? []).Concat(spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (c["resources"]?["limits"] is not JsonObject limits) continue;
            var requests = c["resources"]!["requests"] as JsonObject ?? [];
            foreach (var (r, v) in limits)
                requests[r] ??= v?.DeepClone();
            c["resources"]!["requests"] = requests;
        }
    }

    /// <summary>
    /// LimitRanger's mutation: a container without a request or limit gets its LimitRange's defaultRequest and default
    /// (recorded in the kubernetes.io/limit-ranger annotation).
    /// </summary>
    private void LimitRangerDefaults(string ns, JsonObject pod, JsonObject spec)
    {
        var ranges = _store.List(LimitRanges, ns)
            .SelectMany(r => (r.Object["spec"]?["limits"] as JsonArray ?? []).OfType<JsonObject>()).Where(l => l["type"]?.GetValue<string>() == "Container").ToList();
        if (ranges.Count == 0) return;
        var notes = new List<string>();
        foreach (var c in (spec["initContainers"] as JsonArray ?? []).Concat(spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
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
        }
        if (notes.Count == 0) return;
        var meta = (JsonObject)pod["metadata"]!;
        var annotations = meta["annotations"] as JsonObject ?? [];
        meta["annotations"] = annotations;
        annotations["kubernetes.io/limit-ranger"] = "LimitRanger plugin set: " + string.Join("; ", notes);
    }

    /// <summary>A resource list as LimitRanger compares it: each amount with the text it is shown as.</summary>
    private sealed record Amounts(Dictionary<string, (decimal Value, string Text)> Items)
    {
        public static Amounts Of(JsonNode? list) =>
            new((list as JsonObject ?? []).Where(r => r.Value is not null).ToDictionary(r => r.Key, r => (Quota.Amount(r.Value), r.Value!.ToString()), StringComparer.Ordinal));

        public static Amounts Of(Dictionary<string, decimal> totals) =>
            new(totals.ToDictionary(r => r.Key, r => (r.Value, Quota.Format(r.Key, r.Value)), StringComparer.Ordinal));
    }

    /// <summary>
    /// LimitRanger's validation: the pod's containers (Container), its totals (Pod) or the claim's request
    /// (PersistentVolumeClaim) against each LimitRange's min, max and maxLimitRequestRatio. A LimitRange with
    /// violations refuses the write with all of them: one message, or several in brackets.
    /// </summary>
    private void LimitRangerValidate(ResourceType t, string ns, string name, JsonObject obj)
    {
        var claim = t.Kind == "PersistentVolumeClaim";
        var spec = obj["spec"] as JsonObject;
        foreach (var range in _store.List(LimitRanges, ns))
        {
            var errors = new List<string>();
            foreach (var item in (range.Object["spec"]?["limits"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var type = item["type"]?.GetValue<string>() ?? "";
                if (claim)
                {
                    if (type != "PersistentVolumeClaim") continue;
                    var requests = Amounts.Of(spec?["resources"]?["requests"]);
                    foreach (var (r, v) in item["min"] as JsonObject ?? []) MinConstraint(type, r, v!, requests, new([]), errors);
                    foreach (var (r, v) in item["max"] as JsonObject ?? []) MaxRequestConstraint(type, r, v!, requests, errors);
                }
                else if (type == "Container")
                {
                    foreach (var c in (spec?["containers"] as JsonArray ?? []).Concat(spec?["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
                        Constraints(type, item, Amounts.Of(c["resources"]?["requests"]), Amounts.Of(c["resources"]?["limits"]), errors);
                }
                else if (type == "Pod")
                    Constraints(type, item, Amounts.Of(Quota.PodTotals(spec, "requests", overhead: false)), Amounts.Of(Quota.PodTotals(spec, "limits", overhead: false)), errors);
            }
            var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
            if (distinct.Count == 1) throw Forbidden(t, name, distinct[0]);
            if (distinct.Count > 1) throw Forbidden(t, name, "[" + string.Join(", ", distinct) + "]");
        }
    }

    private static void Constraints(string type, JsonObject item, Amounts requests, Amounts limits, List<string> errors)
    {
        foreach (var (r, v) in item["min"] as JsonObject ?? []) MinConstraint(type, r, v!, requests, limits, errors);
        foreach (var (r, v) in item["max"] as JsonObject ?? []) MaxConstraint(type, r, v!, requests, limits, errors);
        foreach (var (r, v) in item["maxLimitRequestRatio"] as JsonObject ?? []) RatioConstraint(type, r, v!, requests, limits, errors);
    }

    private static void MinConstraint(string type, string r, JsonNode enforced, Amounts requests, Amounts limits, List<string> errors)
    {
        var min = Quota.Amount(enforced);
        if (!requests.Items.TryGetValue(r, out var req)) errors.Add($"minimum {r} usage per {type} is {enforced}.  No request is specified");
        else if (req.Value < min) errors.Add($"minimum {r} usage per {type} is {enforced}, but request is {req.Text}");
        else if (limits.Items.TryGetValue(r, out var lim) && lim.Value < min) errors.Add($"minimum {r} usage per {type} is {enforced}, but limit is {lim.Text}");
    }

    private static void MaxConstraint(string type, string r, JsonNode enforced, Amounts requests, Amounts limits, List<string> errors)
    {
        var max = Quota.Amount(enforced);
        if (!limits.Items.TryGetValue(r, out var lim)) errors.Add($"maximum {r} usage per {type} is {enforced}.  No limit is specified");
        else if (lim.Value > max) errors.Add($"maximum {r} usage per {type} is {enforced}, but limit is {lim.Text}");
        else if (requests.Items.TryGetValue(r, out var req) && req.Value > max) errors.Add($"maximum {r} usage per {type} is {enforced}, but request is {req.Text}");
    }

    /// <summary>The max of a claim, which has no limits: held against its request.</summary>
    private static void MaxRequestConstraint(string type, string r, JsonNode enforced, Amounts requests, List<string> errors)
    {
        if (!requests.Items.TryGetValue(r, out var req)) errors.Add($"maximum {r} usage per {type} is {enforced}.  No request is specified");
        else if (req.Value > Quota.Amount(enforced)) errors.Add($"maximum {r} usage per {type} is {enforced}, but request is {req.Text}");
    }

    private static void RatioConstraint(string type, string r, JsonNode enforced, Amounts requests, Amounts limits, List<string> errors)
    {
        if (!requests.Items.TryGetValue(r, out var req) || req.Value == 0)
            errors.Add($"{r} max limit to request ratio per {type} is {enforced}, but no request is specified or request is 0");
        else if (!limits.Items.TryGetValue(r, out var lim) || lim.Value == 0)
            errors.Add($"{r} max limit to request ratio per {type} is {enforced}, but no limit is specified or limit is 0");
        else if (lim.Value / req.Value > Quota.Amount(enforced))
            errors.Add($"{r} max limit to request ratio per {type} is {enforced}, but provided ratio is {(double)(lim.Value / req.Value):F6}");
    }

    /// <summary>
    /// ResourceQuota, the last plugin. A quota covers the write when its status.hard (what the quota controller has
    /// seen of its spec) names something the kind's evaluator tracks and its scopes select the object; a pod must state
    /// the compute resources a covering quota limits; then what the write adds (on an update: the growth over the old
    /// object) must fit each covering quota's hard limits, else 403 with the exceeded resources only, sorted.
    /// </summary>
    private void AdmitQuota(ResourceType t, string ns, string name, JsonObject obj, JsonObject? old)
    {
        if (old is not null && !Quota.ChargesUpdates(t)) return;
        var covering = new List<(StoredObject Quota, JsonObject Hard)>();
        foreach (var quota in _store.List(ResourceQuotas, ns))
        {
            if (quota.Object["status"]?["hard"] is not JsonObject hard || !Quota.Covers(t, obj, quota.Object, hard.Select(h => h.Key))) continue;
            if (Quota.IsPod(t) && Quota.Unstated(obj, hard.Select(h => h.Key).Where(k => Quota.Tracks(t, k))) is { } unstated)
                throw Forbidden(t, name, $"failed quota: {quota.Name}: must specify {unstated}");
            covering.Add((quota, hard));
        }
        if (covering.Count == 0) return;
        var delta = Quota.UsageOf(t, obj);
        if (old is not null)
        {
            var before = Quota.UsageOf(t, old);
            delta = delta.ToDictionary(d => d.Key, d => Math.Max(0, d.Value - before.GetValueOrDefault(d.Key)), StringComparer.Ordinal);
        }
        foreach (var (quota, hard) in covering)
        {
            var requested = delta.Where(d => d.Value != 0 && hard.ContainsKey(d.Key)).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
            if (requested.Count == 0) continue;
            var used = Quota.Used(_store, ns, quota.Object, requested.Keys);
            var exceeded = requested.Keys.Where(k => used.GetValueOrDefault(k) + requested[k] > Quota.Amount(hard[k])).Order(StringComparer.Ordinal).ToList();
            if (exceeded.Count == 0) continue;
            string List(Func<string, string> value) => string.Join(",", exceeded.Select(k => $"{k}={value(k)}"));
            throw Forbidden(t, name, $"exceeded quota: {quota.Name}, requested: {List(k => Quota.Format(k, requested[k]))}, used: {List(k => Quota.Format(k, used.GetValueOrDefault(k)))}, limited: {List(k => hard[k]!.ToString())}");
        }
    }
}
