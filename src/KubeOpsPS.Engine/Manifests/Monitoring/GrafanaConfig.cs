using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Yaml;
using static KubeOpsPS.Engine.Manifests.Monitoring.MonitoringConfig;

namespace KubeOpsPS.Engine.Manifests.Monitoring;

/// <summary>
/// Grafana's provisioning files (the datasource and the dashboard provider, read at start-up from
/// /etc/grafana/provisioning) and the dashboards the module ships. The seed clicked its datasource together in the UI;
/// provisioning makes it part of the install.
/// </summary>
public static class GrafanaConfig
{
    public const string DatasourceUid = "prometheus";
    public const string DatasourceName = "Prometheus";
    public const string DatasourcesFile = "datasources.yaml";
    public const string ProvidersFile = "dashboards.yaml";
    public const string ProvisioningDir = "/etc/grafana/provisioning";
    public const string DashboardsDir = "/var/lib/grafana/dashboards";
    public const string Folder = "Kubernetes";

    /// <summary>datasources.yaml: Prometheus in "proxy" access mode (Grafana's server queries it; the UI calls it "Server"), the seed's choice.</summary>
    public static string Datasources(string ns) => KoYaml.WriteDocument(new JsonObject
    {
        ["apiVersion"] = 1,
        ["datasources"] = new JsonArray(new JsonObject
        {
            ["name"] = DatasourceName, ["type"] = "prometheus", ["uid"] = DatasourceUid, ["access"] = "proxy",
            ["url"] = $"http://{MonitoringBundle.Prometheus}.{ns}.svc:9090{PrometheusPrefix}",
            ["isDefault"] = true, ["editable"] = false,
            ["jsonData"] = new JsonObject { ["httpMethod"] = "POST", ["timeInterval"] = "30s" },
        }),
    });

    /// <summary>dashboards.yaml: one file provider reading every JSON file in the dashboards folder.</summary>
    public static string Providers() => KoYaml.WriteDocument(new JsonObject
    {
        ["apiVersion"] = 1,
        ["providers"] = new JsonArray(new JsonObject
        {
            ["name"] = "kubeops", ["orgId"] = 1, ["folder"] = Folder, ["type"] = "file",
            ["disableDeletion"] = false, ["allowUiUpdates"] = false, ["updateIntervalSeconds"] = 30,
            ["options"] = new JsonObject { ["path"] = DashboardsDir, ["foldersFromFilesStructure"] = false },
        }),
    });

    /// <summary>The dashboards the module ships, file name → JSON.</summary>
    public static IReadOnlyDictionary<string, string> ShippedDashboards() => new Dictionary<string, string>
    {
        ["kubeops-cluster-overview.json"] = ClusterOverview().ToJsonString(),
        ["kubeops-node.json"] = Node().ToJsonString(),
    };

    public static JsonObject ClusterOverview() => Dashboard("kubeops-cluster-overview", "Kubernetes / Cluster overview", [],
    [
        Stat("Nodes ready", "sum(kube_node_status_condition{condition=\"Ready\",status=\"true\"})", 0, 0),
        Stat("Pods running", "sum(kube_pod_status_phase{phase=\"Running\"})", 6, 0),
        Stat("Targets down", "count(up == 0) or vector(0)", 12, 0),
        Stat("Alerts firing", "count(ALERTS{alertstate=\"firing\"}) or vector(0)", 18, 0),
        Series("CPU by namespace (cores)", "sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=\"\"}[5m]))", "{{namespace}}", "short", 0, 4),
        Series("Memory by namespace", "sum by (namespace) (container_memory_working_set_bytes{container!=\"\"})", "{{namespace}}", "bytes", 12, 4),
        Series("Unavailable replicas", "sum by (namespace, deployment) (kube_deployment_status_replicas_unavailable) > 0", "{{namespace}}/{{deployment}}", "short", 0, 12),
        Series("Container restarts (1h)", "sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[1h])) > 0", "{{namespace}}/{{pod}}", "short", 12, 12),
    ]);

