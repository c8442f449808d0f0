using System.Text.Json;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Monitoring;

/// <summary>
/// Grafana is not packaged in Debian, so its provisioning files are checked against the documented schema
/// (grafana.com/docs/grafana/latest/administration/provisioning/): every key we write is a documented key, with the
/// documented type and value.
/// </summary>
public class GrafanaProvisioningTests
{
    private static readonly Dictionary<string, JsonValueKind> DatasourceKeys = new()
    {
        ["name"] = JsonValueKind.String, ["type"] = JsonValueKind.String, ["uid"] = JsonValueKind.String, ["access"] = JsonValueKind.String,
        ["url"] = JsonValueKind.String, ["isDefault"] = JsonValueKind.True, ["editable"] = JsonValueKind.False, ["orgId"] = JsonValueKind.Number,
        ["jsonData"] = JsonValueKind.Object, ["secureJsonData"] = JsonValueKind.Object, ["version"] = JsonValueKind.Number, ["basicAuth"] = JsonValueKind.False,
    };

    private static readonly Dictionary<string, JsonValueKind> ProviderKeys = new()
    {
        ["name"] = JsonValueKind.String, ["orgId"] = JsonValueKind.Number, ["folder"] = JsonValueKind.String, ["folderUid"] = JsonValueKind.String,
        ["type"] = JsonValueKind.String, ["disableDeletion"] = JsonValueKind.False, ["updateIntervalSeconds"] = JsonValueKind.Number,
        ["allowUiUpdates"] = JsonValueKind.False, ["options"] = JsonValueKind.Object,
    };

    private static void KeysAreDocumented(JsonObject o, Dictionary<string, JsonValueKind> documented)
    {
        foreach (var (key, value) in o)
        {
            Assert.True(documented.TryGetValue(key, out var kind), $"'{key}' is not a documented key");
            var actual = value!.GetValueKind();
            if (kind is JsonValueKind.True or JsonValueKind.False) Assert.True(actual is JsonValueKind.True or JsonValueKind.False, $"'{key}' must be a boolean");
            else Assert.Equal(kind, actual);
        }
    }

    [Fact]
    public void TheDatasourceFileFollowsTheDocumentedSchema()
    {
        var doc = (JsonObject)KoYaml.ReadDocument(GrafanaConfig.Datasources("mon"), "datasources.yaml")!;
        Assert.Equal(["apiVersion", "datasources"], doc.Select(p => p.Key));
        Assert.Equal(1, doc["apiVersion"]!.GetValue<int>());
        var ds = doc["datasources"]!.AsArray().Single()!.AsObject();
        KeysAreDocumented(ds, DatasourceKeys);
        Assert.Equal("prometheus", ds["type"]!.ToString());
        Assert.Equal("proxy", ds["access"]!.ToString()); // "Server" in the UI: Grafana's back end queries Prometheus
        Assert.Equal(GrafanaConfig.DatasourceUid, ds["uid"]!.ToString());
        Assert.Equal("http://prometheus.mon.svc:9090/prometheus", ds["url"]!.ToString());
        Assert.True(ds["isDefault"]!.GetValue<bool>());
        Assert.Equal(["httpMethod", "timeInterval"], ds["jsonData"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal("POST", ds["jsonData"]!["httpMethod"]!.ToString());
    }

    [Fact]
    public void TheDashboardProviderFollowsTheDocumentedSchema()
    {
        var doc = (JsonObject)KoYaml.ReadDocument(GrafanaConfig.Providers(), "dashboards.yaml")!;
        Assert.Equal(1, doc["apiVersion"]!.GetValue<int>());
        var p = doc["providers"]!.AsArray().Single()!.AsObject();
        KeysAreDocumented(p, ProviderKeys);
        Assert.Equal("file", p["type"]!.ToString());
        Assert.Equal(["foldersFromFilesStructure", "path"], p["options"]!.AsObject().Select(x => x.Key).Order());
        Assert.Equal(GrafanaConfig.DashboardsDir, p["options"]!["path"]!.ToString());
    }

    [Theory]
    [InlineData("kubeops-cluster-overview.json")]
    [InlineData("kubeops-node.json")]
    public void ShippedDashboardsUseTheProvisionedDatasourceAndCurrentPanels(string file)
    {
        var json = GrafanaConfig.ShippedDashboards()[file];
        var dash = JsonNode.Parse(json)!.AsObject();
        Assert.Null(dash["id"]);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), dash["uid"]!.ToString());
        Assert.True(dash["uid"]!.ToString().Length <= 40);
        Assert.DoesNotContain("${DS_", json, StringComparison.Ordinal);
        var panels = dash["panels"]!.AsArray();
        Assert.True(panels.Count >= 4);
        Assert.All(panels, p =>
        {
            Assert.Contains(p!["type"]!.ToString(), new[] { "stat", "timeseries" });
            Assert.Equal(GrafanaConfig.DatasourceUid, p["datasource"]!["uid"]!.ToString());
            Assert.All(p["targets"]!.AsArray(), t => Assert.False(string.IsNullOrEmpty(t!["expr"]!.ToString())));
            foreach (var k in new[] { "x", "y", "w", "h" }) Assert.Equal(JsonValueKind.Number, p["gridPos"]![k]!.GetValueKind());
        });
        // Nothing a fixer would change: no removed panels, no renamed names.
        Assert.Empty(DashboardFixer.Fix(json, file).Issues);
    }

