using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// Defaulting and validation of the kinds beyond the contract's tables, as the v1.32 API reference and the registry
/// strategies document them: Jobs (with the generated selector), CronJobs, ReplicationControllers, PodTemplates,
/// HorizontalPodAutoscalers (autoscaling/v2), PriorityClasses, LimitRanges and EndpointSlices.
/// </summary>
public static partial class Admission
{
    private static void DefaultOther(ResourceType t, JsonObject o)
    {
        var spec = o["spec"] as JsonObject;
        switch (t.Kind)
        {
            case "Job":
                DefaultJob(o);
                break;
            case "CronJob":
                spec ??= Obj(o, "spec");
                spec["concurrencyPolicy"] ??= "Allow";
                spec["suspend"] ??= false;
                spec["successfulJobsHistoryLimit"] ??= 3;
                spec["failedJobsHistoryLimit"] ??= 1;
                DefaultPodTemplate(spec["jobTemplate"]?["spec"] as JsonObject);
                break;
            case "ReplicationController":
                spec ??= Obj(o, "spec");
                spec["replicas"] ??= 1;
                spec["minReadySeconds"] ??= 0;
                // The selector and the object's labels default to the template's labels.
                if (spec["template"]?["metadata"]?["labels"] is JsonObject tl && tl.Count > 0)
                {
                    if (spec["selector"] is not JsonObject { Count: > 0 }) spec["selector"] = tl.DeepClone();
                    if (o["metadata"]?["labels"] is not JsonObject { Count: > 0 }) Obj(o, "metadata")["labels"] = tl.DeepClone();
                }
                DefaultPodTemplate(spec);
                break;
            case "PodTemplate":
                if (o["template"]?["spec"] is JsonObject pts) DefaultPodSpec(pts);
                break;
            case "LimitRange":
                // A Container limit's default is its max, its defaultRequest the default, else the min.
                foreach (var item in (spec?["limits"] as JsonArray ?? []).OfType<JsonObject>().Where(l => l["type"]?.GetValue<string>() == "Container"))
                {
                    var limit = item["default"] as JsonObject ?? [];
                    var request = item["defaultRequest"] as JsonObject ?? [];
                    foreach (var (r, v) in item["max"] as JsonObject ?? []) limit[r] ??= v?.DeepClone();
                    foreach (var (r, v) in limit) request[r] ??= v?.DeepClone();
                    foreach (var (r, v) in item["min"] as JsonObject ?? []) request[r] ??= v?.DeepClone();
                    if (limit.Count > 0) item["default"] = limit;
                    if (request.Count > 0) item["defaultRequest"] = request;
                }
                break;
            case "HorizontalPodAutoscaler":
                spec ??= Obj(o, "spec");
                spec["minReplicas"] ??= 1;
                if (spec["metrics"] is not JsonArray { Count: > 0 })
                    spec["metrics"] = new JsonArray(new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 } } });
                // A given behavior is completed with the default scaling rules; an absent one stays absent.
                if (spec["behavior"] is JsonObject behavior)
                {
                    var up = Obj(behavior, "scaleUp");
                    up["stabilizationWindowSeconds"] ??= 0;
                    up["selectPolicy"] ??= "Max";
                    up["policies"] ??= new JsonArray(new JsonObject { ["type"] = "Pods", ["value"] = 4, ["periodSeconds"] = 15 }, new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 });
                    var down = Obj(behavior, "scaleDown");
                    down["stabilizationWindowSeconds"] ??= 300;
                    down["selectPolicy"] ??= "Max";
                    down["policies"] ??= new JsonArray(new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 });
                }
                break;
            case "PriorityClass":
                o["preemptionPolicy"] ??= "PreemptLowerPriority";
                break;
            case "CustomResourceDefinition":
                spec ??= Obj(o, "spec");
                var names = Obj(spec, "names");
                if (names["kind"]?.GetValue<string>() is { } kind)
                {
                    names["singular"] ??= kind.ToLowerInvariant();
                    names["listKind"] ??= kind + "List";
                }
                Obj(spec, "conversion")["strategy"] ??= "None";
                break;
        }
    }

    /// <summary>
    /// Job defaults (completions and parallelism 1 when both are unset, backoffLimit 6, completionMode NonIndexed,
    /// suspend false, podReplacementPolicy, labels from the template) and, on create, the generated selector with the
    /// controller-uid and job-name labels the registry adds unless manualSelector is true.
    /// </summary>
    private static void DefaultJob(JsonObject o)
    {
        var spec = Obj(o, "spec");
        if (spec["completions"] is null && spec["parallelism"] is null) spec["completions"] = 1;
        spec["parallelism"] ??= 1;
        spec["backoffLimit"] ??= spec["backoffLimitPerIndex"] is null ? 6 : int.MaxValue;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["podReplacementPolicy"] ??= spec["podFailurePolicy"] is null ? "TerminatingOrFailed" : "Failed";
        var meta = Obj(o, "metadata");
        if (spec["template"]?["metadata"]?["labels"] is JsonObject tl && meta["labels"] is not JsonObject { Count: > 0 }) meta["labels"] = tl.DeepClone();
        if (spec["selector"] is null && spec["manualSelector"]?.GetValue<bool>() != true && meta["uid"]?.GetValue<string>() is { } uid)
        {
            var name = meta["name"]!.GetValue<string>();
            spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
            var labels = Obj(Obj(Obj(spec, "template"), "metadata"), "labels");
            labels["batch.kubernetes.io/controller-uid"] = uid;
            labels["batch.kubernetes.io/job-name"] = name;
            labels["controller-uid"] = uid;
            labels["job-name"] = name;
        }
        DefaultPodTemplate(spec);
    }

    private static void ValidateOther(ResourceType t, JsonObject o, JsonObject? old, Errors e)
    {
        var spec = o["spec"] as JsonObject;
        var oldSpec = old?["spec"] as JsonObject;
        switch (t.Kind)
        {
            case "Job":
                ValidateJobSpec(spec, "spec", e);
                if (oldSpec is not null)
                    foreach (var f in new[] { "selector", "template", "completionMode" })
                        if (!JsonNode.DeepEquals(oldSpec[f], spec?[f]) && !(f == "template" && oldSpec["suspend"]?.GetValue<bool>() == true))
                            e.Invalid($"spec.{f}", spec?[f]?.ToJsonString(), "field is immutable");
                break;
            case "CronJob":
                if ((o["metadata"]?["name"]?.GetValue<string>()?.Length ?? 0) > 52) e.Invalid("metadata.name", o["metadata"]!["name"]!.GetValue<string>(), "must be no more than 52 characters");
                ValidateSchedule(spec?["schedule"]?.GetValue<string>(), e);
                if (spec?["concurrencyPolicy"]?.GetValue<string>() is { } cp && cp is not ("Allow" or "Forbid" or "Replace")) e.Unsupported("spec.concurrencyPolicy", cp, "\"Allow\", \"Forbid\", \"Replace\"");
                if (spec?["jobTemplate"]?["spec"] is not JsonObject jts) e.Required("spec.jobTemplate.spec");
                else ValidateJobSpec(jts, "spec.jobTemplate.spec", e, template: true);
                break;
            case "ReplicationController":
                var selector = spec?["selector"] as JsonObject;
                if (selector is null || selector.Count == 0) e.Required("spec.selector");
                var labels = spec?["template"]?["metadata"]?["labels"] as JsonObject;
                if (selector is not null && selector.Any(p => labels?[p.Key]?.GetValue<string>() != p.Value?.GetValue<string>()))
                    e.Invalid("spec.template.metadata.labels", labels?.ToJsonString() ?? "map[]", "`selector` does not match template `labels`");
                if (spec?["replicas"]?.AsInt() < 0) e.Invalid("spec.replicas", spec!["replicas"]!.AsInt(), "must be greater than or equal to 0");
                if (spec?["template"] is null) e.Required("spec.template");
                else ValidatePodSpec(spec["template"]?["spec"] as JsonObject, "spec.template.spec", e, requireAlways: true);
                break;
            case "PodTemplate":
                ValidatePodSpec(o["template"]?["spec"] as JsonObject, "template.spec", e, requireAlways: false);
                break;
            case "HorizontalPodAutoscaler":
                if (string.IsNullOrEmpty(spec?["scaleTargetRef"]?["kind"]?.GetValue<string>())) e.Required("spec.scaleTargetRef.kind");
                if (string.IsNullOrEmpty(spec?["scaleTargetRef"]?["name"]?.GetValue<string>())) e.Required("spec.scaleTargetRef.name");
                var max = spec?["maxReplicas"]?.AsInt() ?? 0;
                var min = spec?["minReplicas"]?.AsInt() ?? 1;
                if (max < 1) e.Invalid("spec.maxReplicas", max, "must be greater than or equal to 1");
                if (min < 1) e.Invalid("spec.minReplicas", min, "must be greater than or equal to 1");
                else if (max >= 1 && min > max) e.Invalid("spec.minReplicas", min, "must be less than or equal to maxReplicas");
                break;
            case "PriorityClass":
                var name = o["metadata"]?["name"]?.GetValue<string>() ?? "";
                var value = o["value"]?.AsLong() ?? 0;
                var system = name is "system-cluster-critical" or "system-node-critical";
                if (!system && name.StartsWith("system-", StringComparison.Ordinal)) e.Invalid("metadata.name", name, "priority class names with 'system-' prefix are reserved");
                if (!system && value > 1_000_000_000) e.Forbidden("value", "maximum allowed value of a user defined priority is 1000000000");
                if (o["preemptionPolicy"]?.GetValue<string>() is { } pp && pp is not ("PreemptLowerPriority" or "Never")) e.Unsupported("preemptionPolicy", pp, "\"Never\", \"PreemptLowerPriority\"");
                if (old is not null && old["value"]?.AsLong() != value) e.Forbidden("value", "may not be changed in an update.");
                break;
            case "LimitRange":
                var items = spec?["limits"] as JsonArray ?? [];
                for (var i = 0; i < items.Count; i++)
                    if (items[i]?["type"]?.GetValue<string>() is not ("Pod" or "Container" or "PersistentVolumeClaim"))
                        e.Unsupported($"spec.limits[{i}].type", items[i]?["type"]?.GetValue<string>() ?? "", "\"Container\", \"PersistentVolumeClaim\", \"Pod\"");
                break;
            case "CustomResourceDefinition":
                ValidateCrd(o, e);
                break;
            case "EndpointSlice":
                if (o["addressType"]?.GetValue<string>() is not { } at) e.Required("addressType");
                else if (at is not ("IPv4" or "IPv6" or "FQDN")) e.Unsupported("addressType", at, "\"FQDN\", \"IPv4\", \"IPv6\"");
                else if (old is not null && old["addressType"]?.GetValue<string>() != at) e.Invalid("addressType", at, "field is immutable");
                break;
        }
    }

    /// <summary>A v1 CRD: name plural.group, a group with a dot, a scope, served versions with structural schemas, one storage version.</summary>
    private static void ValidateCrd(JsonObject o, Errors e)
    {
        var spec = o["spec"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>() ?? "";
        var plural = spec?["names"]?["plural"]?.GetValue<string>() ?? "";
        var name = o["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (name != $"{plural}.{group}") e.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group");
        if (group.Length == 0) e.Required("spec.group");
        else if (!group.Contains('.', StringComparison.Ordinal)) e.Invalid("spec.group", group, "should be a domain with at least one dot");
        if (plural.Length == 0) e.Required("spec.names.plural");
        if (string.IsNullOrEmpty(spec?["names"]?["kind"]?.GetValue<string>())) e.Required("spec.names.kind");
        if (spec?["scope"]?.GetValue<string>() is not ("Namespaced" or "Cluster")) e.Unsupported("spec.scope", spec?["scope"]?.GetValue<string>() ?? "", "\"Cluster\", \"Namespaced\"");
        var versions = spec?["versions"] as JsonArray ?? [];
        if (versions.Count == 0) e.Required("spec.versions", "must have exactly one version marked as storage version");
        else if (versions.Count(v => v?["storage"]?.GetValue<bool>() == true) != 1) e.Invalid("spec.versions", versions.Count(v => v?["storage"]?.GetValue<bool>() == true), "must have exactly one version marked as storage version");
        for (var i = 0; i < versions.Count; i++)
            if (versions[i]?["schema"]?["openAPIV3Schema"] is null) e.Required($"spec.versions[{i}].schema.openAPIV3Schema", "schemas are required");
        e.AddRange(Cel.ValidationRules.ValidateCrd(spec));
    }

    private static void ValidateJobSpec(JsonObject? spec, string f, Errors e, bool template = false)
    {
        foreach (var k in new[] { "parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished" })
            if (spec?[k]?.AsLong() < 0) e.Invalid($"{f}.{k}", spec![k]!.AsLong(), "must be greater than or equal to 0");
        if (spec?["completionMode"]?.GetValue<string>() is { } cm && cm is not ("NonIndexed" or "Indexed")) e.Unsupported($"{f}.completionMode", cm, "\"NonIndexed\", \"Indexed\"");
        if (spec?["completionMode"]?.GetValue<string>() == "Indexed" && spec["completions"] is null) e.Required($"{f}.completions", "when completion mode is Indexed");
        if (!template && spec?["manualSelector"]?.GetValue<bool>() == true && spec["selector"] is null) e.Required($"{f}.selector");
        var ps = spec?["template"]?["spec"] as JsonObject;
        var rp = ps?["restartPolicy"]?.GetValue<string>();
        if (rp is not ("OnFailure" or "Never")) e.Unsupported($"{f}.template.spec.restartPolicy", rp ?? "", "\"OnFailure\", \"Never\"");
        ValidatePodSpec(ps, $"{f}.template.spec", e, requireAlways: false);
    }

    /// <summary>A CronJob schedule: five fields or a descriptor (@hourly, …), no TZ prefix (the timeZone field is for that).</summary>
    private static void ValidateSchedule(string? schedule, Errors e)
    {
        if (string.IsNullOrEmpty(schedule)) { e.Required("spec.schedule"); return; }
        if (schedule.StartsWith("TZ=", StringComparison.Ordinal) || schedule.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            e.Invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
            return;
        }
        if (CronSchedule.Parse(schedule, out var error) is null) e.Invalid("spec.schedule", schedule, error!);
    }
}
