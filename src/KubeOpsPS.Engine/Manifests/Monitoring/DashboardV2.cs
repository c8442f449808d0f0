using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeOpsPS.Engine.Manifests.Monitoring;

/// <summary>
/// Grafana 13's v2 dashboard format (dashboard.grafana.app/v2 and its v2alpha/v2beta predecessors: a resource with
/// apiVersion, kind, metadata and spec; the spec has elements keyed by name and a layout that places them) converted
/// to the classic model that Grafana's file provisioning loads. File provisioning refuses a file with top-level
/// elements or layout ("dashboard appears to be in v2 format") or apiVersion/metadata/spec ("a full k8s style
/// resource"). Converted: panels and library-panel references with their grid positions (GridLayout, RowsLayout,
/// AutoGridLayout), queries with their datasources, transformations and query options, visualisation options and
/// field config, variables, annotations, links, time settings. What the classic model cannot say is reported, each
/// with where it was. Pure: JSON in, JSON out.
/// </summary>
public static class DashboardV2
{
    /// <summary>The schemaVersion of the classic model written; Grafana migrates nothing on load for it.</summary>
    public const int SchemaVersion = 41;

    /// <summary>
    /// The v2 spec of a document, or null when it is a classic dashboard: a v2 resource ({apiVersion:
    /// dashboard.grafana.app/v2…, spec}), the API's classic envelope holding a v2 spec ({dashboard: {elements,
    /// layout}}), or a bare v2 spec (elements and layout at the top, as the "classic" export path writes it).
    /// </summary>
    public static JsonObject? Spec(JsonObject doc)
    {
        if (doc["apiVersion"]?.GetValueKind() == JsonValueKind.String && doc["apiVersion"]!.GetValue<string>().StartsWith("dashboard.grafana.app/v2", StringComparison.Ordinal) && doc["spec"] is JsonObject spec)
            return spec;
        if (doc["dashboard"] is JsonObject inner && doc["panels"] is null && IsV2Spec(inner)) return inner;
        return IsV2Spec(doc) ? doc : null;
    }

    private static bool IsV2Spec(JsonObject o) => o["panels"] is null && o["rows"] is null && (o["elements"] is JsonObject || o["layout"] is JsonObject);

