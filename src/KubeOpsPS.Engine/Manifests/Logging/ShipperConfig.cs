using System.Text;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Logging;

/// <summary>
/// The shipper's configuration file. Fluent Bit: the YAML format (fluent-bit.yaml; Fluent Bit 5.1 docs
/// "Configuration file: YAML", sections service / pipeline.inputs / filters / outputs; plugins tail, kubernetes, es).
/// fluentd: its own directive syntax (fluent.conf; fluentd 1.19 docs "Config File Syntax", in_tail with the cri parser,
/// filter_kubernetes_metadata, out_elasticsearch 6.x with a file buffer).
/// Both read CRI-format logs from /var/log/containers, add pod metadata, buffer on the node's disk (so nothing is lost
/// when the shipper restarts or Elasticsearch is away) and write daily indices k8s-logs-YYYY.MM.DD without a type name.
/// </summary>
public static class ShipperConfig
{
    /// <summary>Where the shipper keeps its read positions and buffers: a hostPath, so they outlive the pod.</summary>
    public const string StatePath = "/var/lib/kubeops-logging";
    public const string FluentBitFile = "fluent-bit.yaml";
    public const string FluentdFile = "fluent.conf";
    /// <summary>The parsers file in the Fluent Bit image (the ConfigMap is mounted beside it, not over it).</summary>
    public const string ImageParsersFile = "/fluent-bit/etc/parsers.conf";

    public static string FileName(LogShipper shipper) => shipper == LogShipper.Fluentd ? FluentdFile : FluentBitFile;

    public static string Render(LogShipper shipper, string esHost) => shipper == LogShipper.Fluentd ? Fluentd(esHost) : FluentBit(esHost);

