using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Monitoring;

/// <summary>
/// Renders the config files of the stack (prometheus.yml, alertmanager.yml) from options, as JSON trees written
/// once by the project's YAML writer. Pure: no I/O.
/// </summary>
public static class MonitoringConfig
{
    public const string PrometheusFile = "prometheus.yml";
    public const string AlertmanagerFile = "alertmanager.yml";
    /// <summary>A rule file holding one recording rule whose value identifies the ConfigMap's content (see <see cref="Revision"/>).</summary>
    public const string RevisionFile = "kubeops-revision.rules.yml";
    public const string RevisionGroup = "kubeops-revision";
    public const string RevisionMetric = "kubeops_config_revision";
    /// <summary>Where the Prometheus config ConfigMap is mounted (whole volume, never subPath, so updates reach the pod).</summary>
    public const string PrometheusConfigDir = "/etc/prometheus/config";
    public const string AlertmanagerConfigDir = "/etc/alertmanager/config";
    public const string AlertmanagerSecretDir = "/etc/alertmanager/secrets";
    public const string SmtpPasswordKey = "smtp-password";
    /// <summary>Alertmanager's global key (0.31+) for SMTP over TLS from the first byte.</summary>
    public const string ImplicitTlsKey = "smtp_force_implicit_tls";
    public const string KubeletCaDir = "/etc/prometheus/kubelet-ca";
    public const string PrometheusPrefix = "/prometheus";
    public const string AlertmanagerPrefix = "/alertmanager";
    private const string SaDir = "/var/run/secrets/kubernetes.io/serviceaccount";

    // ------------------------------------------------------------------ prometheus.yml

