using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// A request answered from another type's storage, as a real server serves one storage in several versions: the API
/// works on the stored type; what the client sends is converted in, and every object it gets back is converted out.
/// </summary>
internal abstract class RequestView
{
    private const string Key = "request-view";

    /// <summary>The apiVersion the client asked for.</summary>
    public abstract string ApiVersion { get; }

    public static RequestView? Of(HttpContext ctx) => ctx.Items[Key] as RequestView;

    protected static ResourceType Enter(HttpContext ctx, RequestView view, ResourceType storage)
    {
        ctx.Items[Key] = view;
        return storage;
    }

    /// <summary>An object in the requested version as the stored type; <paramref name="creating"/> for creates and applies.</summary>
    public abstract JsonObject In(JsonObject requested, bool creating);

    /// <summary>A stored object in the requested version.</summary>
    public abstract JsonObject Out(JsonObject stored);

    /// <summary>A response body: an object or a list of them converted; anything else (Status, a Table or partial metadata, all meta.k8s.io) as it is.</summary>
    public JsonNode OutBody(JsonNode body)
    {
        if (body is not JsonObject o || o["kind"]?.GetValue<string>() == "Status" || o["apiVersion"]?.GetValue<string>() == "meta.k8s.io/v1") return body;
        if (o["items"] is JsonArray items && o["kind"]?.GetValue<string>()?.EndsWith("List", StringComparison.Ordinal) == true)
        {
            var list = (JsonObject)o.DeepClone();
            list["apiVersion"] = ApiVersion;
            list["items"] = new JsonArray(items.Select(i => (JsonNode?)Out((JsonObject)i!)).ToArray());
            return list;
        }
        return Out(o);
    }
}

/// <summary>A non-storage version of a custom resource (conversion strategy None: only apiVersion changes).</summary>
internal sealed class VersionView(ResourceType requested, ResourceType storage) : RequestView
{
    public override string ApiVersion => requested.GroupVersion;

    public static ResourceType Enter(HttpContext ctx, ResourceType requested, ResourceType storage) => Enter(ctx, new VersionView(requested, storage), storage);

    public override JsonObject In(JsonObject o, bool creating) => WithVersion(o, storage.GroupVersion);

    public override JsonObject Out(JsonObject o) => WithVersion(o, requested.GroupVersion);

    private static JsonObject WithVersion(JsonObject o, string apiVersion)
    {
        var copy = (JsonObject)o.DeepClone();
        if (copy["apiVersion"] is not null) copy["apiVersion"] = apiVersion;
        return copy;
    }
}

/// <summary>
/// events.k8s.io/v1 Events are the core v1 Events in another shape (regarding ⇄ involvedObject, note ⇄ message,
/// reportingController ⇄ reportingComponent, deprecatedSource/FirstTimestamp/LastTimestamp/Count ⇄
/// source/firstTimestamp/lastTimestamp/count); a new one must carry what events.k8s.io requires.
/// </summary>
internal sealed class EventsView : RequestView
{
    public static readonly ResourceType Core = ResourceTypes.Find("", "v1", "events")!;
    public static readonly ResourceType V1 = ResourceTypes.Find("events.k8s.io", "v1", "events")!;
    private static readonly EventsView Instance = new();

    // (events.k8s.io field, core field)
    private static readonly (string View, string Core)[] Renames =
    [
        ("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"), ("deprecatedCount", "count"),
    ];

    public override string ApiVersion => V1.GroupVersion;

    public static ResourceType Enter(HttpContext ctx) => Enter(ctx, Instance, Core);

    public override JsonObject In(JsonObject view, bool creating)
    {
        if (creating) Validate(view);
        var core = Rename(view, r => r.View, r => r.Core);
        core["apiVersion"] = Core.GroupVersion;
        return core;
    }

    public override JsonObject Out(JsonObject core)
    {
        var view = Rename(core, r => r.Core, r => r.View);
        if (view["apiVersion"] is not null) view["apiVersion"] = V1.GroupVersion;
        return view;
    }

    private static JsonObject Rename(JsonObject from, Func<(string View, string Core), string> src, Func<(string View, string Core), string> dst)
    {
        var to = (JsonObject)from.DeepClone();
        foreach (var r in Renames)
            if (to[src(r)] is { } v)
            {
                to.Remove(src(r));
                to[dst(r)] = v.DeepClone();
            }
        return to;
    }