    [Fact]
    public void ShippedDashboardQueriesParseAsPromql()
    {
        // promtool parses each query as the expression of a recording rule.
        var exprs = GrafanaConfig.ShippedDashboards().Values.SelectMany(j => JsonNode.Parse(j)!["panels"]!.AsArray())
            .SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.ToString().Replace("$node", "n1", StringComparison.Ordinal)).ToList();
        var rules = new JsonObject
        {
            ["groups"] = new JsonArray(new JsonObject
            {
                ["name"] = "dashboards",
                ["rules"] = new JsonArray(exprs.Select((e, i) => (JsonNode?)new JsonObject { ["record"] = $"dashboard:query{i}", ["expr"] = e }).ToArray()),
            }),
        };
        var check = KubeOpsPS.Engine.Runtime.Monitoring.PromTool.CheckRules(new Dictionary<string, string> { ["dashboards.rules.yml"] = KoYaml.WriteDocument(rules) });
        Assert.True(check.Passed, check.Output);
    }
}

public class DashboardFixerTests
{
    // The shape of a grafana.com download of the seed's era (dashboard 315 style): __inputs, Angular graph and
    // singlestat panels, old cAdvisor labels and node-exporter names, a Docker-only selector.
    private const string Legacy = """
        {
          "__inputs": [
            { "name": "DS_PROMETHEUS", "label": "prometheus", "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus" },
            { "name": "DS_INFLUX", "label": "influx", "type": "datasource", "pluginId": "influxdb", "pluginName": "InfluxDB" }
          ],
          "__requires": [ { "type": "panel", "id": "graph" } ],
          "id": 315,
          "title": "Kubernetes cluster monitoring (via Prometheus)",
          "rows": [
            { "panels": [
              { "id": 1, "type": "graph", "title": "Pods CPU usage", "datasource": "${DS_PROMETHEUS}",
                "targets": [ { "expr": "sum (rate (container_cpu_usage_seconds_total{image!=\"\",name=~\"^k8s_.*\",kubernetes_io_hostname=~\"^$Node$\"}[1m])) by (pod_name)", "legendFormat": "{{ pod_name }}" } ] },
              { "id": 2, "type": "singlestat", "title": "Memory", "datasource": { "type": "prometheus", "uid": "${DS_PROMETHEUS}" },
                "targets": [ { "expr": "sum(node_memory_MemTotal) - sum(node_memory_MemFree)" } ] },
              { "id": 3, "type": "grafana-worldmap-panel", "title": "Map", "datasource": "${DS_INFLUX}" }
            ] }
          ],
          "templating": { "list": [
            { "name": "Node", "type": "query", "datasource": "${DS_PROMETHEUS}", "query": "label_values(kubernetes_io_hostname)" },
            { "name": "pod_name", "type": "query", "datasource": "${DS_PROMETHEUS}", "query": "label_values(container_memory_usage_bytes, pod_name)" }
          ] }
        }
        """;