    public static JsonObject Node()
    {
        const string sel = "node=~\"$node\"";
        var variable = new JsonObject
        {
            ["name"] = "node", ["label"] = "Node", ["type"] = "query", ["datasource"] = Datasource(),
            ["query"] = new JsonObject { ["query"] = "label_values(node_uname_info, node)", ["refId"] = "node" },
            ["refresh"] = 2, ["includeAll"] = true, ["multi"] = true, ["current"] = new JsonObject(),
        };
        return Dashboard("kubeops-node", "Kubernetes / Node", [variable],
        [
            Series("CPU busy", $"1 - avg by (node) (rate(node_cpu_seconds_total{{mode=\"idle\",{sel}}}[5m]))", "{{node}}", "percentunit", 0, 0),
            Series("Memory used", $"1 - node_memory_MemAvailable_bytes{{{sel}}} / node_memory_MemTotal_bytes{{{sel}}}", "{{node}}", "percentunit", 12, 0),
            Series("Load (1m)", $"node_load1{{{sel}}}", "{{node}}", "short", 0, 8),
            Series("File system free", $"node_filesystem_avail_bytes{{fstype!~\"tmpfs|overlay|squashfs\",{sel}}} / node_filesystem_size_bytes{{fstype!~\"tmpfs|overlay|squashfs\",{sel}}}", "{{node}} {{mountpoint}}", "percentunit", 12, 8),
            Series("Network received", $"sum by (node) (rate(node_network_receive_bytes_total{{device!=\"lo\",{sel}}}[5m]))", "{{node}}", "Bps", 0, 16),
            Series("Network sent", $"sum by (node) (rate(node_network_transmit_bytes_total{{device!=\"lo\",{sel}}}[5m]))", "{{node}}", "Bps", 12, 16),
        ]);
    }

    /// <summary>A reference to the provisioned Prometheus datasource, as panels and variables carry it.</summary>
    public static JsonObject Datasource() => new() { ["type"] = "prometheus", ["uid"] = DatasourceUid };

    private static JsonObject Dashboard(string uid, string title, JsonNode[] variables, JsonNode[] panels)
    {
        var id = 1;
        foreach (var p in panels) p!["id"] = id++;
        return new JsonObject
        {
            ["id"] = null, ["uid"] = uid, ["title"] = title, ["tags"] = new JsonArray("kubeops", "kubernetes"),
            ["timezone"] = "browser", ["editable"] = true, ["schemaVersion"] = 39, ["version"] = 1, ["refresh"] = "30s",
            ["time"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" },
            ["templating"] = new JsonObject { ["list"] = new JsonArray(variables) },
            ["panels"] = new JsonArray(panels),
        };
    }

    private static JsonObject Target(string expr, string? legend) => new()
    {
        ["refId"] = "A", ["datasource"] = Datasource(), ["expr"] = expr, ["legendFormat"] = legend, ["range"] = true,
    };

    private static JsonObject Stat(string title, string expr, int x, int y) => new()
    {
        ["type"] = "stat", ["title"] = title, ["datasource"] = Datasource(),
        ["gridPos"] = new JsonObject { ["x"] = x, ["y"] = y, ["w"] = 6, ["h"] = 4 },
        ["targets"] = new JsonArray(Target(expr, null)),
        ["options"] = new JsonObject { ["reduceOptions"] = new JsonObject { ["calcs"] = new JsonArray("lastNotNull") } },
    };

    private static JsonObject Series(string title, string expr, string legend, string unit, int x, int y) => new()
    {
        ["type"] = "timeseries", ["title"] = title, ["datasource"] = Datasource(),
        ["gridPos"] = new JsonObject { ["x"] = x, ["y"] = y, ["w"] = 12, ["h"] = 8 },
        ["targets"] = new JsonArray(Target(expr, legend)),
        ["fieldConfig"] = new JsonObject { ["defaults"] = new JsonObject { ["unit"] = unit }, ["overrides"] = new JsonArray() },
    };
}