    public static string Prometheus(MonitoringOptions o, string ns)
    {
        JsonObject Sd(string role, params string[] namespaces)
        {
            var sd = new JsonObject { ["role"] = role };
            if (namespaces.Length > 0) sd["namespaces"] = new JsonObject { ["names"] = Array(namespaces) };
            return sd;
        }
        JsonObject Relabel(string? action = null, string[]? source = null, string? regex = null, string? target = null, string? replacement = null)
        {
            var r = new JsonObject();
            if (source is not null) r["source_labels"] = Array(source);
            if (action is not null) r["action"] = action;
            if (regex is not null) r["regex"] = regex;
            if (target is not null) r["target_label"] = target;
            if (replacement is not null) r["replacement"] = replacement;
            return r;
        }
        JsonObject ClusterAuth() => new() { ["credentials_file"] = $"{SaDir}/token" };

        JsonObject Kubelet(string job, string path)
        {
            var relabel = new JsonArray { Relabel("labelmap", regex: "__meta_kubernetes_node_label_(.+)"), Relabel(source: ["__meta_kubernetes_node_name"], target: "node") };
            JsonObject tls;
            switch (o.KubeletScrape)
            {
                case KubeletScrape.ApiServerProxy:
                    tls = new JsonObject { ["ca_file"] = $"{SaDir}/ca.crt" };
                    relabel.Add(Relabel(target: "__address__", replacement: "kubernetes.default.svc:443"));
                    relabel.Add(Relabel(source: ["__meta_kubernetes_node_name"], regex: "(.+)", target: "__metrics_path__", replacement: $"/api/v1/nodes/$1/proxy{path}"));
                    break;
                case KubeletScrape.DirectWithCa:
                    tls = new JsonObject { ["ca_file"] = $"{KubeletCaDir}/ca.crt" };
                    relabel.Add(Relabel(target: "__metrics_path__", replacement: path));
                    break;
                default:
                    tls = new JsonObject { ["insecure_skip_verify"] = true };
                    relabel.Add(Relabel(target: "__metrics_path__", replacement: path));
                    break;
            }
            return new JsonObject
            {
                ["job_name"] = job, ["scheme"] = "https", ["tls_config"] = tls, ["authorization"] = ClusterAuth(),
                ["kubernetes_sd_configs"] = new JsonArray(Sd("node")), ["relabel_configs"] = relabel,
            };
        }

        // Objects that ask to be scraped with prometheus.io/* annotations (the common convention; scheme, path, port optional).
        JsonObject Annotated(string job, string role, string meta)
        {
            var relabel = new JsonArray
            {
                Relabel("keep", [$"__meta_kubernetes_{meta}_annotation_prometheus_io_scrape"], "true"),
                Relabel(source: [$"__meta_kubernetes_{meta}_annotation_prometheus_io_scheme"], regex: "(https?)", target: "__scheme__"),
                Relabel(source: [$"__meta_kubernetes_{meta}_annotation_prometheus_io_path"], regex: "(.+)", target: "__metrics_path__"),
                Relabel(source: ["__address__", $"__meta_kubernetes_{meta}_annotation_prometheus_io_port"], regex: @"(.+?)(?::\d+)?;(\d+)", target: "__address__", replacement: "$1:$2"),
                Relabel("labelmap", regex: $"__meta_kubernetes_{meta}_label_(.+)"),
                Relabel(source: ["__meta_kubernetes_namespace"], target: "namespace"),
                Relabel(source: [$"__meta_kubernetes_{(meta == "pod" ? "pod_name" : "service_name")}"], target: meta == "pod" ? "pod" : "service"),
            };
            if (meta == "pod") relabel.Insert(1, Relabel("drop", ["__meta_kubernetes_pod_phase"], "Pending|Succeeded|Failed"));
            return new JsonObject { ["job_name"] = job, ["kubernetes_sd_configs"] = new JsonArray(Sd(role)), ["relabel_configs"] = relabel };
        }

        var ruleFiles = Array("*.rules.yml");
        var doc = new JsonObject
        {
            ["global"] = new JsonObject { ["scrape_interval"] = "30s", ["evaluation_interval"] = "30s" },
            ["rule_files"] = ruleFiles,
            ["alerting"] = new JsonObject
            {
                ["alertmanagers"] = new JsonArray(new JsonObject
                {
                    ["path_prefix"] = AlertmanagerPrefix,
                    ["static_configs"] = new JsonArray(new JsonObject { ["targets"] = Array($"{MonitoringBundle.Alertmanager}.{ns}.svc:9093") }),
                }),
            },
            ["scrape_configs"] = new JsonArray
            {
                new JsonObject
                {
                    ["job_name"] = "prometheus", ["metrics_path"] = $"{PrometheusPrefix}/metrics",
                    ["static_configs"] = new JsonArray(new JsonObject { ["targets"] = Array("localhost:9090") }),
                },
                new JsonObject
                {
                    ["job_name"] = "alertmanager", ["metrics_path"] = $"{AlertmanagerPrefix}/metrics",
                    ["static_configs"] = new JsonArray(new JsonObject { ["targets"] = Array($"{MonitoringBundle.Alertmanager}.{ns}.svc:9093") }),
                },
                new JsonObject
                {
                    ["job_name"] = "kubernetes-apiservers", ["scheme"] = "https",
                    ["tls_config"] = new JsonObject { ["ca_file"] = $"{SaDir}/ca.crt" }, ["authorization"] = ClusterAuth(),
                    ["kubernetes_sd_configs"] = new JsonArray(Sd("endpointslice", "default")),
                    ["relabel_configs"] = new JsonArray(Relabel("keep", ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"], "kubernetes;https")),
                },
                Kubelet("kubernetes-nodes", "/metrics"),
                Kubelet("kubernetes-cadvisor", "/metrics/cadvisor"),
                new JsonObject
                {
                    ["job_name"] = "node-exporter",
                    ["kubernetes_sd_configs"] = new JsonArray(Sd("endpointslice", ns)),
                    ["relabel_configs"] = new JsonArray(
                        Relabel("keep", ["__meta_kubernetes_service_name"], MonitoringBundle.NodeExporter),
                        Relabel(source: ["__meta_kubernetes_pod_node_name"], target: "node")),
                },
                new JsonObject
                {
                    // kube-state-metrics' namespace/pod labels describe the objects it reports on: keep them.
                    ["job_name"] = "kube-state-metrics", ["honor_labels"] = true,
                    ["static_configs"] = new JsonArray(new JsonObject { ["targets"] = Array($"{MonitoringBundle.KubeStateMetrics}.{ns}.svc:8080") }),
                },
                Annotated("kubernetes-service-endpoints", "endpointslice", "service"),
                Annotated("kubernetes-pods", "pod", "pod"),
            },
        };
        return KoYaml.WriteDocument(doc);
    }

    // ------------------------------------------------------------------ alertmanager.yml

    public static string Alertmanager(MonitoringOptions o)
    {
        var global = new JsonObject { ["resolve_timeout"] = "5m" };
        var receivers = new JsonArray { new JsonObject { ["name"] = "null" } };
        var receiver = "null";
        if (o.SmtpServer is not null)
        {
            global["smtp_smarthost"] = SmtpServer(o.SmtpServer);
            global["smtp_from"] = Address(o.From, "-From");
            if (o.SmtpCredential is { } c)
            {
                global["smtp_auth_username"] = Validate.Required(c.UserName, "-SmtpCredential");
                global["smtp_auth_password_file"] = $"{AlertmanagerSecretDir}/{SmtpPasswordKey}";
            }
            global["smtp_require_tls"] = o.SmtpRequireTls;
            // Alertmanager picks implicit TLS by port 465 when this is unset; written so the choice is explicit and
            // works on any port. Debian's amtool (0.25) predates the key: PromTool.CheckAlertmanager handles that.
            if (o.ImplicitTls) global[ImplicitTlsKey] = true;
            if (o.To.Count == 0) throw Validate.Invalid("-To", null, "-To is required with -SmtpServer: give the addresses alerts are mailed to.");
            var to = string.Join(", ", o.To.Select(a => Address(a, "-To")));
            receivers.Add(new JsonObject { ["name"] = "email", ["email_configs"] = new JsonArray(new JsonObject { ["to"] = to, ["send_resolved"] = true }) });
            receiver = "email";
        }
        else if (o.From is not null || o.To.Count > 0 || o.SmtpCredential is not null)
        {
            throw Validate.Invalid("-SmtpServer", null, "-From, -To and -SmtpCredential need -SmtpServer (host:port of the mail relay).");
        }
        var doc = new JsonObject
        {
            ["global"] = global,
            ["route"] = new JsonObject
            {
                ["receiver"] = receiver, ["group_by"] = Array("alertname", "namespace"),
                ["group_wait"] = "30s", ["group_interval"] = "5m", ["repeat_interval"] = "4h",
            },
            ["receivers"] = receivers,
            // A critical alert silences the warning of the same name and place.
            ["inhibit_rules"] = new JsonArray(new JsonObject
            {
                ["source_matchers"] = Array("severity=\"critical\""), ["target_matchers"] = Array("severity=\"warning\""),
                ["equal"] = Array("alertname", "namespace", "instance"),
            }),
        };
        return KoYaml.WriteDocument(doc);
    }

    // ------------------------------------------------------------------ revision marker

    /// <summary>
    /// A number identifying config content (48 bits of its SHA-256, exact in a double). Written into the ConfigMap as
    /// a recording rule, it tells Update-KoMonitoringConfig which version Prometheus has loaded: the kubelet swaps all
    /// keys of a mounted ConfigMap at once, so when the rule's value is the new one, every file is the new one.
    /// </summary>
    public static long Revision(IReadOnlyDictionary<string, string> files)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in files.Where(f => f.Key != RevisionFile).OrderBy(f => f.Key, StringComparer.Ordinal)) sb.Append(k).Append('\0').Append(v).Append('\0');
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
        long n = 0;
        for (var i = 0; i < 6; i++) n = (n << 8) | hash[i];
        return n;
    }