    /// <summary>
    /// The classic dashboard for a v2 document, what could not be converted (location → reason), and the Prometheus
    /// datasource uids bound to the provisioned datasource.
    /// </summary>
    public static (JsonObject Dashboard, IReadOnlyList<(string Where, string What)> Lost, IReadOnlyCollection<string> Bound) ToClassic(JsonObject doc, JsonObject spec)
    {
        var lost = new List<(string, string)>();
        var elements = spec["elements"] as JsonObject ?? new JsonObject();
        var time = spec["timeSettings"] as JsonObject ?? new JsonObject();
        var dash = new JsonObject
        {
            ["id"] = null,
            ["uid"] = doc["metadata"]?["name"]?.DeepClone() ?? spec["uid"]?.DeepClone(),
            ["title"] = spec["title"]?.DeepClone() ?? doc["metadata"]?["annotations"]?["grafana.app/title"]?.DeepClone(),
            ["schemaVersion"] = SchemaVersion,
        };
        Copy(spec, dash, "description", "tags", "editable", "liveNow", "revision");
        dash["graphTooltip"] = spec["cursorSync"]?.ToString() switch { "Crosshair" => 1, "Tooltip" => 2, _ => 0 };
        dash["time"] = new JsonObject { ["from"] = time["from"]?.DeepClone() ?? "now-6h", ["to"] = time["to"]?.DeepClone() ?? "now" };
        if (time["timezone"] is not null) dash["timezone"] = time["timezone"]!.DeepClone();
        if (time["autoRefresh"] is not null) dash["refresh"] = time["autoRefresh"]!.DeepClone();
        if (time["weekStart"] is not null) dash["weekStart"] = time["weekStart"]!.DeepClone();
        if (time["fiscalYearStartMonth"] is not null) dash["fiscalYearStartMonth"] = time["fiscalYearStartMonth"]!.DeepClone();
        var picker = new JsonObject();
        if (time["autoRefreshIntervals"] is not null) picker["refresh_intervals"] = time["autoRefreshIntervals"]!.DeepClone();
        if (time["hideTimepicker"] is not null) picker["hidden"] = time["hideTimepicker"]!.DeepClone();
        if (time["nowDelay"] is not null) picker["nowDelay"] = time["nowDelay"]!.DeepClone();
        if (time["quickRanges"] is not null) picker["quick_ranges"] = time["quickRanges"]!.DeepClone();
        if (picker.Count > 0) dash["timepicker"] = picker;
        dash["links"] = Links(spec["links"]);
        if (spec["preferences"] is not null) lost.Add(("(dashboard) preferences", "dashboard preferences (the default layout of new containers) have no classic equivalent"));

        // Annotations.
        var annotations = new JsonArray();
        foreach (var (a, i) in Items(spec["annotations"]).Select((a, i) => (a, i)))
        {
            var s = a["spec"] as JsonObject ?? new JsonObject();
            var q = s["query"] as JsonObject;
            var classic = new JsonObject { ["name"] = s["name"]?.DeepClone(), ["enable"] = s["enable"]?.DeepClone() ?? true, ["hide"] = s["hide"]?.DeepClone() ?? false, ["iconColor"] = s["iconColor"]?.DeepClone() };
            if (s["builtIn"]?.GetValueKind() == JsonValueKind.True) { classic["builtIn"] = 1; classic["type"] = "dashboard"; }
            if (q is not null)
            {
                classic["datasource"] = Datasource(q);
                if (q["spec"] is JsonObject qs && qs.Count > 0) classic["target"] = qs.DeepClone();
            }
            if (s["filter"] is not null) classic["filter"] = s["filter"]!.DeepClone();
            foreach (var (k, v) in s["legacyOptions"] as JsonObject ?? []) classic[k] = v?.DeepClone();
            if (s["mappings"] is not null) lost.Add(($"annotation '{s["name"]}'", "field mappings of the annotation query have no classic equivalent"));
            annotations.Add(classic);
        }
        dash["annotations"] = new JsonObject { ["list"] = annotations };

        // Variables.
        var variables = new JsonArray();
        foreach (var v in Items(spec["variables"]))
            if (Variable(v, lost) is { } classic) variables.Add(classic);
        dash["templating"] = new JsonObject { ["list"] = variables };

        // Panels, placed by the layout.
        var panels = new JsonArray();
        var nextId = elements.Select(e => e.Value?["spec"]?["id"]).Where(id => id?.GetValueKind() == JsonValueKind.Number).Select(id => (int)id!.GetValue<double>()).DefaultIfEmpty(0).Max() + 1;
        var used = new HashSet<string>(StringComparer.Ordinal);
        var y = 0;
        Layout(spec["layout"] as JsonObject, panels, "(dashboard)", ref y, ref nextId, elements, used, lost, inRow: false);
        foreach (var name in elements.Select(e => e.Key).Where(n => !used.Contains(n)))
            lost.Add(($"element '{name}'", "is not placed by the layout, so the classic dashboard does not show it"));
        dash["panels"] = panels;

        // Datasource references name the exporting Grafana's uids. The module's Grafana provisions one Prometheus:
        // every Prometheus reference (and one without a uid) is bound to it; other plugins are reported.
        var rebound = new SortedSet<string>(StringComparer.Ordinal);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        BindDatasources(dash, rebound, missing);
        foreach (var type in missing) lost.Add(("(dashboard)", $"queries use a {type} datasource, which is not provisioned: add one and set its uid in the dashboard"));
        return (dash, lost, rebound);
    }