    [Fact]
    public void PrometheusInputsAreBoundToTheProvisionedDatasource()
    {
        var f = DashboardFixer.Fix(Legacy, "315.json");
        var json = f.Json.ToJsonString();
        Assert.DoesNotContain("${DS_PROMETHEUS}", json, StringComparison.Ordinal);
        Assert.Null(f.Json["__inputs"]);
        Assert.Null(f.Json["__requires"]);
        Assert.Null(f.Json["id"]);
        Assert.Equal("315", f.Uid);
        Assert.Equal("315.json", f.FileName);
        var panels = f.Json["rows"]![0]!["panels"]!.AsArray();
        Assert.Equal("prometheus", panels[0]!["datasource"]!["uid"]!.ToString());     // the old string form became a reference
        Assert.Equal("prometheus", panels[0]!["datasource"]!["type"]!.ToString());
        Assert.Equal("prometheus", panels[1]!["datasource"]!["uid"]!.ToString());     // the object form got the uid
        Assert.Equal("${DS_INFLUX}", panels[2]!["datasource"]!.ToString());           // not ours to bind: left and reported
        Assert.Contains(f.Issues, i => i.Kind == "DatasourceInput" && i.Fixed && i.Detail.Contains("DS_PROMETHEUS", StringComparison.Ordinal));
        Assert.Contains(f.Issues, i => i.Kind == "DatasourceInput" && !i.Fixed && i.Detail.Contains("influxdb", StringComparison.Ordinal));
    }

    [Fact]
    public void RemovedPanelTypesAreReplacedWhereAMappingIsKnownAndReportedOtherwise()
    {
        var f = DashboardFixer.Fix(Legacy, "315.json");
        var panels = f.Json["rows"]![0]!["panels"]!.AsArray();
        Assert.Equal("timeseries", panels[0]!["type"]!.ToString());
        Assert.Equal("stat", panels[1]!["type"]!.ToString());
        Assert.Equal("grafana-worldmap-panel", panels[2]!["type"]!.ToString());
        Assert.Contains(f.Issues, i => i is { Kind: "RemovedPanelType", Panel: "Pods CPU usage", Fixed: true });
        Assert.Contains(f.Issues, i => i is { Kind: "RemovedPanelType", Panel: "Map", Fixed: false });
    }

    [Fact]
    public void RenamedLabelsAndMetricsAreRewrittenInQueriesButVariablesKeepTheirNames()
    {
        var f = DashboardFixer.Fix(Legacy, "315.json");
        var panels = f.Json["rows"]![0]!["panels"]!.AsArray();
        Assert.Equal("sum (rate (container_cpu_usage_seconds_total{image!=\"\",name=~\"^k8s_.*\",kubernetes_io_hostname=~\"^$Node$\"}[1m])) by (pod)", panels[0]!["targets"]![0]!["expr"]!.ToString());
        Assert.Equal("sum(node_memory_MemTotal_bytes) - sum(node_memory_MemFree_bytes)", panels[1]!["targets"]![0]!["expr"]!.ToString());
        Assert.Equal("{{ pod }}", panels[0]!["targets"]![0]!["legendFormat"]!.ToString());
        var vars = f.Json["templating"]!["list"]!.AsArray();
        Assert.Equal("label_values(container_memory_usage_bytes, pod)", vars[1]!["query"]!.ToString());
        Assert.Equal("pod_name", vars[1]!["name"]!.ToString()); // a variable's own name is not a query
        Assert.Contains(f.Issues, i => i is { Kind: "RenamedName", Panel: "Pods CPU usage", Fixed: true } && i.Detail.StartsWith("pod_name → pod", StringComparison.Ordinal));
        Assert.Contains(f.Issues, i => i is { Kind: "DockerEraSelector", Panel: "Pods CPU usage", Fixed: false });
    }

