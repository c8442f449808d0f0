using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Monitoring;

/// <summary>One thing found in an imported dashboard: what, where, and whether it was fixed.</summary>
public sealed record DashboardIssue(string Dashboard, string Panel, string Kind, string Detail, bool Fixed);

/// <summary>A dashboard made ready for file provisioning, with what was changed and what still needs a person.</summary>
public sealed record FixedDashboard(string Uid, string Title, string FileName, JsonObject Json, IReadOnlyList<DashboardIssue> Issues);

/// <summary>
/// Makes exported or community dashboards (grafana.com JSON) work when loaded from files: binds their
/// <c>${DS_…}</c> datasource inputs to the provisioned Prometheus datasource (file provisioning never fills them,
/// grafana/grafana#10786), replaces Angular panel types removed in Grafana 12 where a React panel takes the same
/// queries, and rewrites metric and label names renamed since the seed's dashboards were made (cAdvisor's
/// pod_name/container_name in Kubernetes 1.16, node-exporter 0.16's unit suffixes). Grafana 13's v2 dashboards are
/// first converted to the classic model (<see cref="DashboardV2"/>). Pure: JSON in, JSON out.
/// </summary>
public static partial class DashboardFixer
{
    /// <summary>Angular panel types Grafana 12 no longer loads, and the React panel that shows the same queries.</summary>
    public static readonly IReadOnlyDictionary<string, string?> RemovedPanels = new Dictionary<string, string?>
    {
        ["graph"] = "timeseries",
        ["singlestat"] = "stat",
        ["grafana-singlestat-panel"] = "stat",
        ["table-old"] = "table",
        ["grafana-piechart-panel"] = "piechart",
        ["grafana-worldmap-panel"] = null, // geomap needs its layers set up by hand
        ["grafana-polystat-panel"] = null,
    };

    /// <summary>Renamed metrics and labels (old → new), matched as whole names.</summary>
    public static readonly IReadOnlyList<(string Old, string New, string Why)> Renames =
    [
        ("pod_name", "pod", "cAdvisor label renamed in Kubernetes 1.16"),
        ("container_name", "container", "cAdvisor label renamed in Kubernetes 1.16"),
        ("node_cpu", "node_cpu_seconds_total", "node-exporter 0.16 metric rename"),
        ("node_memory_MemTotal", "node_memory_MemTotal_bytes", "node-exporter 0.16 metric rename"),
        ("node_memory_MemFree", "node_memory_MemFree_bytes", "node-exporter 0.16 metric rename"),
        ("node_memory_MemAvailable", "node_memory_MemAvailable_bytes", "node-exporter 0.16 metric rename"),
        ("node_memory_Buffers", "node_memory_Buffers_bytes", "node-exporter 0.16 metric rename"),
        ("node_memory_Cached", "node_memory_Cached_bytes", "node-exporter 0.16 metric rename"),
        ("node_filesystem_size", "node_filesystem_size_bytes", "node-exporter 0.16 metric rename"),
        ("node_filesystem_free", "node_filesystem_free_bytes", "node-exporter 0.16 metric rename"),
        ("node_filesystem_avail", "node_filesystem_avail_bytes", "node-exporter 0.16 metric rename"),
        ("node_network_receive_bytes", "node_network_receive_bytes_total", "node-exporter 0.16 metric rename"),
        ("node_network_transmit_bytes", "node_network_transmit_bytes_total", "node-exporter 0.16 metric rename"),
        ("node_disk_bytes_read", "node_disk_read_bytes_total", "node-exporter 0.16 metric rename"),
        ("node_disk_bytes_written", "node_disk_written_bytes_total", "node-exporter 0.16 metric rename"),
        ("node_boot_time", "node_boot_time_seconds", "node-exporter 0.16 metric rename"),
        ("node_time", "node_time_seconds", "node-exporter 0.16 metric rename"),
    ];

    // Selectors that only matched under Docker (dockershim's k8s_ container names, /docker cgroups): no mapping exists.
    [GeneratedRegex(@"(\bname\s*=~?\s*""\^?k8s_|\bid\s*=~?\s*""/docker|io_kubernetes_)")]
    private static partial Regex DockerEraRegex();

