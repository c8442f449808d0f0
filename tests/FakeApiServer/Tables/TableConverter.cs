using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FakeApiServer.Wire;

namespace FakeApiServer.Tables;

/// <summary>
/// Conversions of GET answers negotiated by Accept (…;as=Table;g=meta.k8s.io;v=v1 and as=PartialObjectMetadata[List]):
/// the printers of built-in kinds, additionalPrinterColumns of custom resources, and the default table otherwise.
/// </summary>
internal static partial class TableConverter
{
    /// <summary>The answer to a GET as the client negotiated it: the object or list itself, a Table or partial metadata.</summary>
    public static JsonObject Present(Outcome outcome, ResourceType t, JsonObject body, IQueryCollection q, Store store, DateTime eventNow)
    {
        if (outcome.PartialMetadata) return PartialMetadata(body);
        if (!outcome.Table) return body;
        return ToTable(t, body, IncludeObject(q), store, DateTime.UtcNow, eventNow);
    }

    /// <summary>The includeObject option (Metadata when not given); 400 for another value.</summary>
    public static string IncludeObject(IQueryCollection q)
    {
        var include = q["includeObject"].ToString();
        if (include.Length == 0) return "Metadata";
        return include is "None" or "Metadata" or "Object" ? include
            : throw new ApiError(400, "BadRequest", $"TableOptions.meta.k8s.io \"\" is invalid: includeObject: Unsupported value: \"{include}\": supported values: \"Metadata\", \"None\", \"Object\"");
    }

    private static bool IsList(JsonObject body) => body["items"] is JsonArray;

    private static IEnumerable<JsonObject> Items(ResourceType t, JsonObject body)
    {
        if (!IsList(body))
        {
            yield return (JsonObject)body.DeepClone();
            yield break;
        }
        foreach (var item in ((JsonArray)body["items"]!).OfType<JsonObject>())
        {
            // List items are served without type meta; objects embedded in rows carry it.
            var o = new JsonObject { ["kind"] = t.Kind, ["apiVersion"] = t.GroupVersion };
            foreach (var (k, v) in item) o[k] = v?.DeepClone();
            yield return o;
        }
    }

    private static JsonObject Meta(JsonObject o) =>
        new() { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = o["metadata"]?.DeepClone() };

    private static JsonObject PartialMetadata(JsonObject body)
    {
        if (!IsList(body)) return Meta(body);
        var items = new JsonArray();
        foreach (var item in ((JsonArray)body["items"]!).OfType<JsonObject>()) items.Add(Meta(item));
        return new JsonObject { ["kind"] = "PartialObjectMetadataList", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = body["metadata"]?.DeepClone(), ["items"] = items };
    }