    [Fact]
    public void AFixedDashboardNeedsNoSecondFix()
    {
        var once = DashboardFixer.Fix(Legacy, "315.json");
        var twice = DashboardFixer.Fix(once.Json.ToJsonString(), "315.json");
        Assert.DoesNotContain(twice.Issues, i => i.Fixed);
        Assert.Equal(once.Json.ToJsonString(), twice.Json.ToJsonString());
    }

    [Fact]
    public void AnExportWrappedByTheApiIsUnwrapped()
    {
        var wrapped = $$"""{ "meta": { "slug": "x" }, "dashboard": { "uid": "abc", "title": "T", "panels": [] } }""";
        var f = DashboardFixer.Fix(wrapped, "x.json");
        Assert.Equal("abc", f.Uid);
        Assert.Equal("T", f.Title);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{ \"title\": \"no panels\" }")]
    public void WhatIsNotADashboardIsRefused(string text)
    {
        var e = Assert.Throws<KoValidationException>(() => DashboardFixer.Fix(text, "bad.json"));
        Assert.Equal("-Path", e.Field);
        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
    }

    // ---- Grafana 13 v2 dashboards

    private static string V2Fixture() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Monitoring", "Fixtures", "v2-node.json"));

    /// <summary>
    /// What Grafana's classic dashboard path (file provisioning, POST /api/dashboards/db) refuses, as its own API tests
    /// state it (grafana/grafana pkg/tests/apis/dashboard): top-level apiVersion, metadata or spec ("appears to be a full
    /// k8s style resource"), elements or layout ("dashboard appears to be in v2 format"), a missing title.
    /// </summary>
    internal static void ClassicProvisioningAccepts(JsonObject dash)
    {
        foreach (var key in new[] { "apiVersion", "metadata", "spec", "elements", "layout" }) Assert.False(dash.ContainsKey(key), $"top-level '{key}' makes Grafana refuse the file");
        Assert.False(string.IsNullOrEmpty(dash["title"]?.ToString()), "Dashboard is missing required title property");
        Assert.IsType<JsonArray>(dash["panels"]);
        Assert.Equal(JsonValueKind.Number, dash["schemaVersion"]?.GetValueKind());
        foreach (var p in dash["panels"]!.AsArray().SelectMany(p => new[] { p! }.Concat(p!["panels"]?.AsArray() ?? [])))
        {
            Assert.True(!string.IsNullOrEmpty(p!["type"]?.ToString()) || p["libraryPanel"] is not null, $"panel '{p["title"]}' has no type");
            foreach (var k in new[] { "x", "y", "w", "h" }) Assert.Equal(JsonValueKind.Number, p["gridPos"]![k]!.GetValueKind());
        }
    }

    [Theory]
    [InlineData("kubeops-cluster-overview.json")]
    [InlineData("kubeops-node.json")]
    public void ShippedDashboardsAreClassicDashboardsGrafana13FileProvisioningLoads(string file)
    {
        var dash = JsonNode.Parse(GrafanaConfig.ShippedDashboards()[file])!.AsObject();
        ClassicProvisioningAccepts(dash);
        Assert.Null(DashboardV2.Spec(dash));
    }

