using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// autoscaling/v1 HorizontalPodAutoscalers are the stored autoscaling/v2 ones in the older shape, converted as a v1.32
/// server converts them: the CPU utilization target and current value in the v1 fields, and what v1 has no field
/// for in annotations (JSON text): the other metrics in the v1 MetricSpec shape (autoscaling.alpha.kubernetes.io/metrics),
/// every current metric (current-metrics), the conditions (conditions) and the behavior (behavior, in the internal
/// type's Go field names, as upstream marshals it). Coming in, the annotations become the fields again and are dropped,
/// so a v1 GET then PUT keeps what only v2 shows.
/// </summary>
internal sealed class HpaV1View : RequestView
{
    public static readonly ResourceType V1 = ResourceTypes.Find("autoscaling", "v1", "horizontalpodautoscalers")!;
    public static readonly ResourceType V2 = ResourceTypes.Find("autoscaling", "v2", "horizontalpodautoscalers")!;
    private static readonly HpaV1View Instance = new();

    private const string MetricsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
    private const string CurrentMetricsAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";
    private const string ConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";
    private const string BehaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior";
    private static readonly string[] RoundTrip = [MetricsAnnotation, CurrentMetricsAnnotation, ConditionsAnnotation, BehaviorAnnotation];

    /// <summary>Compact JSON as Go's encoder writes these annotations (no escaping of ordinary characters).</summary>
    private static readonly JsonSerializerOptions GoJson = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override string ApiVersion => V1.GroupVersion;

    public static ResourceType Enter(HttpContext ctx) => Enter(ctx, Instance, V2);

    public override JsonObject In(JsonObject v1, bool creating) => ToV2(v1);

