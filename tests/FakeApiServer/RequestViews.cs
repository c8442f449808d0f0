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