    public static string FluentBit(string esHost) => KoYaml.WriteDocument(new JsonObject
    {
        ["service"] = new JsonObject
        {
            ["flush"] = 1,
            ["log_level"] = "info",
            ["http_server"] = true,
            ["http_listen"] = "0.0.0.0",
            ["http_port"] = 2020,
            ["health_check"] = true,
            // Filesystem buffering: chunks wait on the node's disk while Elasticsearch is away or restarting.
            ["storage.path"] = $"{StatePath}/flb-storage/",
            ["storage.sync"] = "normal",
            ["storage.checksum"] = false,
            ["storage.backlog.mem_limit"] = "16M",
            // The parsers a pod's fluentbit.io/parser annotation names (apache, apache2, nginx, json, syslog-rfc5424, ...):
            // the file the image ships. Without it k8s-logging.parser finds none ("annotation parser 'apache' not found").
            ["parsers_file"] = ImageParsersFile,
        },
        ["pipeline"] = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "tail",
                ["tag"] = "kube.*",
                ["path"] = "/var/log/containers/*.log",
                // The shipper's own logs would loop back into themselves when Elasticsearch fails.
                ["exclude_path"] = "/var/log/containers/fluent-bit-*.log",
                // CRI runtimes (containerd, CRI-O) write 'time stream P|F message'; the built-in cri parser joins partial lines.
                ["multiline.parser"] = "cri",
                ["db"] = $"{StatePath}/flb_kube.db",
                ["db.locking"] = true,
                // As fluentd's read_from_head: a file first seen (the first start on a node, a new pod) is shipped
                // from its first line; afterwards the positions in db carry on where the shipper stopped.
                ["read_from_head"] = true,
                ["mem_buf_limit"] = "50MB",
                ["skip_long_lines"] = true,
                ["refresh_interval"] = 10,
                ["storage.type"] = "filesystem",
            }),
            ["filters"] = new JsonArray(new JsonObject
            {
                // The cri parser's bookkeeping: _p (partial/full flag) is spent once lines are joined, and time is the
                // record's timestamp, which the es output writes as @timestamp. Removed before merge_log, so an
                // application's own "time" field is kept.
                ["name"] = "modify",
                ["match"] = "kube.*",
                ["remove_regex"] = "^(_p|time)$",
            }, new JsonObject
            {
                ["name"] = "kubernetes",
                ["match"] = "kube.*",
                ["kube_url"] = "https://kubernetes.default.svc:443",
                ["kube_ca_file"] = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                ["kube_token_file"] = "/var/run/secrets/kubernetes.io/serviceaccount/token",
                ["kube_tag_prefix"] = "kube.var.log.containers.",
                ["merge_log"] = true,
                ["keep_log"] = false,
                ["k8s-logging.parser"] = true,
                ["k8s-logging.exclude"] = true,
                ["labels"] = true,
                ["annotations"] = false,
            }),
            ["outputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "es",
                ["match"] = "kube.*",
                ["host"] = esHost,
                ["port"] = 9200,
                ["http_user"] = ElasticsearchConfig.WriterUser,
                ["http_passwd"] = "${ES_PASSWORD}",
                ["logstash_format"] = true,
                ["logstash_prefix"] = ElasticsearchConfig.IndexPrefix,
                // Elasticsearch 8 and 9 reject a _type in bulk requests.
                ["suppress_type_name"] = true,
                // Dots in keys become '_' (label app.kubernetes.io/name is kubernetes.labels.app_kubernetes_io/name),
                // as fluentd's kubernetes_metadata de_dot does: otherwise label "app" (a string) and
                // "app.kubernetes.io/name" (an object under "app") collide in the index mapping.
                ["replace_dots"] = true,
                ["generate_id"] = true,
                ["trace_error"] = true,
                ["retry_limit"] = "no_limits",
                ["storage.total_limit_size"] = "2G",
            }),
        },
    });

    public static string Fluentd(string esHost)
    {
        var sb = new StringBuilder();
        void L(string line) => sb.Append(line).Append('\n');
        L("# Written by KubeOpsPS Install-KoLogging for fluentd 1.19 (fluent/fluentd-kubernetes-daemonset, debian-elasticsearch9).");
        L("<system>");
        L("  log_level info");
        L("</system>");
        L("");
        L("<source>");
        L("  @type tail");
        L("  @id in_tail_container_logs");
        L("  path /var/log/containers/*.log");
        L("  exclude_path [\"/var/log/containers/fluentd-*.log\"]");
        L($"  pos_file {StatePath}/containers.log.pos");
        L("  tag kubernetes.*");
        L("  read_from_head true");
        L("  <parse>");
        L("    @type cri");
        L("  </parse>");
        L("</source>");
        L("");
        L("<filter kubernetes.**>");
        L("  @type kubernetes_metadata");
        L("  @id filter_kube_metadata");
        L("  skip_labels false");
        L("  skip_container_metadata false");
        L("  skip_master_url true");
        L("</filter>");
        L("");
        L("<match kubernetes.**>");
        L("  @type elasticsearch");
        L("  @id out_es");
        L($"  host {esHost}");
        L("  port 9200");
        L("  scheme http");
        L($"  user {ElasticsearchConfig.WriterUser}");
        L("  password \"#{ENV['ES_PASSWORD']}\"");
        L("  logstash_format true");
        L($"  logstash_prefix {ElasticsearchConfig.IndexPrefix}");
        L("  # Elasticsearch 8 and 9 reject a _type in bulk requests.");
        L("  suppress_type_name true");
        L("  reconnect_on_error true");
        L("  reload_on_failure true");
        L("  reload_connections false");
        L("  request_timeout 30s");
        L("  <buffer>");
        L("    @type file");
        L($"    path {StatePath}/buffer");
        L("    flush_mode interval");
        L("    flush_interval 5s");
        L("    flush_thread_count 2");
        L("    retry_type exponential_backoff");
        L("    retry_forever true");
        L("    retry_max_interval 30");
        L("    chunk_limit_size 8M");
        L("    total_limit_size 2G");
        L("    overflow_action block");
        L("  </buffer>");
        L("</match>");
        return sb.ToString();
    }
}