    private static void BindDatasources(JsonNode? node, SortedSet<string> rebound, SortedSet<string> missing)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["datasource"] is JsonObject ds)
                {
                    var type = ds["type"]?.ToString();
                    var uid = ds["uid"]?.ToString();
                    if (type == "prometheus" && uid != GrafanaConfig.DatasourceUid)
                    {
                        rebound.Add(uid ?? "(none: the default)");
                        o["datasource"] = GrafanaConfig.Datasource();
                    }
                    else if (type is not (null or "prometheus" or "grafana" or "datasource" or "dashboard") && !(uid ?? string.Empty).StartsWith("${", StringComparison.Ordinal)) missing.Add(type);
                }
                foreach (var (_, child) in o.ToList()) BindDatasources(child, rebound, missing);
                break;
            case JsonArray a:
                foreach (var child in a) BindDatasources(child, rebound, missing);
                break;
        }
    }

    private static void Layout(JsonObject? layout, JsonArray panels, string where, ref int y, ref int nextId, JsonObject elements, HashSet<string> used, List<(string, string)> lost, bool inRow)
    {
        if (layout is null) return;
        var spec = layout["spec"] as JsonObject ?? new JsonObject();
        switch (layout["kind"]?.ToString())
        {
            case "GridLayout":
            {
                var top = y;
                foreach (var item in Items(spec["items"]))
                {
                    var s = item["spec"] as JsonObject ?? new JsonObject();
                    var gy = top + Int(s["y"]);
                    if (Panel(s["element"], where, elements, used, lost) is not { } p) continue;
                    p["gridPos"] = new JsonObject { ["x"] = Int(s["x"]), ["y"] = gy, ["w"] = Int(s["width"], 12), ["h"] = Int(s["height"], 8) };
                    Repeat(s["repeat"] as JsonObject, p);
                    panels.Add(p);
                    y = Math.Max(y, gy + Int(s["height"], 8));
                }
                break;
            }
            case "AutoGridLayout":
            {
                // The auto grid flows its items into columns; the classic grid needs positions: the same flow, fixed.
                var columns = Math.Clamp(Int(spec["maxColumnCount"], 3), 1, 24);
                var width = 24 / columns;
                var height = spec["rowHeightMode"]?.ToString() switch { "short" => 5, "tall" => 12, "custom" => Math.Max(1, Int(spec["rowHeight"], 320) / 40), _ => 8 };
                var i = 0;
                foreach (var item in Items(spec["items"]))
                {
                    var s = item["spec"] as JsonObject ?? new JsonObject();
                    if (Panel(s["element"], where, elements, used, lost) is not { } p) continue;
                    p["gridPos"] = new JsonObject { ["x"] = i % columns * width, ["y"] = y + i / columns * height, ["w"] = width, ["h"] = height };
                    if (s["repeat"]?["value"] is { } rv) p["repeat"] = rv.DeepClone();
                    if (s["conditionalRendering"] is not null) lost.Add(($"{where} element '{s["element"]?["name"]}'", "conditional rendering has no classic equivalent: the panel is always shown"));
                    panels.Add(p);
                    i++;
                }
                if (i > 0) y += (i + columns - 1) / columns * height;
                lost.Add((where, $"an AutoGridLayout was converted to fixed positions ({columns} columns, height {height}); the classic grid does not reflow"));
                break;
            }
            case "RowsLayout":
                foreach (var row in Items(spec["rows"]))
                {
                    var s = row["spec"] as JsonObject ?? new JsonObject();
                    var title = s["title"]?.ToString() ?? string.Empty;
                    var rowWhere = $"row '{title}'";
                    if (inRow || s["layout"]?["kind"]?.ToString() is "RowsLayout" or "TabsLayout")
                    {
                        lost.Add((rowWhere, "a row inside a row or tab is not possible in the classic model: its panels follow the enclosing row"));
                        Layout(s["layout"] as JsonObject, panels, rowWhere, ref y, ref nextId, elements, used, lost, inRow);
                        continue;
                    }
                    var collapsed = s["collapse"]?.GetValueKind() == JsonValueKind.True;
                    var rowPanel = new JsonObject
                    {
                        ["type"] = "row", ["id"] = nextId++, ["title"] = title, ["collapsed"] = collapsed,
                        ["gridPos"] = new JsonObject { ["x"] = 0, ["y"] = y, ["w"] = 24, ["h"] = 1 }, ["panels"] = new JsonArray(),
                    };
                    if (s["repeat"]?["value"] is { } rv) rowPanel["repeat"] = rv.DeepClone();
                    if (s["conditionalRendering"] is not null) lost.Add((rowWhere, "conditional rendering has no classic equivalent: the row is always shown"));
                    if (s["variables"] is JsonArray { Count: > 0 }) lost.Add((rowWhere, "variables scoped to a row have no classic equivalent; they were left out"));
                    if (s["hideHeader"]?.GetValueKind() == JsonValueKind.True) lost.Add((rowWhere, "a hidden row header cannot be hidden in the classic model"));
                    panels.Add(rowPanel);
                    y += 1;
                    var children = new JsonArray();
                    Layout(s["layout"] as JsonObject, children, rowWhere, ref y, ref nextId, elements, used, lost, inRow: true);
                    // A collapsed row holds its panels; an open row is followed by them.
                    foreach (var c in children.ToList()) { children.Remove(c); (collapsed ? (JsonArray)rowPanel["panels"]! : panels).Add(c); }
                }
                break;
            case "TabsLayout":
                foreach (var tab in Items(spec["tabs"]))
                {
                    var s = tab["spec"] as JsonObject ?? new JsonObject();
                    var title = s["title"]?.ToString() ?? string.Empty;
                    lost.Add(($"tab '{title}'", inRow ? "tabs have no classic equivalent: its panels follow the enclosing row" : "tabs have no classic equivalent: the tab became a row"));
                    var rows = new JsonObject
                    {
                        ["kind"] = "RowsLayout",
                        ["spec"] = new JsonObject { ["rows"] = new JsonArray(new JsonObject { ["kind"] = "RowsLayoutRow", ["spec"] = new JsonObject { ["title"] = title, ["layout"] = s["layout"]?.DeepClone() } }) },
                    };
                    Layout(inRow ? s["layout"] as JsonObject : rows, panels, $"tab '{title}'", ref y, ref nextId, elements, used, lost, inRow);
                }
                break;
            default:
                lost.Add((where, $"layout kind '{layout["kind"]}' is unknown; its panels were not placed"));
                break;
        }
    }

    private static JsonObject? Panel(JsonNode? reference, string where, JsonObject elements, HashSet<string> used, List<(string, string)> lost)
    {
        var name = reference?["name"]?.ToString();
        if (name is null || elements[name] is not JsonObject element)
        {
            lost.Add((where, $"the layout places element '{name}', which the dashboard does not define"));
            return null;
        }
        used.Add(name);
        var s = element["spec"] as JsonObject ?? new JsonObject();
        var title = s["title"]?.ToString() ?? name;
        switch (element["kind"]?.ToString())
        {
            case "LibraryPanel":
                lost.Add(($"panel '{title}'", $"library panel '{s["libraryPanel"]?["name"]}' (uid {s["libraryPanel"]?["uid"]}) is referenced, not included: it must exist in the Grafana that loads this file"));
                return new JsonObject { ["id"] = s["id"]?.DeepClone(), ["title"] = title, ["libraryPanel"] = s["libraryPanel"]?.DeepClone() };
            case "Panel":
                break;
            default:
                lost.Add(($"element '{name}'", $"element kind '{element["kind"]}' is unknown; it was left out"));
                return null;
        }
        var viz = s["vizConfig"] as JsonObject ?? new JsonObject();
        var vizSpec = viz["spec"] as JsonObject ?? new JsonObject();
        // v2beta1 and later: {kind: VizConfig, group: <plugin>, version}; v2alpha1: {kind: <plugin>, spec}.
        var type = viz["group"]?.ToString() ?? (viz["kind"]?.ToString() is { } k && k != "VizConfig" ? k : null);
        var panel = new JsonObject { ["id"] = s["id"]?.DeepClone(), ["type"] = type, ["title"] = title };
        Copy(s, panel, "description", "transparent");
        if (s["links"] is JsonArray { Count: > 0 } links) panel["links"] = links.DeepClone();
        if (s["subtitle"] is not null) lost.Add(($"panel '{title}'", "a panel subtitle has no classic equivalent"));
        if (viz["version"] is { } version && version.ToString().Length > 0) panel["pluginVersion"] = version.DeepClone();
        panel["options"] = vizSpec["options"]?.DeepClone() ?? new JsonObject();
        panel["fieldConfig"] = vizSpec["fieldConfig"]?.DeepClone() ?? new JsonObject { ["defaults"] = new JsonObject(), ["overrides"] = new JsonArray() };

        var data = s["data"]?["spec"] as JsonObject ?? new JsonObject();
        var targets = new JsonArray();
        var sources = new List<JsonObject>();
        foreach (var q in Items(data["queries"]))
        {
            var qs = q["spec"] as JsonObject ?? new JsonObject();
            var target = new JsonObject { ["refId"] = qs["refId"]?.DeepClone() ?? "A" };
            if (qs["hidden"]?.GetValueKind() == JsonValueKind.True) target["hide"] = true;
            // v2beta1: query {kind: DataQuery, group: <plugin>, datasource: {name: <uid>}, spec}; v2alpha1: query {kind: <plugin>, spec} and datasource {type, uid} beside it.
            var query = qs["query"] as JsonObject ?? new JsonObject();
            var ds = Datasource(query, qs["datasource"] as JsonObject);
            target["datasource"] = ds;
            sources.Add(ds);
            foreach (var (key, value) in query["spec"] as JsonObject ?? []) if (key is not ("refId" or "datasource")) target[key] = value?.DeepClone();
            targets.Add(target);
        }
        panel["targets"] = targets;
        var distinct = sources.Select(d => d.ToJsonString()).Distinct().ToList();
        if (distinct.Count == 1) panel["datasource"] = sources[0].DeepClone();
        else if (distinct.Count > 1) panel["datasource"] = new JsonObject { ["type"] = "datasource", ["uid"] = "-- Mixed --" };

        var transformations = new JsonArray();
        foreach (var t in Items(data["transformations"]))
        {
            var ts = t["spec"] as JsonObject ?? new JsonObject();
            // v2beta1: {kind: Transformation, group: <id>, spec}; v2alpha1: {kind: <id>, spec: {id, options}}.
            var classic = new JsonObject { ["id"] = t["group"]?.DeepClone() ?? ts["id"]?.DeepClone() ?? t["kind"]?.DeepClone() };
            foreach (var (key, value) in ts) if (key != "id") classic[key] = value?.DeepClone();
            classic["options"] ??= new JsonObject();
            transformations.Add(classic);
        }
        if (transformations.Count > 0) panel["transformations"] = transformations;
        var options = data["queryOptions"] as JsonObject ?? new JsonObject();
        Copy(options, panel, "interval", "maxDataPoints", "timeFrom", "timeShift", "cacheTimeout", "queryCachingTTL", "hideTimeOverride");
        if (options["timeCompare"] is not null) lost.Add(($"panel '{title}'", "time comparison (queryOptions.timeCompare) has no classic equivalent"));
        return panel;
    }

    private static void Repeat(JsonObject? repeat, JsonObject panel)
    {
        if (repeat?["value"] is not { } value) return;
        panel["repeat"] = value.DeepClone();
        panel["repeatDirection"] = repeat["direction"]?.DeepClone() ?? "h";
        if (repeat["maxPerRow"] is not null) panel["maxPerRow"] = repeat["maxPerRow"]!.DeepClone();
    }

    private static JsonObject? Variable(JsonObject v, List<(string, string)> lost)
    {
        var s = v["spec"] as JsonObject ?? new JsonObject();
        var name = s["name"]?.ToString() ?? string.Empty;
        var type = v["kind"]?.ToString() switch
        {
            "QueryVariable" => "query",
            "CustomVariable" => "custom",
            "ConstantVariable" => "constant",
            "TextVariable" => "textbox",
            "DatasourceVariable" => "datasource",
            "IntervalVariable" => "interval",
            "AdhocVariable" => "adhoc",
            "GroupByVariable" => "groupby",
            _ => null,
        };
        if (type is null)
        {
            lost.Add(($"variable '{name}'", $"variable kind '{v["kind"]}' has no classic equivalent; it was left out, and queries that use ${name} will not resolve"));
            return null;
        }
        var classic = new JsonObject { ["type"] = type, ["name"] = name };
        foreach (var (key, value) in s)
        {
            switch (key)
            {
                case "name": break;
                case "hide": classic["hide"] = value?.ToString() switch { "hideLabel" => 1, "hideVariable" => 2, "inControlsMenu" => 3, _ => 0 }; break;
                case "refresh": classic["refresh"] = value?.ToString() switch { "onDashboardLoad" => 1, "onTimeRangeChanged" => 2, _ => 0 }; break;
                case "sort":
                    classic["sort"] = value?.ToString() switch
                    {
                        "alphabeticalAsc" => 1,
                        "alphabeticalDesc" => 2,
                        "numericalAsc" => 3,
                        "numericalDesc" => 4,
                        "alphabeticalCaseInsensitiveAsc" => 5,
                        "alphabeticalCaseInsensitiveDesc" => 6,
                        "naturalAsc" => 7,
                        "naturalDesc" => 8,
                        _ => 0,
                    };
                    break;
                case "pluginId": classic["query"] = value?.DeepClone(); break; // a datasource variable's query is the plugin id
                case "query" when value is JsonObject q: // a query variable's DataQuery
                    classic["datasource"] = Datasource(q);
                    classic["query"] = q["spec"] is JsonObject qs && qs.Count > 0 ? qs.DeepClone() : s["definition"]?.DeepClone() ?? string.Empty;
                    break;
                case "origin" or "staticOptions" or "staticOptionsOrder" or "regexApplyTo" or "enableGroupBy" or "valuesFormat":
                    lost.Add(($"variable '{name}'", $"'{key}' has no classic equivalent"));
                    break;
                default: classic[key] = value?.DeepClone(); break;
            }
        }
        // Ad hoc and group-by variables carry their datasource beside the spec.
        if (v["datasource"] is JsonObject || v["group"] is not null) classic["datasource"] = Datasource(new JsonObject { ["group"] = v["group"]?.DeepClone(), ["datasource"] = v["datasource"]?.DeepClone() });
        return classic;
    }

    /// <summary>A classic datasource reference {type, uid} from a v2 DataQuery (group = plugin id, datasource.name = uid) or a v2alpha1 reference.</summary>
    private static JsonObject Datasource(JsonObject query, JsonObject? alpha = null)
    {
        if (alpha is not null) return (JsonObject)alpha.DeepClone();
        var type = query["group"]?.ToString() ?? (query["kind"]?.ToString() is { } k && k != "DataQuery" ? k : null);
        var ds = new JsonObject();
        if (type is not null) ds["type"] = type;
        if (query["datasource"]?["name"]?.ToString() is { Length: > 0 } uid) ds["uid"] = uid;
        return ds;
    }

    private static JsonArray Links(JsonNode? links)
    {
        var result = new JsonArray();
        foreach (var l in Items(links))
        {
            var c = (JsonObject)l.DeepClone();
            c.Remove("placement");
            c.Remove("origin");
            result.Add(c);
        }
        return result;
    }

    private static IEnumerable<JsonObject> Items(JsonNode? list) => (list as JsonArray ?? []).OfType<JsonObject>();

    private static int Int(JsonNode? n, int fallback = 0) => n?.GetValueKind() == JsonValueKind.Number ? (int)n.GetValue<double>() : fallback;

    private static void Copy(JsonObject from, JsonObject to, params string[] keys)
    {
        foreach (var k in keys) if (from[k] is { } v) to[k] = v.DeepClone();
    }
}
