using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace KubeOpsPS.Tests.Logging;

/// <summary>
/// The tests' own reader of Fluent Bit's YAML configuration format (Fluent Bit 5.1 docs: "YAML configuration file",
/// sections service, pipeline.inputs/filters/outputs; plugin pages tail, kubernetes and es). No Fluent Bit can run
/// here, so this checks what Fluent Bit would refuse or silently ignore: an unknown section, an unknown key of a
/// section or plugin, or a value of the wrong type. Keys are case-insensitive in Fluent Bit; the tables list the
/// documented spelling. Only the plugins KubeOpsPS writes are described; another plugin is an error.
/// </summary>
public static partial class FluentBitSchema
{
    public enum T { Str, Bool, Int, Double, Size, Path, LogLevel, StorageSync, StorageType, RetryLimit, MultilineParser }

    private static readonly string[] Sections = ["env", "includes", "service", "pipeline", "parsers", "multiline_parsers", "plugins", "upstream_servers", "customs"];

    private static readonly Dictionary<string, T> Service = new(StringComparer.OrdinalIgnoreCase)
    {
        ["flush"] = T.Double, ["grace"] = T.Int, ["daemon"] = T.Bool, ["dns.mode"] = T.Str, ["log_file"] = T.Path, ["log_level"] = T.LogLevel,
        ["parsers_file"] = T.Path, ["plugins_file"] = T.Path, ["streams_file"] = T.Path, ["http_server"] = T.Bool, ["http_listen"] = T.Str,
        ["http_port"] = T.Int, ["health_check"] = T.Bool, ["hc_errors_count"] = T.Int, ["hc_retry_failure_count"] = T.Int, ["hc_period"] = T.Int,
        ["coro_stack_size"] = T.Int, ["scheduler.cap"] = T.Int, ["scheduler.base"] = T.Int, ["json.convert_nan_to_null"] = T.Bool,
        ["storage.path"] = T.Path, ["storage.sync"] = T.StorageSync, ["storage.checksum"] = T.Bool, ["storage.max_chunks_up"] = T.Int,
        ["storage.backlog.mem_limit"] = T.Size, ["storage.metrics"] = T.Bool, ["storage.delete_irrecoverable_chunks"] = T.Bool,
    };

