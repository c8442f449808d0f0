using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Logging;

/// <summary>
/// The files of Elasticsearch 9 and of its one-time setup: elasticsearch.yml, log4j2.properties, the index lifecycle
/// policy, the index template, the roles, and the setup script that loads them through the REST API. Sources:
/// Elastic docs "Important Elasticsearch configuration", "Configure security" (security on, HTTP without TLS inside
/// the cluster), "Anonymous access", "ILM: delete phase", "Index templates", "Security privileges" and
/// "Change passwords" (POST /_security/user/kibana_system/_password).
/// </summary>
public static class ElasticsearchConfig
{
    public const string IndexPrefix = "k8s-logs";
    public const string PolicyName = "kubeops-logs";
    public const string TemplateName = "kubeops-logs";
    public const string WriterRole = "kubeops_log_writer";
    public const string WriterUser = "kubeops-shipper";
    public const string MonitorRole = "kubeops_index_monitor";
    public const string AnonymousUser = "kubeops_anonymous";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>elasticsearch.yml: one node, security on (passwords required), HTTP without TLS inside the cluster.</summary>
    public static string ElasticsearchYml(LoggingOptions o)
    {
        var yml = new JsonObject
        {
            ["cluster.name"] = "kubeops-logging",
            ["node.name"] = "${HOSTNAME}",
            ["network.host"] = "0.0.0.0",
            // One node: no discovery, no transport TLS needed (Elastic's single-node mode).
            ["discovery.type"] = "single-node",
            ["path.data"] = LoggingBundle.DataPath,
            ["xpack.security.enabled"] = true,
            // Passwords are checked on every request; TLS ends at the ingress (HTTP TLS inside the cluster is not set up).
            ["xpack.security.http.ssl.enabled"] = false,
            ["xpack.security.transport.ssl.enabled"] = false,
            ["xpack.ml.enabled"] = false,
        };
        if (o.AllowIndexListing)
        {
            yml["xpack.security.authc.anonymous.username"] = AnonymousUser;
            yml["xpack.security.authc.anonymous.roles"] = MonitorRole;
            yml["xpack.security.authc.anonymous.authz_exception"] = true;
        }
        if (o.CorsAllowOrigin is not null)
        {
            yml["http.cors.enabled"] = true;
            yml["http.cors.allow-origin"] = o.CorsAllowOrigin;
            yml["http.cors.allow-headers"] = "Authorization, X-Requested-With, Content-Type, Content-Length";
            yml["http.cors.allow-credentials"] = true;
        }
        return KoYaml.WriteDocument(yml);
    }

    /// <summary>log4j2.properties: everything to the console as ECS JSON (what the official image does), so the shipper collects it.</summary>
    public static string Log4j2Properties() => string.Join('\n',
        "status = error",
        "",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = ECSJsonLayout",
        "appender.console.layout.dataset = elasticsearch.server",
        "",
        "rootLogger.level = info",
        "rootLogger.appenderRef.console.ref = console",
        "",
        "logger.deprecation.name = org.elasticsearch.deprecation",
        "logger.deprecation.level = warn",
        "logger.deprecation.appenderRef.console.ref = console",
        "logger.deprecation.additivity = false",
        "");

    /// <summary>The lifecycle policy: indices are deleted <see cref="LoggingOptions.RetentionDays"/> days after they were created.</summary>
    public static string IlmPolicy(int retentionDays) => Json(new JsonObject
    {
        ["policy"] = new JsonObject
        {
            ["_meta"] = new JsonObject { ["managed_by"] = "KubeOpsPS", ["description"] = $"Deletes log indices {retentionDays} days after they were created." },
            ["phases"] = new JsonObject
            {
                ["hot"] = new JsonObject { ["min_age"] = "0ms", ["actions"] = new JsonObject { ["set_priority"] = new JsonObject { ["priority"] = 100 } } },
                ["delete"] = new JsonObject { ["min_age"] = retentionDays.ToString(CultureInfo.InvariantCulture) + "d", ["actions"] = new JsonObject { ["delete"] = new JsonObject() } },
            },
        },
    });

