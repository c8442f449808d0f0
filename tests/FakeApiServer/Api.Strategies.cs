using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// What the registry's strategies do to an object on create (PrepareForCreate) beyond defaulting, and the
/// CertificateSigningRequest approval subresource.
/// </summary>
public sealed partial class Api
{
    /// <summary>
    /// A new Pod starts Pending with its QoS class (whatever status the client sent is dropped); a new
    /// CertificateSigningRequest records who asked for it (spec.username, uid, groups, extra) and starts with an empty status.
    /// </summary>
    private static void PrepareForCreate(ResourceType t, JsonObject obj, Auth.UserInfo? user)
    {
        switch (t.Kind)
        {
            case "Pod":
                obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(obj["spec"]) };
                break;
            case "CertificateSigningRequest" when obj["spec"] is JsonObject spec:
                foreach (var f in new[] { "username", "uid", "groups", "extra" }) spec.Remove(f);
                if (user is not null)
                {
                    spec["username"] = user.Name;
                    if (user.Uid.Length > 0) spec["uid"] = user.Uid;
                    spec["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode?)g).ToArray());
                    if (user.Extra is { Count: > 0 } extra)
                        spec["extra"] = new JsonObject(extra.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)new JsonArray(e.Value.Select(v => (JsonNode?)v).ToArray()))));
                }
                obj["status"] = new JsonObject();
                break;
        }
    }

    /// <summary>The pod's QoS class from its containers' cpu and memory requests and limits (a request left out is the limit).</summary>
    internal static string QosClass(JsonNode? spec)
    {
        var containers = (spec?["containers"] as JsonArray ?? []).Concat(spec?["initContainers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var any = false;
        var guaranteed = true;
        foreach (var c in containers)
        {
            var requests = c["resources"]?["requests"] as JsonObject;
            var limits = c["resources"]?["limits"] as JsonObject;
            foreach (var r in new[] { "cpu", "memory" })
            {
                var limit = limits?[r]?.ToString();
                var request = requests?[r]?.ToString() ?? limit;
                if (request is not null || limit is not null) any = true;
                if (limit is null || request != limit) guaranteed = false;
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    /// <summary>
    /// PUT …/certificatesigningrequests/NAME/approval: only status.conditions change (spec and the rest of the status are
    /// kept), new conditions get their timestamps, and Approved and Denied may not both be present.
    /// </summary>
    private (JsonObject Object, List<string> Warnings) Approve(ResourceType t, string name, JsonObject body, StoredObject existing, WriteContext wc)
    {
        var conditions = body["status"]?["conditions"] as JsonArray ?? [];
        var previous = existing.Object["status"]?["conditions"] as JsonArray ?? [];
        var types = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<(string, string, string)>();
        for (var i = 0; i < conditions.Count; i++)
        {
            if (conditions[i] is not JsonObject c) continue;
            var type = c["type"]?.GetValue<string>() ?? "";
            if (!types.Add(type)) errors.Add(($"status.conditions[{i}].type", "Duplicate value", $"\"{type}\""));
            if ((type == "Approved" && types.Contains("Denied")) || (type == "Denied" && types.Contains("Approved")))
                errors.Add(($"status.conditions[{i}].type", "Invalid value", $"\"{type}\": Approved and Denied conditions are mutually exclusive"));
            if (c["status"] is null) errors.Add(($"status.conditions[{i}].status", "Required value", ""));
            var before = previous.OfType<JsonObject>().FirstOrDefault(p => p["type"]?.GetValue<string>() == type);
            c["lastUpdateTime"] ??= before?["lastUpdateTime"]?.DeepClone() ?? Now();
            c["lastTransitionTime"] ??= before is not null && before["status"]?.ToString() == c["status"]?.ToString() ? before["lastTransitionTime"]?.DeepClone() : Now();
        }
        if (errors.Count > 0) throw ApiError.Invalid(t, name, errors);
        var updated = (JsonObject)existing.Object.DeepClone();
        var status = updated["status"] as JsonObject ?? new JsonObject();
        updated["status"] = status;
        status["conditions"] = conditions.DeepClone();
        var (obj, _) = Commit(t, null, name, updated, existing, wc with { IsStatus = true, Subresource = "approval" }, null);
        return (obj, wc.Warnings);
    }

    private static readonly ResourceType EvictionType = new("policy", "v1", "eviction", "eviction", "Eviction", true, [], [], false);

    /// <summary>
    /// POST …/pods/NAME/eviction: a running pod that a PodDisruptionBudget covers is not evicted while the budget allows
    /// no disruption (429); otherwise the pod is deleted with the eviction's delete options (dry run included).
    /// Pending and finished pods ignore budgets.
    /// </summary>
    private async Task EvictAsync(HttpContext ctx, ResourceType t, string ns, string name)
    {
        var body = await Wire.MediaTypes.ReadObjectAsync(ctx, EvictionType).ConfigureAwait(false) as JsonObject ?? throw ApiError.BadRequest("the body must be an object");
        var pod = _store.Get(t, ns, name) ?? throw ApiError.NotFound(t, name);
        var opts = body["deleteOptions"] as JsonObject;
        var dryRun = DryRun(ctx, "CreateOptions") || (opts?["dryRun"] as JsonArray)?.Any(v => v?.GetValue<string>() == "All") == true;
        var phase = pod.Object["status"]?["phase"]?.GetValue<string>();
        if (phase is "Running" or "Unknown" && pod.Object["metadata"]?["deletionTimestamp"] is null)
        {
            var labels = pod.Object["metadata"]?["labels"] as JsonObject;
            foreach (var pdb in _store.List(ResourceTypes.Find("policy", "v1", "poddisruptionbudgets")!, ns))
            {
                if (pdb.Object["spec"]?["selector"]?["matchLabels"] is not JsonObject match || match.Count == 0
                    || match.Any(m => labels?[m.Key]?.GetValue<string>() != m.Value?.GetValue<string>())) continue;
                if ((pdb.Object["status"]?["disruptionsAllowed"]?.AsInt() ?? 0) > 0) continue;
                throw new ApiError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", new JsonObject
                {
                    ["causes"] = new JsonArray(new JsonObject { ["reason"] = "DisruptionBudget", ["message"] = $"The disruption budget {pdb.Name} needs {pdb.Object["status"]?["desiredHealthy"]?.AsInt() ?? 0} healthy pods and has {pdb.Object["status"]?["currentHealthy"]?.AsInt() ?? 0} currently" }),
                });
            }
        }
        if (!dryRun) Delete(pod);
        await WriteAsync(ctx, 201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 }).ConfigureAwait(false);
    }
}