    [GeneratedRegex(@"\$\{(DS_[A-Za-z0-9_]+)\}")]
    private static partial Regex InputRegex();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotUidRegex();

    private static readonly string[] QueryKeys = ["expr", "query", "definition", "legendFormat"];

    /// <summary>Fixes one dashboard. <paramref name="fileName"/> (without folders) names it when it has no uid.</summary>
    public static FixedDashboard Fix(string json, string fileName)
    {
        JsonObject dash;
        try
        {
            dash = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw Validate.Invalid("-Path", fileName, $"{fileName} is not a Grafana dashboard: the JSON is not an object.");
        }
        catch (JsonException e)
        {
            throw Validate.Invalid("-Path", fileName, $"{fileName} is not valid JSON: {e.Message}");
        }
        // Grafana 13's v2 format (a resource, the API's envelope around a v2 spec, or a bare v2 spec): to the classic model.
        IReadOnlyList<(string Where, string What)> lost = [];
        IReadOnlyCollection<string> bound = [];
        string? v2From = null;
        if (DashboardV2.Spec(dash) is { } v2)
        {
            v2From = dash["apiVersion"]?.ToString() ?? "a v2 spec without its resource wrapper";
            (dash, lost, bound) = DashboardV2.ToClassic(dash, v2);
        }
        // The API's export format wraps the dashboard: { "dashboard": {...}, "meta": {...} }.
        if (dash["dashboard"] is JsonObject inner && dash["panels"] is null && dash["rows"] is null) dash = (JsonObject)inner.DeepClone();
        if (dash["panels"] is null && dash["rows"] is null)
            throw Validate.Invalid("-Path", fileName, $"{fileName} is not a Grafana dashboard: it has neither 'panels' nor 'rows' (classic), nor 'elements' and 'layout' (v2).");

        var title = dash["title"]?.ToString() ?? Path.GetFileNameWithoutExtension(fileName);
        var issues = new List<DashboardIssue>();
        void Report(string panel, string kind, string detail, bool fixedIt) => issues.Add(new DashboardIssue(title, panel, kind, detail, fixedIt));
        if (v2From is not null)
        {
            Report("(dashboard)", "V2Converted", $"converted from {v2From} to the classic model (schemaVersion {DashboardV2.SchemaVersion}) that file provisioning loads", true);
            foreach (var boundUid in bound) Report("(dashboard)", "DatasourceBound", $"datasource uid '{boundUid}' (prometheus) bound to the provisioned datasource '{GrafanaConfig.DatasourceName}' (uid {GrafanaConfig.DatasourceUid})", true);
            foreach (var (where, what) in lost) Report(where, "V2NotConverted", what, false);
        }
        if (dash["title"] is null) dash["title"] = title;

        // 1. ${DS_*} inputs → the provisioned datasource.
        var inputs = new Dictionary<string, bool>(StringComparer.Ordinal); // name → bindable (a Prometheus datasource)
        foreach (var input in dash["__inputs"]?.AsArray() ?? [])
        {
            if (input?["type"]?.ToString() != "datasource" || input["name"]?.ToString() is not { } name) continue;
            var prometheus = input["pluginId"]?.ToString() == "prometheus";
            inputs[name] = prometheus;
            Report("(dashboard)", "DatasourceInput", prometheus
                ? $"${{{name}}} bound to the provisioned datasource '{GrafanaConfig.DatasourceName}' (uid {GrafanaConfig.DatasourceUid})"
                : $"${{{name}}} needs a {input["pluginId"]} datasource, which is not provisioned: add one and set its uid in the dashboard", prometheus);
        }
        dash.Remove("__inputs");
        dash.Remove("__requires");
        dash.Remove("__elements");
        dash["id"] = null;
        var uid = dash["uid"]?.ToString();
        if (string.IsNullOrEmpty(uid))
        {
            uid = NotUidRegex().Replace(Path.GetFileNameWithoutExtension(fileName).ToLowerInvariant(), "-").Trim('-');
            if (uid.Length == 0) uid = "imported";
            if (uid.Length > 40) uid = uid[..40].TrimEnd('-');
            dash["uid"] = uid;
        }
        var bindable = inputs.Where(i => i.Value).Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
        Walk(dash, "(dashboard)", node => BindInputs(node, bindable));

        // 2. Panels, including those inside old-style rows and collapsed rows.
        foreach (var panel in Panels(dash))
        {
            var name = panel["title"]?.ToString() is { Length: > 0 } t ? t : $"panel {panel["id"]}";
            var type = panel["type"]?.ToString();
            if (type is not null && RemovedPanels.TryGetValue(type, out var replacement))
            {
                if (replacement is null)
                {
                    Report(name, "RemovedPanelType", $"panel type '{type}' was removed in Grafana 12 and has no direct replacement: rebuild the panel", false);
                }
                else
                {
                    panel["type"] = replacement;
                    Report(name, "RemovedPanelType", $"panel type '{type}' replaced by '{replacement}' (queries kept; axis, legend and threshold settings need a look)", true);
                }
            }
        }

        // 3. Renamed metrics and labels, and Docker-era selectors, in every query.
        Walk(dash, "(dashboard)", (node, panel) =>
        {
            foreach (var key in QueryKeys)
            {
                if (node[key] is not JsonValue v || v.GetValueKind() != JsonValueKind.String) continue;
                var text = v.GetValue<string>();
                var changed = text;
                foreach (var (old, @new, why) in Renames)
                {
                    var next = Regex.Replace(changed, $@"(?<![$\w]){old}\b", @new);
                    if (next != changed) Report(panel, "RenamedName", $"{old} → {@new} ({why})", true);
                    changed = next;
                }
                if (changed != text) node[key] = changed;
                if (DockerEraRegex().IsMatch(changed))
                    Report(panel, "DockerEraSelector", $"query selects Docker-era cAdvisor series (k8s_ container names, /docker cgroups or io_kubernetes_ labels), which containerd and CRI-O do not produce: '{Shorten(changed)}'", false);
            }
        });

        var file = $"{uid}.json";
        return new FixedDashboard(uid, title, file, dash, issues.Distinct().ToList());
    }

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..117] + "...";

    private static void BindInputs(JsonObject node, HashSet<string> bindable)
    {
        foreach (var (key, value) in node.ToList())
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String) continue;
            var text = v.GetValue<string>();
            var m = InputRegex().Match(text);
            if (!m.Success || !bindable.Contains(m.Groups[1].Value)) continue;
            // The old form "datasource": "${DS_X}" becomes the reference object newer Grafana writes.
            if (key == "datasource" && m.Value == text) node[key] = GrafanaConfig.Datasource();
            else node[key] = InputRegex().Replace(text, x => bindable.Contains(x.Groups[1].Value) ? GrafanaConfig.DatasourceUid : x.Value);
        }
    }

    private static IEnumerable<JsonObject> Panels(JsonObject dash)
    {
        IEnumerable<JsonObject> Of(JsonNode? list)
        {
            foreach (var p in list?.AsArray() ?? [])
            {
                if (p is not JsonObject o) continue;
                yield return o;
                foreach (var child in Of(o["panels"])) yield return child; // collapsed rows
            }
        }
        foreach (var p in Of(dash["panels"])) yield return p;
        foreach (var row in dash["rows"]?.AsArray() ?? [])
            foreach (var p in Of(row?["panels"])) yield return p;
    }

    private static void Walk(JsonNode? node, string panel, Action<JsonObject> visit) => Walk(node, panel, (o, _) => visit(o));

    private static void Walk(JsonNode? node, string panel, Action<JsonObject, string> visit)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["type"] is not null && o["title"]?.ToString() is { Length: > 0 } t && (o["targets"] is not null || o["gridPos"] is not null)) panel = t;
                visit(o, panel);
                foreach (var (_, child) in o.ToList()) Walk(child, panel, visit);
                break;
            case JsonArray a:
                foreach (var child in a.ToList()) Walk(child, panel, visit);
                break;
        }
    }
}