    /// <summary>What events.k8s.io/v1 requires of a new Event beyond the core version (the reporting fields and eventTime).</summary>
    private static void Validate(JsonObject e)
    {
        var errors = new List<(string, string, string)>();
        foreach (var f in new[] { "eventTime", "reportingController", "reportingInstance", "action", "reason" })
            if (string.IsNullOrEmpty(e[f]?.ToString())) errors.Add((f, "Required value", ""));
        if (e["type"]?.GetValue<string>() is var type && type is not ("Normal" or "Warning"))
            errors.Add(("type", "Unsupported value", $"\"{type}\": supported values: \"Normal\", \"Warning\""));
        if ((e["note"]?.GetValue<string>()?.Length ?? 0) > 1024) errors.Add(("note", "Too long", "must have at most 1024 bytes"));
        if (errors.Count > 0) throw ApiError.Invalid(V1, e["metadata"]?["name"]?.GetValue<string>() ?? "", errors);
    }
}

/// <summary>
/// autoscaling/v1 HorizontalPodAutoscalers are the stored autoscaling/v2 ones in the older shape: a CPU utilization
/// target (targetCPUUtilizationPercentage ⇄ a Resource cpu Utilization metric) and the current CPU utilization in
/// status; v2-only metrics, behavior and conditions are not shown in v1.
/// </summary>
internal sealed class HpaV1View : RequestView
{
    public static readonly ResourceType V1 = ResourceTypes.Find("autoscaling", "v1", "horizontalpodautoscalers")!;
    public static readonly ResourceType V2 = ResourceTypes.Find("autoscaling", "v2", "horizontalpodautoscalers")!;
    private static readonly HpaV1View Instance = new();

    public override string ApiVersion => V1.GroupVersion;

    public static ResourceType Enter(HttpContext ctx) => Enter(ctx, Instance, V2);

    public override JsonObject In(JsonObject v1, bool creating) => ToV2(v1);

    /// <summary>A v1 object in the v2 shape (also what the table printer reads).</summary>
    public static JsonObject ToV2(JsonObject v1)
    {
        var v2 = (JsonObject)v1.DeepClone();
        v2["apiVersion"] = V2.GroupVersion;
        if (v2["spec"] is JsonObject spec && spec["targetCPUUtilizationPercentage"] is { } target)
        {
            spec.Remove("targetCPUUtilizationPercentage");
            spec["metrics"] = new JsonArray(CpuMetric("target", new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = target.DeepClone() }));
        }
        if (v2["status"] is JsonObject status && status["currentCPUUtilizationPercentage"] is { } current)
        {
            status.Remove("currentCPUUtilizationPercentage");
            status["currentMetrics"] = new JsonArray(CpuMetric("current", new JsonObject { ["averageUtilization"] = current.DeepClone() }));
        }
        return v2;
    }

    public override JsonObject Out(JsonObject v2)
    {
        var v1 = (JsonObject)v2.DeepClone();
        if (v1["apiVersion"] is not null) v1["apiVersion"] = V1.GroupVersion;
        if (v1["spec"] is JsonObject spec)
        {
            var cpu = (spec["metrics"] as JsonArray ?? []).FirstOrDefault(IsCpu)?["resource"]?["target"]?["averageUtilization"];
            spec.Remove("metrics");
            spec.Remove("behavior");
            if (cpu is not null) spec["targetCPUUtilizationPercentage"] = cpu.DeepClone();
        }
        if (v1["status"] is JsonObject status)
        {
            var cpu = (status["currentMetrics"] as JsonArray ?? []).FirstOrDefault(IsCpu)?["resource"]?["current"]?["averageUtilization"];
            status.Remove("currentMetrics");
            status.Remove("conditions");
            if (cpu is not null) status["currentCPUUtilizationPercentage"] = cpu.DeepClone();
        }
        return v1;
    }

    private static bool IsCpu(JsonNode? m) => m?["type"]?.GetValue<string>() == "Resource" && m["resource"]?["name"]?.GetValue<string>() == "cpu";

    private static JsonObject CpuMetric(string field, JsonObject value) =>
        new() { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", [field] = value } };
}