    private static readonly Dictionary<string, T> InputCommon = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = T.Str, ["tag"] = T.Str, ["alias"] = T.Str, ["log_level"] = T.LogLevel, ["mem_buf_limit"] = T.Size, ["storage.type"] = T.StorageType,
        ["storage.pause_on_chunks_overlimit"] = T.Bool, ["threaded"] = T.Bool, ["routable"] = T.Bool,
    };

    private static readonly Dictionary<string, T> FilterCommon = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = T.Str, ["match"] = T.Str, ["match_regex"] = T.Str, ["alias"] = T.Str, ["log_level"] = T.LogLevel,
    };

    private static readonly Dictionary<string, T> OutputCommon = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = T.Str, ["match"] = T.Str, ["match_regex"] = T.Str, ["alias"] = T.Str, ["log_level"] = T.LogLevel, ["retry_limit"] = T.RetryLimit,
        ["storage.total_limit_size"] = T.Size, ["workers"] = T.Int, ["tls"] = T.Bool, ["tls.verify"] = T.Bool, ["tls.verify_hostname"] = T.Bool,
        ["tls.ca_file"] = T.Path, ["tls.crt_file"] = T.Path, ["tls.key_file"] = T.Path, ["tls.vhost"] = T.Str,
    };

    private static readonly Dictionary<string, Dictionary<string, T>> Plugins = new(StringComparer.OrdinalIgnoreCase)
    {
        ["input:tail"] = new(StringComparer.OrdinalIgnoreCase)
        {
            ["path"] = T.Str, ["exclude_path"] = T.Str, ["path_key"] = T.Str, ["offset_key"] = T.Str, ["buffer_chunk_size"] = T.Size, ["buffer_max_size"] = T.Size,
            ["skip_long_lines"] = T.Bool, ["skip_empty_lines"] = T.Bool, ["refresh_interval"] = T.Int, ["rotate_wait"] = T.Int, ["ignore_older"] = T.Str,
            ["read_from_head"] = T.Bool, ["db"] = T.Path, ["db.sync"] = T.Str, ["db.locking"] = T.Bool, ["db.journal_mode"] = T.Str, ["db.compare_filename"] = T.Bool,
            ["exit_on_eof"] = T.Bool, ["parser"] = T.Str, ["key"] = T.Str, ["inotify_watcher"] = T.Bool, ["tag_regex"] = T.Str, ["static_batch_size"] = T.Size,
            ["file_cache_advise"] = T.Bool, ["multiline.parser"] = T.MultilineParser, ["docker_mode"] = T.Bool, ["unicode.encoding"] = T.Str,
        },
        ["filter:kubernetes"] = new(StringComparer.OrdinalIgnoreCase)
        {
            ["buffer_size"] = T.Size, ["kube_url"] = T.Str, ["kube_ca_file"] = T.Path, ["kube_ca_path"] = T.Path, ["kube_token_file"] = T.Path,
            ["kube_token_command"] = T.Str, ["kube_tag_prefix"] = T.Str, ["merge_log"] = T.Bool, ["merge_log_key"] = T.Str, ["merge_log_trim"] = T.Bool,
            ["merge_parser"] = T.Str, ["keep_log"] = T.Bool, ["tls.debug"] = T.Int, ["tls.verify"] = T.Bool, ["tls.verify_hostname"] = T.Bool,
            ["use_journal"] = T.Bool, ["cache_use_docker_id"] = T.Bool, ["regex_parser"] = T.Str, ["k8s-logging.parser"] = T.Bool,
            ["k8s-logging.exclude"] = T.Bool, ["labels"] = T.Bool, ["annotations"] = T.Bool, ["kube_meta_preload_cache_dir"] = T.Path,
            ["dummy_meta"] = T.Bool, ["dns_retries"] = T.Int, ["dns_wait_time"] = T.Int, ["use_kubelet"] = T.Bool, ["use_tag_for_meta"] = T.Bool,
            ["kubelet_host"] = T.Str, ["kubelet_port"] = T.Int, ["kube_token_ttl"] = T.Str, ["kube_meta_cache_ttl"] = T.Str,
            ["kube_meta_namespace_cache_ttl"] = T.Str, ["namespace_labels"] = T.Bool, ["namespace_annotations"] = T.Bool,
            ["namespace_metadata_only"] = T.Bool, ["owner_references"] = T.Bool,
        },
        ["filter:modify"] = new(StringComparer.OrdinalIgnoreCase)
        {
            ["set"] = T.Str, ["add"] = T.Str, ["remove"] = T.Str, ["remove_wildcard"] = T.Str, ["remove_regex"] = T.Str, ["rename"] = T.Str,
            ["hard_rename"] = T.Str, ["copy"] = T.Str, ["hard_copy"] = T.Str, ["move_to_start"] = T.Str, ["move_to_end"] = T.Str, ["condition"] = T.Str,
        },
        ["output:es"] = new(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = T.Str, ["port"] = T.Int, ["path"] = T.Str, ["compress"] = T.Str, ["buffer_size"] = T.Size, ["pipeline"] = T.Str,
            ["cloud_id"] = T.Str, ["cloud_auth"] = T.Str, ["http_user"] = T.Str, ["http_passwd"] = T.Str, ["http_api_key"] = T.Str,
            ["index"] = T.Str, ["type"] = T.Str, ["logstash_format"] = T.Bool, ["logstash_prefix"] = T.Str, ["logstash_prefix_key"] = T.Str,
            ["logstash_prefix_separator"] = T.Str, ["logstash_dateformat"] = T.Str, ["time_key"] = T.Str, ["time_key_format"] = T.Str,
            ["time_key_nanos"] = T.Bool, ["include_tag_key"] = T.Bool, ["tag_key"] = T.Str, ["generate_id"] = T.Bool, ["id_key"] = T.Str,
            ["write_operation"] = T.Str, ["replace_dots"] = T.Bool, ["trace_output"] = T.Bool, ["trace_error"] = T.Bool,
            ["current_time_index"] = T.Bool, ["suppress_type_name"] = T.Bool, ["upstream"] = T.Path,
        },
    };

    /// <summary>One plugin entry of the pipeline: kind (input, filter, output), name, and its keys as written.</summary>
    public sealed record Plugin(string Kind, string Name, IReadOnlyDictionary<string, string> Keys);

    /// <summary>What the file says: the service keys and the pipeline's plugins in order.</summary>
    public sealed record Config(IReadOnlyDictionary<string, string> Service, IReadOnlyList<Plugin> Plugins)
    {
        public Plugin Single(string kind, string name) => Plugins.Single(p => p.Kind == kind && p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Parses and checks; throws with every problem found.</summary>
    public static Config Check(string text)
    {
        var problems = new List<string>();
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root) throw new FormatException("a Fluent Bit YAML file is one mapping");
        var service = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var plugins = new List<Plugin>();
        foreach (var (k, v) in root.Children)
        {
            var section = Scalar(k);
            if (!Sections.Contains(section)) { problems.Add($"unknown section '{section}'"); continue; }
            if (section == "service")
            {
                foreach (var (sk, sv) in Map(v, "service"))
                {
                    var key = Scalar(sk);
                    if (!Service.TryGetValue(key, out var type)) problems.Add($"service: unknown key '{key}'");
                    else CheckValue($"service.{key}", type, Scalar(sv), problems);
                    service[key] = Scalar(sv);
                }
            }
            else if (section == "pipeline")
            {
                foreach (var (pk, pv) in Map(v, "pipeline"))
                {
                    var kind = Scalar(pk) switch { "inputs" => "input", "filters" => "filter", "outputs" => "output", var other => other };
                    if (kind is not ("input" or "filter" or "output")) { problems.Add($"pipeline: unknown key '{Scalar(pk)}'"); continue; }
                    if (pv is not YamlSequenceNode seq) { problems.Add($"pipeline.{Scalar(pk)} must be a list"); continue; }
                    foreach (var item in seq)
                    {
                        var keys = Map(item, $"pipeline.{Scalar(pk)}[]").ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value), StringComparer.OrdinalIgnoreCase);
                        if (!keys.TryGetValue("name", out var name)) { problems.Add($"a {kind} without a name"); continue; }
                        if (!Plugins.TryGetValue($"{kind}:{name}", out var table)) { problems.Add($"{kind} '{name}' is not a plugin this schema describes"); continue; }
                        var common = kind switch { "input" => InputCommon, "filter" => FilterCommon, _ => OutputCommon };
                        foreach (var (key, value) in keys)
                        {
                            if (table.TryGetValue(key, out var t) || common.TryGetValue(key, out t)) CheckValue($"{kind} {name}: {key}", t, value, problems);
                            else problems.Add($"{kind} {name}: unknown key '{key}'");
                        }
                        plugins.Add(new Plugin(kind, name, keys));
                    }
                }
            }
        }
        if (problems.Count > 0) throw new FormatException(string.Join("; ", problems));
        return new Config(service, plugins);
    }

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Map(YamlNode node, string where) =>
        node is YamlMappingNode m ? m.Children : throw new FormatException($"{where} must be a mapping");

    private static string Scalar(YamlNode node) => node is YamlScalarNode s ? s.Value ?? string.Empty : throw new FormatException($"expected a single value at {node.Start}");

    [GeneratedRegex(@"^\d+(\.\d+)?([KMG]B?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizeRegex();

    private static void CheckValue(string where, T type, string value, List<string> problems)
    {
        var ok = type switch
        {
            T.Str => value.Length > 0,
            T.Bool => value.ToLowerInvariant() is "on" or "off" or "true" or "false" or "yes" or "no",
            T.Int => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            T.Double => double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _),
            T.Size => SizeRegex().IsMatch(value),
            T.Path => value.StartsWith('/'),
            T.LogLevel => value is "off" or "error" or "warn" or "info" or "debug" or "trace",
            T.StorageSync => value.ToLowerInvariant() is "normal" or "full",
            T.StorageType => value.ToLowerInvariant() is "memory" or "filesystem",
            T.RetryLimit => value.ToLowerInvariant() is "no_limits" or "no_retries" or "false" || int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            T.MultilineParser => value.Split(',').All(p => p.Trim() is "docker" or "cri" or "go" or "python" or "java" or "ruby"),
            _ => false,
        };
        if (!ok) problems.Add($"{where}: '{value}' is not a valid {type}");
    }
}