    [Fact]
    public void AV2DashboardIsConvertedToTheClassicModelPanelByPanel()
    {
        var f = DashboardFixer.Fix(V2Fixture(), "exported.json");
        ClassicProvisioningAccepts(f.Json);
        Assert.Equal("node-v2", f.Uid); // metadata.name
        Assert.Equal("node-v2.json", f.FileName);
        Assert.Equal("Node (v2 export)", f.Title);
        var d = f.Json;
        Assert.Equal(1, (int)d["graphTooltip"]!); // cursorSync Crosshair
        Assert.Equal(("now-3h", "now", "utc", "1m"), ((string?)d["time"]!["from"], (string?)d["time"]!["to"], (string?)d["timezone"], (string?)d["refresh"]));
        Assert.Equal(["30s", "1m", "5m"], d["timepicker"]!["refresh_intervals"]!.AsArray().Select(x => (string?)x));
        Assert.Equal("https://runbooks.example.com/node", (string?)d["links"]![0]!["url"]);
        Assert.False(d["links"]![0]!.AsObject().ContainsKey("placement"));
        var annotation = d["annotations"]!["list"]![0]!;
        Assert.Equal((1, "dashboard", "grafana"), ((int)annotation["builtIn"]!, (string?)annotation["type"], (string?)annotation["datasource"]!["type"]));

        // Layout: an open row followed by its panels, a collapsed row holding its (auto-grid) panels.
        var panels = d["panels"]!.AsArray();
        Assert.Equal(["row", "timeseries", "stat", "row"], panels.Select(p => (string?)p!["type"]));
        Assert.Equal(("Overview", false, 0), ((string?)panels[0]!["title"], (bool)panels[0]!["collapsed"]!, (int)panels[0]!["gridPos"]!["y"]!));
        var cpu = panels[1]!;
        Assert.Equal((0, 1, 16, 8), ((int)cpu["gridPos"]!["x"]!, (int)cpu["gridPos"]!["y"]!, (int)cpu["gridPos"]!["w"]!, (int)cpu["gridPos"]!["h"]!));
        Assert.Equal(("node", "h", 4), ((string?)cpu["repeat"], (string?)cpu["repeatDirection"], (int)cpu["maxPerRow"]!));
        Assert.Equal("13.2.3", (string?)cpu["pluginVersion"]);
        Assert.Equal("percentunit", (string?)cpu["fieldConfig"]!["defaults"]!["unit"]);
        Assert.Equal("multi", (string?)cpu["options"]!["tooltip"]!["mode"]);
        Assert.Equal(("30s", 500), ((string?)cpu["interval"], (int)cpu["maxDataPoints"]!));
        var target = cpu["targets"]![0]!;
        Assert.Equal("A", (string?)target["refId"]);
        Assert.Equal("{{node}}", (string?)target["legendFormat"]);
        Assert.Contains("node_cpu_seconds_total{", (string?)target["expr"]); // then the fixer's renames ran on the converted queries
        Assert.Equal(GrafanaConfig.DatasourceUid, (string?)target["datasource"]!["uid"]);
        Assert.Equal(GrafanaConfig.DatasourceUid, (string?)cpu["datasource"]!["uid"]);
        var stat = panels[2]!;
        Assert.Equal([false, true], stat["targets"]!.AsArray().Select(t => t!["hide"] is { } h && (bool)h));
        Assert.Equal("merge", (string?)stat["transformations"]![0]!["id"]);
        var details = panels[3]!;
        Assert.True((bool)details["collapsed"]!);
        var inside = details["panels"]!.AsArray();
        Assert.Equal(["Network received", "Disk latency"], inside.Select(p => (string?)p!["title"]));
        Assert.Equal(((int)details["gridPos"]!["y"]! + 1, 0, 12), ((int)inside[0]!["gridPos"]!["y"]!, (int)inside[0]!["gridPos"]!["x"]!, (int)inside[0]!["gridPos"]!["w"]!));
        Assert.Equal(12, (int)inside[1]!["gridPos"]!["x"]!); // second of two auto-grid columns
        Assert.Equal("lib-disk-latency", (string?)inside[1]!["libraryPanel"]!["uid"]);

        // Variables: query and custom converted with their enums; the switch has no classic form.
        var vars = d["templating"]!["list"]!.AsArray();
        Assert.Equal(["node", "window"], vars.Select(v => (string?)v!["name"]));
        var node = vars[0]!;
        Assert.Equal(("query", 2, 1, 0), ((string?)node["type"], (int)node["refresh"]!, (int)node["sort"]!, (int)node["hide"]!));
        Assert.Equal("label_values(node_uname_info, node)", (string?)node["query"]!["query"]);
        Assert.Equal(GrafanaConfig.DatasourceUid, (string?)node["datasource"]!["uid"]);
        Assert.True((bool)node["multi"]! && (bool)node["includeAll"]!);
        Assert.Equal(("custom", "1m,5m,15m"), ((string?)vars[1]!["type"], (string?)vars[1]!["query"]));
    }