    /// <summary>The Table of an object or list; Events are aged by <paramref name="eventNow"/> (the fake's clock, which
    /// stamps them), everything else by <paramref name="now"/> (the real time that stamps creationTimestamp).</summary>
    public static JsonObject ToTable(ResourceType t, JsonObject body, string include, Store store, DateTime now, DateTime eventNow)
    {
        if (t.Kind == "Event") now = eventNow;
        var (columns, cells) = ColumnsFor(t, store);
        var rows = new JsonArray();
        foreach (var o in Items(t, body))
        {
            var row = new JsonObject { ["cells"] = new JsonArray(cells(o, now)) };
            if (include == "Object") row["object"] = o;
            else if (include == "Metadata") row["object"] = Meta(o);
            rows.Add(row);
        }
        var meta = new JsonObject();
        if (IsList(body))
        {
            foreach (var k in new[] { "resourceVersion", "continue", "remainingItemCount" })
                if (body["metadata"]?[k] is { } v) meta[k] = v.DeepClone();
        }
        else if (body["metadata"]?["resourceVersion"] is { } rv) meta["resourceVersion"] = rv.DeepClone();
        var defs = new JsonArray();
        foreach (var c in columns)
            defs.Add(new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format, ["description"] = c.Description, ["priority"] = c.Priority });
        return new JsonObject { ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = meta, ["columnDefinitions"] = defs, ["rows"] = rows };
    }

    private sealed record Def(string Name, string Type, string Format, string Description, int Priority);

    private static (List<Def> Columns, Func<JsonObject, DateTime, JsonNode?[]> Cells) ColumnsFor(ResourceType t, Store store)
    {
        if (!t.IsCustom && Printers.For(t.Kind) is { } p)
            return (p.Columns.Select(c => new Def(c.Name, c.Type, c.Format, "", c.Priority)).ToList(), p.Cells);
        if (t.IsCustom) return CustomColumns(t, store);
        // The API server's default table for kinds without a printer: the name and the creation time as written.
        return ([new Def("Name", "string", "name", "", 0), new Def("Created At", "date", "", "", 0)],
            (o, _) => [Printers.Str(o, "metadata.name"), Printers.Str(o, "metadata.creationTimestamp")]);
    }

    /// <summary>Custom resources: the version's additionalPrinterColumns (JSONPath), or Age when the CRD declares none.</summary>
    private static (List<Def>, Func<JsonObject, DateTime, JsonNode?[]>) CustomColumns(ResourceType t, Store store)
    {
        var crdType = ResourceTypes.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
        var crd = crdType is null ? null : store.Get(crdType, null, t.Qualified)?.Object;
        var version = (crd?["spec"]?["versions"] as JsonArray ?? []).FirstOrDefault(v => v?["name"]?.GetValue<string>() == t.Version);
        var extra = (version?["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => (Def: new Def(c["name"]?.GetValue<string>() ?? "", c["type"]?.GetValue<string>() ?? "string", c["format"]?.GetValue<string>() ?? "",
                c["description"]?.GetValue<string>() ?? "", c["priority"]?.AsInt() ?? 0), Path: c["jsonPath"]?.GetValue<string>() ?? ""))
            .ToList();
        if (extra.Count == 0) extra.Add((new Def("Age", "date", "", "", 0), ".metadata.creationTimestamp"));
        var columns = new List<Def> { new("Name", "string", "name", "", 0) };
        columns.AddRange(extra.Select(e => e.Def));
        return (columns, (o, now) => [Printers.Str(o, "metadata.name"), .. extra.Select(e => Cell(e.Def.Type, JsonPath(o, e.Path), now))]);
    }

    private static JsonNode? Cell(string type, JsonNode? value, DateTime now)
    {
        if (value is null) return null;
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
        return type switch
        {
            "date" => DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                ? Printers.HumanDuration(now - at) : "<invalid>",
            "string" => text,
            _ => value.DeepClone(),
        };
    }

    [GeneratedRegex(@"\.([^.\[]+)|\[(\d+|\*)\]|\[\?\(@\.([\w.-]+)\s*==\s*[""']([^""']*)[""']\)\]")]
    private static partial Regex PathStep();

    /// <summary>The first value a simple JSONPath (.a.b, [n], [*], [?(@.k=="v")]) finds, as printer columns use them.</summary>
    private static JsonNode? JsonPath(JsonNode root, string path)
    {
        var current = new List<JsonNode?> { root };
        foreach (Match m in PathStep().Matches(path.Trim().TrimStart('{').TrimEnd('}')))
        {
            var next = new List<JsonNode?>();
            foreach (var n in current)
            {
                if (m.Groups[1].Success) next.Add(n is JsonObject o ? o[m.Groups[1].Value] : null);
                else if (m.Groups[2].Success && n is JsonArray a)
                {
                    if (m.Groups[2].Value == "*") next.AddRange(a);
                    else if (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) < a.Count) next.Add(a[int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)]);
                }
                else if (m.Groups[3].Success && n is JsonArray fa)
                    next.AddRange(fa.Where(x => Printers.Str(x, m.Groups[3].Value) == m.Groups[4].Value));
            }
            current = next.Where(x => x is not null).ToList();
        }
        return current.FirstOrDefault();
    }
}
