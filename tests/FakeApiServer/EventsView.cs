using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer;

/// <summary>
/// events.k8s.io/v1 Events are the core v1 Events in another shape, as on a real server (one storage, two
/// versions): a request to the events.k8s.io endpoint is carried out on the core Event and every object it answers
/// is converted on the way out (regarding ⇄ involvedObject, note ⇄ message, reportingController ⇄
/// reportingComponent, deprecatedSource/FirstTimestamp/LastTimestamp/Count ⇄ source/firstTimestamp/lastTimestamp/count).
/// </summary>
internal static class EventsView
{
    private const string Key = "events.k8s.io/v1";
    public static readonly ResourceType Core = ResourceTypes.Find("", "v1", "events")!;
    public static readonly ResourceType V1 = ResourceTypes.Find("events.k8s.io", "v1", "events")!;

    // (events.k8s.io field, core field)
    private static readonly (string View, string Core)[] Renames =
    [
        ("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"), ("deprecatedCount", "count"),
    ];

    /// <summary>Marks the request as one to the events.k8s.io endpoint; the API then works on the core type.</summary>
    public static ResourceType Enter(HttpContext ctx)
    {
        ctx.Items[Key] = true;
        return Core;
    }

    public static bool Active(HttpContext ctx) => ctx.Items.ContainsKey(Key);

    /// <summary>An events.k8s.io Event as the core Event it is stored as, after the checks the events.k8s.io version adds.</summary>
    public static JsonObject ToCore(JsonObject view, bool creating)
    {
        if (creating) Validate(view);
        var core = Rename(view, r => r.View, r => r.Core);
        core["apiVersion"] = "v1";
        return core;
    }

    public static JsonObject FromCore(JsonObject core)
    {
        var view = Rename(core, r => r.Core, r => r.View);
        if (view["apiVersion"] is not null) view["apiVersion"] = V1.GroupVersion;
        return view;
    }

    /// <summary>A response body: an Event, an EventList, or a watch event's object; anything else (Status) as it is.</summary>
    public static JsonNode Out(JsonNode body)
    {
        if (body is not JsonObject o) return body;
        switch (o["kind"]?.GetValue<string>())
        {
            case "Event":
                return FromCore(o);
            case "EventList":
                var list = (JsonObject)o.DeepClone();
                list["apiVersion"] = V1.GroupVersion;
                list["items"] = new JsonArray((o["items"] as JsonArray ?? []).Select(i => (JsonNode?)FromCore((JsonObject)i!)).ToArray());
                return list;
            default:
                return body;
        }
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