    /// <summary>A v1 object in the v2 shape (also what the table printer reads).</summary>
    public static JsonObject ToV2(JsonObject v1)
    {
        var v2 = (JsonObject)v1.DeepClone();
        v2["apiVersion"] = V2.GroupVersion;
        var annotations = v2["metadata"]?["annotations"] as JsonObject;
        if (v2["spec"] is JsonObject spec)
        {
            var metrics = new JsonArray();
            // The other metrics come first, then the CPU target of the v1 field.
            if (Parse(annotations, MetricsAnnotation) is JsonArray others)
                foreach (var m in others.OfType<JsonObject>()) metrics.Add(MetricSpecToV2(m));
            if (spec["targetCPUUtilizationPercentage"] is { } target)
                metrics.Add(CpuMetric("target", new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = target.DeepClone() }));
            spec.Remove("targetCPUUtilizationPercentage");
            if (metrics.Count > 0) spec["metrics"] = metrics;
            if (Parse(annotations, BehaviorAnnotation) is JsonObject behavior && BehaviorToV2(behavior) is { } b) spec["behavior"] = b;
        }
        if (v2["status"] is JsonObject status)
        {
            var current = status["currentCPUUtilizationPercentage"];
            status.Remove("currentCPUUtilizationPercentage");
            // The annotation's current metrics have more than the v1 field (the raw value too); they win.
            if (Parse(annotations, CurrentMetricsAnnotation) is JsonArray currents)
                status["currentMetrics"] = new JsonArray(currents.OfType<JsonObject>().Select(m => (JsonNode?)MetricStatusToV2(m)).ToArray());
            else if (current is not null)
                status["currentMetrics"] = new JsonArray(CpuMetric("current", new JsonObject { ["averageUtilization"] = current.DeepClone() }));
            if (Parse(annotations, ConditionsAnnotation) is JsonArray conditions) status["conditions"] = conditions.DeepClone();
        }
        if (annotations is not null)
        {
            foreach (var a in RoundTrip) annotations.Remove(a);
            if (annotations.Count == 0) ((JsonObject)v2["metadata"]!).Remove("annotations");
        }
        return v2;
    }

    public override JsonObject Out(JsonObject v2)
    {
        var v1 = (JsonObject)v2.DeepClone();
        if (v1["apiVersion"] is not null) v1["apiVersion"] = V1.GroupVersion;
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (v1["spec"] is JsonObject spec)
        {
            var metrics = (spec["metrics"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var cpu = metrics.FirstOrDefault(m => IsCpu(m) && m["resource"]?["target"]?["averageUtilization"] is not null)?["resource"]?["target"]?["averageUtilization"];
            var others = metrics.Where(m => !(IsCpu(m) && m["resource"]?["target"]?["averageUtilization"] is not null)).Select(m => (JsonNode?)MetricSpecToV1(m)).ToArray();
            if (others.Length > 0) notes[MetricsAnnotation] = new JsonArray(others).ToJsonString(GoJson);
            if (spec["behavior"] is JsonObject behavior) notes[BehaviorAnnotation] = BehaviorToInternal(behavior).ToJsonString(GoJson);
            spec.Remove("metrics");
            spec.Remove("behavior");
            if (cpu is not null) spec["targetCPUUtilizationPercentage"] = cpu.DeepClone();
        }
        if (v1["status"] is JsonObject status)
        {
            var currents = (status["currentMetrics"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            // The last CPU metric with a utilization (upstream's loop does not stop at the first).
            var cpu = currents.LastOrDefault(m => IsCpu(m) && m["resource"]?["current"]?["averageUtilization"] is not null)?["resource"]?["current"]?["averageUtilization"];
            // Every current metric, the CPU one too, for its raw value.
            if (currents.Count > 0) notes[CurrentMetricsAnnotation] = new JsonArray(currents.Select(m => (JsonNode?)MetricStatusToV1(m)).ToArray()).ToJsonString(GoJson);
            if (status["conditions"] is JsonArray { Count: > 0 } conditions)
                notes[ConditionsAnnotation] = new JsonArray(conditions.OfType<JsonObject>().Select(c => (JsonNode?)Ordered(c, ["type", "status", "lastTransitionTime", "reason", "message"], keepNull: "lastTransitionTime")).ToArray()).ToJsonString(GoJson);
            status.Remove("currentMetrics");
            status.Remove("conditions");
            if (cpu is not null) status["currentCPUUtilizationPercentage"] = cpu.DeepClone();
        }
        if (v1["metadata"] is JsonObject meta)
        {
            var annotations = meta["annotations"] as JsonObject;
            // Round-trip annotations on the stored object are not passed on: only the ones the conversion makes.
            foreach (var a in RoundTrip) annotations?.Remove(a);
            if (notes.Count > 0)
            {
                annotations ??= [];
                foreach (var (k, v) in notes.OrderBy(n => n.Key, StringComparer.Ordinal)) annotations[k] = v;
            }
            if (annotations is { Count: > 0 }) meta["annotations"] = annotations; else meta.Remove("annotations");
        }
        return v1;
    }

    /// <summary>An annotation's JSON; one that does not decode is ignored, as the conversion ignores it.</summary>
    private static JsonNode? Parse(JsonObject? annotations, string key) => ParseOrNull(annotations?[key]?.GetValue<string>());

    private static JsonNode? ParseOrNull(string? text)
    {
        try
        {
            return text is null ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsCpu(JsonNode? m) => m?["type"]?.GetValue<string>() == "Resource" && m["resource"]?["name"]?.GetValue<string>() == "cpu";

    private static JsonObject CpuMetric(string field, JsonObject value) =>
        new() { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", [field] = value } };

    /// <summary>The fields in Go's order; absent ones left out, except <paramref name="keepNull"/> (a struct: null when zero).</summary>
    private static JsonObject Ordered(JsonObject from, string[] keys, string? keepNull = null)
    {
        var o = new JsonObject();
        foreach (var k in keys)
            if (from[k] is { } v) o[k] = v.DeepClone();
            else if (k == keepNull) o[k] = null;
        return o;
    }

    /// <summary>A CrossVersionObjectReference: kind and name always (no omitempty), apiVersion when set.</summary>
    private static JsonObject Reference(JsonNode? r) => Drop(new JsonObject
    {
        ["kind"] = r?["kind"]?.DeepClone() ?? "", ["name"] = r?["name"]?.DeepClone() ?? "", ["apiVersion"] = r?["apiVersion"]?.DeepClone(),
    });

    private static JsonNode Zero(JsonNode? q) => q?.DeepClone() ?? "0";

    /// <summary>A v2 MetricSpec as autoscaling/v1's MetricSpec (the annotation's shape).</summary>
    private static JsonObject MetricSpecToV1(JsonObject m)
    {
        var type = m["type"]?.GetValue<string>() ?? "";
        var o = new JsonObject { ["type"] = type };
        JsonNode? Sel(JsonNode? s) => s?.DeepClone();
        switch (type)
        {
            case "Object" when m["object"] is JsonObject x:
                o["object"] = Drop(new JsonObject
                {
                    ["target"] = Reference(x["describedObject"]),
                    ["metricName"] = x["metric"]?["name"]?.DeepClone() ?? "",
                    ["targetValue"] = Zero(x["target"]?["value"]),
                    ["selector"] = Sel(x["metric"]?["selector"]),
                    ["averageValue"] = x["target"]?["averageValue"]?.DeepClone(),
                });
                break;
            case "Pods" when m["pods"] is JsonObject x:
                o["pods"] = Drop(new JsonObject { ["metricName"] = x["metric"]?["name"]?.DeepClone() ?? "", ["targetAverageValue"] = Zero(x["target"]?["averageValue"]), ["selector"] = Sel(x["metric"]?["selector"]) });
                break;
            case "Resource" when m["resource"] is JsonObject x:
                o["resource"] = Drop(new JsonObject { ["name"] = x["name"]?.DeepClone(), ["targetAverageUtilization"] = x["target"]?["averageUtilization"]?.DeepClone(), ["targetAverageValue"] = x["target"]?["averageValue"]?.DeepClone() });
                break;
            case "ContainerResource" when m["containerResource"] is JsonObject x:
                o["containerResource"] = Drop(new JsonObject { ["name"] = x["name"]?.DeepClone(), ["targetAverageUtilization"] = x["target"]?["averageUtilization"]?.DeepClone(), ["targetAverageValue"] = x["target"]?["averageValue"]?.DeepClone(), ["container"] = x["container"]?.DeepClone() ?? "" });
                break;
            case "External" when m["external"] is JsonObject x:
                o["external"] = Drop(new JsonObject { ["metricName"] = x["metric"]?["name"]?.DeepClone() ?? "", ["metricSelector"] = Sel(x["metric"]?["selector"]), ["targetValue"] = x["target"]?["value"]?.DeepClone(), ["targetAverageValue"] = x["target"]?["averageValue"]?.DeepClone() });
                break;
        }
        return o;
    }

    /// <summary>An autoscaling/v1 MetricSpec (from the annotation) as v2's.</summary>
    private static JsonObject MetricSpecToV2(JsonObject m)
    {
        var type = m["type"]?.GetValue<string>() ?? "";
        var o = new JsonObject { ["type"] = type };
        static JsonObject Metric(JsonNode? name, JsonNode? selector) => Drop(new JsonObject { ["name"] = name?.DeepClone() ?? "", ["selector"] = selector?.DeepClone() });
        static JsonObject ResourceTarget(JsonObject x) => Drop(new JsonObject
        {
            ["type"] = x["targetAverageUtilization"] is null ? "AverageValue" : "Utilization",
            ["averageValue"] = x["targetAverageValue"]?.DeepClone(), ["averageUtilization"] = x["targetAverageUtilization"]?.DeepClone(),
        });
        switch (type)
        {
            case "Object" when m["object"] is JsonObject x:
                o["object"] = new JsonObject
                {
                    ["describedObject"] = Reference(x["target"]),
                    ["metric"] = Metric(x["metricName"], x["selector"]),
                    ["target"] = Drop(new JsonObject { ["type"] = x["averageValue"] is null ? "Value" : "AverageValue", ["value"] = Zero(x["targetValue"]), ["averageValue"] = x["averageValue"]?.DeepClone() }),
                };
                break;
            case "Pods" when m["pods"] is JsonObject x:
                o["pods"] = new JsonObject { ["metric"] = Metric(x["metricName"], x["selector"]), ["target"] = new JsonObject { ["type"] = "AverageValue", ["averageValue"] = Zero(x["targetAverageValue"]) } };
                break;
            case "Resource" when m["resource"] is JsonObject x:
                o["resource"] = new JsonObject { ["name"] = x["name"]?.DeepClone(), ["target"] = ResourceTarget(x) };
                break;
            case "ContainerResource" when m["containerResource"] is JsonObject x:
                o["containerResource"] = new JsonObject { ["name"] = x["name"]?.DeepClone(), ["target"] = ResourceTarget(x), ["container"] = x["container"]?.DeepClone() ?? "" };
                break;
            case "External" when m["external"] is JsonObject x:
                o["external"] = new JsonObject
                {
                    ["metric"] = Metric(x["metricName"], x["metricSelector"]),
                    ["target"] = Drop(new JsonObject { ["type"] = x["targetValue"] is null ? "AverageValue" : "Value", ["value"] = x["targetValue"]?.DeepClone(), ["averageValue"] = x["targetAverageValue"]?.DeepClone() }),
                };
                break;
        }
        return o;
    }

    /// <summary>A v2 MetricStatus as autoscaling/v1's.</summary>
    private static JsonObject MetricStatusToV1(JsonObject m)
    {
        var type = m["type"]?.GetValue<string>() ?? "";
        var o = new JsonObject { ["type"] = type };
        switch (type)
        {
            case "Object" when m["object"] is JsonObject x:
                o["object"] = Drop(new JsonObject
                {
                    ["target"] = Reference(x["describedObject"]),
                    ["metricName"] = x["metric"]?["name"]?.DeepClone() ?? "",
                    ["currentValue"] = Zero(x["current"]?["value"]),
                    ["selector"] = x["metric"]?["selector"]?.DeepClone(),
                    ["averageValue"] = x["current"]?["averageValue"]?.DeepClone(),
                });
                break;
            case "Pods" when m["pods"] is JsonObject x:
                o["pods"] = Drop(new JsonObject { ["metricName"] = x["metric"]?["name"]?.DeepClone() ?? "", ["currentAverageValue"] = Zero(x["current"]?["averageValue"]), ["selector"] = x["metric"]?["selector"]?.DeepClone() });
                break;
            case "Resource" when m["resource"] is JsonObject x:
                o["resource"] = Drop(new JsonObject { ["name"] = x["name"]?.DeepClone(), ["currentAverageUtilization"] = x["current"]?["averageUtilization"]?.DeepClone(), ["currentAverageValue"] = Zero(x["current"]?["averageValue"]) });
                break;
            case "ContainerResource" when m["containerResource"] is JsonObject x:
                o["containerResource"] = Drop(new JsonObject { ["name"] = x["name"]?.DeepClone(), ["currentAverageUtilization"] = x["current"]?["averageUtilization"]?.DeepClone(), ["currentAverageValue"] = Zero(x["current"]?["averageValue"]), ["container"] = x["container"]?.DeepClone() ?? "" });
                break;
            case "External" when m["external"] is JsonObject x:
                o["external"] = Drop(new JsonObject { ["metricName"] = x["metric"]?["name"]?.DeepClone() ?? "", ["metricSelector"] = x["metric"]?["selector"]?.DeepClone(), ["currentValue"] = Zero(x["current"]?["value"]), ["currentAverageValue"] = x["current"]?["averageValue"]?.DeepClone() });
                break;
        }
        return o;
    }

    /// <summary>An autoscaling/v1 MetricStatus (from the annotation) as v2's.</summary>
    private static JsonObject MetricStatusToV2(JsonObject m)
    {
        var type = m["type"]?.GetValue<string>() ?? "";
        var o = new JsonObject { ["type"] = type };
        static JsonObject Metric(JsonNode? name, JsonNode? selector) => Drop(new JsonObject { ["name"] = name?.DeepClone() ?? "", ["selector"] = selector?.DeepClone() });
        switch (type)
        {
            case "Object" when m["object"] is JsonObject x:
                o["object"] = new JsonObject
                {
                    ["metric"] = Metric(x["metricName"], x["selector"]),
                    ["current"] = Drop(new JsonObject { ["value"] = Zero(x["currentValue"]), ["averageValue"] = x["averageValue"]?.DeepClone() }),
                    ["describedObject"] = Reference(x["target"]),
                };
                break;
            case "Pods" when m["pods"] is JsonObject x:
                o["pods"] = new JsonObject { ["metric"] = Metric(x["metricName"], x["selector"]), ["current"] = new JsonObject { ["averageValue"] = Zero(x["currentAverageValue"]) } };
                break;
            case "Resource" when m["resource"] is JsonObject x:
                o["resource"] = new JsonObject { ["name"] = x["name"]?.DeepClone(), ["current"] = Drop(new JsonObject { ["averageValue"] = Zero(x["currentAverageValue"]), ["averageUtilization"] = x["currentAverageUtilization"]?.DeepClone() }) };
                break;
            case "ContainerResource" when m["containerResource"] is JsonObject x:
                o["containerResource"] = new JsonObject { ["name"] = x["name"]?.DeepClone(), ["container"] = x["container"]?.DeepClone() ?? "", ["current"] = Drop(new JsonObject { ["averageValue"] = Zero(x["currentAverageValue"]), ["averageUtilization"] = x["currentAverageUtilization"]?.DeepClone() }) };
                break;
            case "External" when m["external"] is JsonObject x:
                o["external"] = new JsonObject { ["metric"] = Metric(x["metricName"], x["metricSelector"]), ["current"] = Drop(new JsonObject { ["value"] = Zero(x["currentValue"]), ["averageValue"] = x["currentAverageValue"]?.DeepClone() }) };
                break;
        }
        return o;
    }

    /// <summary>v2's behavior as upstream marshals the internal type: Go field names, nil pointers as null.</summary>
    private static JsonObject BehaviorToInternal(JsonObject b)
    {
        static JsonNode? Rules(JsonNode? r) => r is not JsonObject o ? null : new JsonObject
        {
            ["StabilizationWindowSeconds"] = o["stabilizationWindowSeconds"]?.DeepClone(),
            ["SelectPolicy"] = o["selectPolicy"]?.DeepClone(),
            ["Policies"] = o["policies"] is JsonArray p
                ? new JsonArray(p.OfType<JsonObject>().Select(x => (JsonNode?)new JsonObject { ["Type"] = x["type"]?.DeepClone(), ["Value"] = x["value"]?.DeepClone() ?? 0, ["PeriodSeconds"] = x["periodSeconds"]?.DeepClone() ?? 0 }).ToArray())
                : null,
        };
        return new JsonObject { ["ScaleUp"] = Rules(b["scaleUp"]), ["ScaleDown"] = Rules(b["scaleDown"]) };
    }

    /// <summary>The behavior annotation as v2's field (Go's decoder matches field names without regard to case); null when empty.</summary>
    private static JsonObject? BehaviorToV2(JsonObject internalBehavior)
    {
        static JsonNode? Field(JsonObject o, string name) => o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        static JsonObject? Rules(JsonNode? r)
        {
            if (r is not JsonObject o) return null;
            var rules = Drop(new JsonObject
            {
                ["stabilizationWindowSeconds"] = Field(o, "stabilizationWindowSeconds")?.DeepClone(),
                ["selectPolicy"] = Field(o, "selectPolicy")?.DeepClone(),
                ["policies"] = Field(o, "policies") is JsonArray p
                    ? new JsonArray(p.OfType<JsonObject>().Select(x => (JsonNode?)new JsonObject { ["type"] = Field(x, "type")?.DeepClone(), ["value"] = Field(x, "value")?.DeepClone() ?? 0, ["periodSeconds"] = Field(x, "periodSeconds")?.DeepClone() ?? 0 }).ToArray())
                    : null,
            });
            return rules;
        }
        var behavior = Drop(new JsonObject { ["scaleUp"] = Rules(Field(internalBehavior, "scaleUp")), ["scaleDown"] = Rules(Field(internalBehavior, "scaleDown")) });
        return behavior.Count == 0 ? null : behavior;
    }

    /// <summary>The object without its null fields (Go's omitempty on pointers).</summary>
    private static JsonObject Drop(JsonObject o)
    {
        foreach (var k in o.Where(p => p.Value is null).Select(p => p.Key).ToList()) o.Remove(k);
        return o;
    }
}