    public static string RevisionRules(long revision) => KoYaml.WriteDocument(new JsonObject
    {
        ["groups"] = new JsonArray(new JsonObject
        {
            ["name"] = RevisionGroup,
            ["rules"] = new JsonArray(new JsonObject { ["record"] = RevisionMetric, ["expr"] = $"vector({revision})" }),
        }),
    });

    /// <summary>The config files with the revision rule file added (or replaced) for their content.</summary>
    public static Dictionary<string, string> WithRevision(IReadOnlyDictionary<string, string> files)
    {
        var result = files.Where(f => f.Key != RevisionFile).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        result[RevisionFile] = RevisionRules(Revision(result));
        return result;
    }

    /// <summary>
    /// Whether a prometheus.yml loads the revision marker (a rule_files entry matching it, relative to the config
    /// folder); without it a reload cannot be confirmed.
    /// </summary>
    public static bool LoadsRevision(string prometheusYml)
    {
        if (KoYaml.ReadDocument(prometheusYml, PrometheusFile) is not JsonObject doc) return false;
        foreach (var entry in doc["rule_files"]?.AsArray() ?? [])
        {
            var pattern = entry?.ToString() ?? string.Empty;
            if (pattern.StartsWith(PrometheusConfigDir + "/", StringComparison.Ordinal)) pattern = pattern[(PrometheusConfigDir.Length + 1)..];
            if (!pattern.Contains('/') && System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(pattern, RevisionFile, ignoreCase: false)) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ validation

    /// <summary>host:port of an SMTP relay.</summary>
    public static string SmtpServer(string? value)
    {
        Validate.Required(value, "-SmtpServer");
        var colon = value!.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw Validate.Invalid("-SmtpServer", value, $"-SmtpServer '{value}' must be host:port, e.g. smtp.example.com:587 (STARTTLS) or smtp.example.com:465 (implicit TLS).");
        var host = value[..colon].Trim('[', ']');
        if (!System.Net.IPAddress.TryParse(host, out _)) Validate.Host(host, "-SmtpServer");
        return value;
    }

    /// <summary>A plain mail address (local@domain), as Alertmanager's smtp_from and to accept.</summary>
    public static string Address(string? value, string field)
    {
        Validate.Required(value, field);
        if (value!.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is ',' or '<' or '>') || !MailAddress.TryCreate(value, out var a) || a.Address != value || !a.Host.Contains('.'))
            throw Validate.Invalid(field, value, $"{field} '{value}' is not a mail address: use local@domain, e.g. alerts@example.com.");
        return value;
    }

    internal static JsonArray Array(params string[] items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
}