    [Fact]
    public void WhatAV2DashboardSaysAndTheClassicModelCannotIsReportedPrecisely()
    {
        var f = DashboardFixer.Fix(V2Fixture(), "exported.json");
        var fixedIssues = f.Issues.Where(i => i.Fixed).Select(i => i.Kind).ToList();
        Assert.Contains("V2Converted", fixedIssues);
        Assert.Contains(f.Issues, i => i.Kind == "DatasourceBound" && i.Detail.Contains("'prom-main'", StringComparison.Ordinal) && i.Fixed);
        var lost = f.Issues.Where(i => !i.Fixed).Select(i => $"{i.Panel}: {i.Detail}").ToList();
        Assert.Contains(lost, l => l.StartsWith("variable 'detailed': variable kind 'SwitchVariable' has no classic equivalent", StringComparison.Ordinal));
        Assert.Contains(lost, l => l.StartsWith("panel 'Disk latency': library panel 'Disk latency' (uid lib-disk-latency) is referenced", StringComparison.Ordinal));
        Assert.Contains(lost, l => l.StartsWith("row 'Details': an AutoGridLayout was converted to fixed positions (2 columns", StringComparison.Ordinal));
        Assert.Contains(lost, l => l.StartsWith("panel 'Network received': time comparison", StringComparison.Ordinal));
        Assert.Contains(lost, l => l.StartsWith("element 'panel-5': is not placed by the layout", StringComparison.Ordinal));
        Assert.Equal(5, lost.Count);
    }

    [Fact]
    public void AV2SpecInTheClassicEnvelopeOrBareConvertsTheSame()
    {
        var resource = JsonNode.Parse(V2Fixture())!.AsObject();
        var spec = resource["spec"]!.DeepClone().AsObject();
        var viaResource = DashboardFixer.Fix(resource.ToJsonString(), "node-v2.json");
        var envelope = new JsonObject { ["meta"] = new JsonObject { ["slug"] = "node" }, ["dashboard"] = spec.DeepClone() };
        var bare = spec.DeepClone();
        foreach (var text in new[] { envelope.ToJsonString(), bare.ToJsonString() })
        {
            var f = DashboardFixer.Fix(text, "node-v2.json"); // the file name gives the uid the resource's metadata gave
            ClassicProvisioningAccepts(f.Json);
            Assert.Equal(viaResource.Json.ToJsonString(), f.Json.ToJsonString());
            Assert.Contains(f.Issues, i => i.Kind == "V2Converted" && i.Detail.Contains("without its resource wrapper", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AConvertedV2DashboardNeedsNoSecondConversion()
    {
        var once = DashboardFixer.Fix(V2Fixture(), "exported.json");
        var twice = DashboardFixer.Fix(once.Json.ToJsonString(), once.FileName);
        Assert.Equal(once.Json.ToJsonString(), twice.Json.ToJsonString());
        Assert.DoesNotContain(twice.Issues, i => i.Kind is "V2Converted" or "V2NotConverted");
    }
}