    /// <summary>The index template that puts every daily log index under the policy (one shard, no replica: one node).</summary>
    public static string IndexTemplate() => Json(new JsonObject
    {
        ["index_patterns"] = new JsonArray(IndexPrefix + "-*"),
        // Above the built-in templates (priority 100 for logs-*-*); our prefix does not match them anyway.
        ["priority"] = 200,
        ["template"] = new JsonObject
        {
            ["settings"] = new JsonObject
            {
                ["index.lifecycle.name"] = PolicyName,
                ["index.number_of_shards"] = 1,
                ["index.number_of_replicas"] = 0,
            },
        },
        ["_meta"] = new JsonObject { ["managed_by"] = "KubeOpsPS" },
    });

    /// <summary>The shipper's role: create and write the log indices, nothing else.</summary>
    public static string WriterRoleJson() => Json(new JsonObject
    {
        ["cluster"] = new JsonArray("monitor"),
        ["indices"] = new JsonArray(new JsonObject
        {
            ["names"] = new JsonArray(IndexPrefix + "-*"),
            ["privileges"] = new JsonArray("create_index", "create_doc", "index", "auto_configure", "view_index_metadata"),
        }),
    });

    /// <summary>The role of anonymous requests with -AllowIndexListing: index names, counts, sizes and health; no documents.</summary>
    public static string MonitorRoleJson() => Json(new JsonObject
    {
        ["cluster"] = new JsonArray("monitor"),
        ["indices"] = new JsonArray(new JsonObject
        {
            ["names"] = new JsonArray(IndexPrefix + "-*"),
            ["privileges"] = new JsonArray("monitor"),
        }),
    });

    /// <summary>
    /// The setup script (POSIX sh; runs in the Elasticsearch image, which has curl): waits for the cluster, sets
    /// kibana_system's password, loads the policy, template and roles, and creates the shipper's user. Every
    /// call is idempotent (PUT/POST of the same content), so the Job can run again. Passwords come from the
    /// environment (the Secret) and reach curl through a private config file or standard input, never a command line.
    /// </summary>
    public static string SetupScript(LoggingOptions o, string @namespace)
    {
        var lines = new List<string>
        {
            "#!/bin/sh",
            "# Written by KubeOpsPS Install-KoLogging: one-time setup of Elasticsearch through its REST API.",
            "set -eu",
            $"ES=\"http://elasticsearch.{@namespace}.svc:9200\"",
            "SETUP_DIR=\"${SETUP_DIR:-/setup}\"",
            "",
            "# The elastic password goes to curl in a private config file, never on a command line (visible in ps).",
            "umask 077",
            "CURL_CONFIG=$(mktemp)",
            "trap 'rm -f \"$CURL_CONFIG\"' EXIT",
            "printf 'user = \"elastic:%s\"\\n' \"$ELASTIC_PASSWORD\" > \"$CURL_CONFIG\"",
            "",
            "call() { # METHOD PATH, body on standard input",
            "  curl -fsS -K \"$CURL_CONFIG\" -X \"$1\" -H 'Content-Type: application/json' --data-binary @- -o /dev/null \"${ES}$2\"",
            "  echo \"$1 $2: done\"",
            "}",
            "",
            "tries=0",
            "until curl -fsS -K \"$CURL_CONFIG\" -o /dev/null \"${ES}/_cluster/health?wait_for_status=yellow&timeout=5s\"; do",
            "  tries=$((tries + 1))",
            "  if [ \"$tries\" -ge 120 ]; then echo 'Elasticsearch did not become ready in 10 minutes' >&2; exit 1; fi",
            "  sleep 5",
            "done",
            "",
            "printf '{\"password\":\"%s\"}' \"$KIBANA_PASSWORD\" | call POST /_security/user/kibana_system/_password",
            $"call PUT /_ilm/policy/{PolicyName} < \"$SETUP_DIR/ilm-policy.json\"",
            $"call PUT /_index_template/{TemplateName} < \"$SETUP_DIR/index-template.json\"",
            $"call PUT /_security/role/{WriterRole} < \"$SETUP_DIR/writer-role.json\"",
            $"printf '{{\"password\":\"%s\",\"roles\":[\"{WriterRole}\"],\"full_name\":\"KubeOpsPS log shipper\"}}' \"$SHIPPER_PASSWORD\" | call PUT /_security/user/{WriterUser}",
        };
        if (o.AllowIndexListing) lines.Add($"call PUT /_security/role/{MonitorRole} < \"$SETUP_DIR/monitor-role.json\"");
        lines.Add("echo 'Elasticsearch is set up.'");
        lines.Add("");
        return string.Join('\n', lines);
    }

    private static string Json(JsonObject o) => o.ToJsonString(Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
}
