using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KubeOpsPS.Tests.Logging;

/// <summary>
/// The tests' own parser of fluentd's configuration syntax (fluentd 1.19 docs "Config File Syntax": directives
/// &lt;name arg&gt;…&lt;/name&gt;, one 'key value' parameter per line, '#' comments, double-quoted strings with
/// escapes and embedded Ruby "#{…}", single-quoted strings, JSON arrays) and a schema of the parameters of the plugins
/// KubeOpsPS writes (in_tail, parser cri, filter kubernetes_metadata, out_elasticsearch 6.x, buf_file), with the
/// documented types. fluentd itself cannot run here: this refuses what fluentd would reject (an unclosed or
/// mismatched directive, a value of the wrong type) and what it would only warn about (an unknown parameter).
/// </summary>
public static partial class FluentdConfig
{
    public sealed class Directive
    {
        public required string Name { get; init; }
        public string Arg { get; init; } = string.Empty;
        public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);
        public List<Directive> Children { get; } = [];
        public string Type => Params.GetValueOrDefault("@type", string.Empty);
        public Directive Child(string name) => Children.Single(c => c.Name == name);
    }

    public enum T { Str, Bool, Int, Time, Size, Array, Enum }

    private sealed record P(T Type, params string[] Values);

    private static readonly Dictionary<string, P> Common = new()
    {
        ["@type"] = new(T.Str), ["@id"] = new(T.Str), ["@label"] = new(T.Str), ["@log_level"] = new(T.Enum, "fatal", "error", "warn", "info", "debug", "trace"),
    };

    // directive:type (or directive alone) -> parameters
    private static readonly Dictionary<string, Dictionary<string, P>> Schema = new()
    {
        ["system"] = new()
        {
            ["log_level"] = new(T.Enum, "fatal", "error", "warn", "info", "debug", "trace"), ["workers"] = new(T.Int), ["root_dir"] = new(T.Str),
            ["suppress_repeated_stacktrace"] = new(T.Bool), ["without_source"] = new(T.Bool), ["process_name"] = new(T.Str),
        },
        ["source:tail"] = new()
        {
            ["path"] = new(T.Str), ["exclude_path"] = new(T.Array), ["pos_file"] = new(T.Str), ["tag"] = new(T.Str), ["read_from_head"] = new(T.Bool),
            ["refresh_interval"] = new(T.Time), ["rotate_wait"] = new(T.Time), ["follow_inodes"] = new(T.Bool), ["limit_recently_modified"] = new(T.Time),
            ["skip_refresh_on_startup"] = new(T.Bool), ["read_lines_limit"] = new(T.Int), ["read_bytes_limit_per_second"] = new(T.Size),
            ["enable_watch_timer"] = new(T.Bool), ["enable_stat_watcher"] = new(T.Bool), ["open_on_every_update"] = new(T.Bool),
            ["emit_unmatched_lines"] = new(T.Bool), ["ignore_repeated_permission_error"] = new(T.Bool), ["path_key"] = new(T.Str),
        },
        ["parse:cri"] = new() { ["merge_cri_fields"] = new(T.Bool), ["time_format"] = new(T.Str), ["keep_time_key"] = new(T.Bool) },
        ["filter:kubernetes_metadata"] = new()
        {
            ["kubernetes_url"] = new(T.Str), ["cache_size"] = new(T.Int), ["cache_ttl"] = new(T.Int), ["watch"] = new(T.Bool), ["ca_file"] = new(T.Str),
            ["verify_ssl"] = new(T.Bool), ["bearer_token_file"] = new(T.Str), ["skip_labels"] = new(T.Bool), ["skip_container_metadata"] = new(T.Bool),
            ["skip_master_url"] = new(T.Bool), ["skip_namespace_metadata"] = new(T.Bool), ["annotation_match"] = new(T.Array),
            ["de_dot"] = new(T.Bool), ["de_dot_separator"] = new(T.Str), ["stats_interval"] = new(T.Int), ["allow_orphans"] = new(T.Bool),
        },
        ["match:elasticsearch"] = new()
        {
            ["host"] = new(T.Str), ["port"] = new(T.Int), ["hosts"] = new(T.Str), ["scheme"] = new(T.Enum, "http", "https"), ["path"] = new(T.Str),
            ["user"] = new(T.Str), ["password"] = new(T.Str), ["index_name"] = new(T.Str), ["logstash_format"] = new(T.Bool),
            ["logstash_prefix"] = new(T.Str), ["logstash_prefix_separator"] = new(T.Str), ["logstash_dateformat"] = new(T.Str),
            ["include_timestamp"] = new(T.Bool), ["include_tag_key"] = new(T.Bool), ["tag_key"] = new(T.Str), ["time_key"] = new(T.Str),
            ["suppress_type_name"] = new(T.Bool), ["reconnect_on_error"] = new(T.Bool), ["reload_on_failure"] = new(T.Bool),
            ["reload_connections"] = new(T.Bool), ["request_timeout"] = new(T.Time), ["ssl_verify"] = new(T.Bool), ["ca_file"] = new(T.Str),
            ["id_key"] = new(T.Str), ["write_operation"] = new(T.Enum, "index", "create", "update", "upsert"), ["log_es_400_reason"] = new(T.Bool),
            ["verify_es_version_at_startup"] = new(T.Bool), ["default_elasticsearch_version"] = new(T.Int), ["ilm_policy_id"] = new(T.Str),
            ["enable_ilm"] = new(T.Bool), ["template_name"] = new(T.Str), ["template_file"] = new(T.Str),
        },
        ["buffer:file"] = new()
        {
            ["path"] = new(T.Str), ["flush_mode"] = new(T.Enum, "default", "lazy", "interval", "immediate"), ["flush_interval"] = new(T.Time),
            ["flush_thread_count"] = new(T.Int), ["flush_at_shutdown"] = new(T.Bool), ["retry_type"] = new(T.Enum, "exponential_backoff", "periodic"),
            ["retry_forever"] = new(T.Bool), ["retry_wait"] = new(T.Time), ["retry_max_interval"] = new(T.Time), ["retry_timeout"] = new(T.Time),
            ["retry_max_times"] = new(T.Int), ["chunk_limit_size"] = new(T.Size), ["total_limit_size"] = new(T.Size), ["chunk_limit_records"] = new(T.Int),
            ["overflow_action"] = new(T.Enum, "throw_exception", "block", "drop_oldest_chunk"), ["queued_chunks_limit_size"] = new(T.Int),
            ["compress"] = new(T.Enum, "text", "gzip"),
        },
    };

    // Which directives may hold which (top level: "").
    private static readonly Dictionary<string, string[]> Nesting = new()
    {
        [""] = ["system", "source", "filter", "match", "label"],
        ["source"] = ["parse"], ["filter"] = ["parse"], ["match"] = ["buffer", "format", "inject"], ["label"] = ["filter", "match"],
    };

    /// <summary>Parses the file into its top-level directives; throws FormatException on a syntax error.</summary>
    public static List<Directive> Parse(string text)
    {
        var root = new Directive { Name = "" };
        var stack = new Stack<Directive>();
        stack.Push(root);
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("</", StringComparison.Ordinal))
            {
                var close = line[2..].TrimEnd('>').Trim();
                if (!line.EndsWith('>') || stack.Count == 1 || stack.Peek().Name != close)
                    throw new FormatException($"line {lineNo}: '</{close}>' does not close '<{stack.Peek().Name}>'");
                stack.Pop();
                continue;
            }
            if (line.StartsWith('<'))
            {
                var m = OpenRegex().Match(line);
                if (!m.Success) throw new FormatException($"line {lineNo}: '{line}' is not a directive");
                var d = new Directive { Name = m.Groups[1].Value, Arg = m.Groups[2].Value.Trim() };
                var parent = stack.Peek();
                if (!Nesting.TryGetValue(parent.Name, out var allowed) || !allowed.Contains(d.Name))
                    throw new FormatException($"line {lineNo}: <{d.Name}> cannot be inside <{(parent.Name.Length == 0 ? "top level" : parent.Name)}>");
                parent.Children.Add(d);
                stack.Push(d);
                continue;
            }
            var p = ParamRegex().Match(line);
            if (!p.Success) throw new FormatException($"line {lineNo}: '{line}' is not 'key value'");
            if (stack.Count == 1) throw new FormatException($"line {lineNo}: parameter '{p.Groups[1].Value}' outside any directive");
            stack.Peek().Params[p.Groups[1].Value] = Value(p.Groups[2].Value.Trim(), lineNo);
        }
        if (stack.Count > 1) throw new FormatException($"<{stack.Peek().Name}> is never closed");
        return root.Children;
    }

    /// <summary>Parses and checks every parameter against the schema; throws with every problem found.</summary>
    public static List<Directive> Check(string text)
    {
        var top = Parse(text);
        var problems = new List<string>();
        void Walk(Directive d)
        {
            var key = d.Name is "system" ? "system" : $"{d.Name}:{d.Type}";
            if (!Schema.TryGetValue(key, out var table)) problems.Add($"<{d.Name}> with @type '{d.Type}' is not described by this schema");
            else
                foreach (var (k, v) in d.Params)
                {
                    if (!table.TryGetValue(k, out var p) && !Common.TryGetValue(k, out p)) { problems.Add($"<{d.Name} {d.Arg}> {d.Type}: unknown parameter '{k}'"); continue; }
                    if (!Valid(p, v)) problems.Add($"<{d.Name} {d.Arg}> {d.Type}: {k} '{v}' is not a valid {p.Type}");
                }
            foreach (var c in d.Children) Walk(c);
        }
        foreach (var d in top) Walk(d);
        if (problems.Count > 0) throw new FormatException(string.Join("; ", problems));
        return top;
    }

    [GeneratedRegex(@"^<([a-z_]+)(\s+[^>]*)?>$")]
    private static partial Regex OpenRegex();

    [GeneratedRegex(@"^(@?[a-z_][a-z0-9_]*)\s+(.+)$")]
    private static partial Regex ParamRegex();

    [GeneratedRegex(@"#\{ENV\['[A-Z_][A-Z0-9_]*'\]\}")]
    private static partial Regex EnvRefRegex();

    /// <summary>A parameter's value: quotes removed, escapes resolved; embedded Ruby is kept and must be an ENV lookup.</summary>
    private static string Value(string v, int lineNo)
    {
        if (v.StartsWith('"'))
        {
            if (v.Length < 2 || !v.EndsWith('"')) throw new FormatException($"line {lineNo}: unterminated double-quoted string");
            var inner = v[1..^1];
            if (inner.Contains("#{", StringComparison.Ordinal) && EnvRefRegex().Replace(inner, string.Empty).Contains("#{", StringComparison.Ordinal))
                throw new FormatException($"line {lineNo}: embedded Ruby other than #{{ENV['NAME']}}");
            return inner.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }
        if (v.StartsWith('\''))
        {
            if (v.Length < 2 || !v.EndsWith('\'')) throw new FormatException($"line {lineNo}: unterminated single-quoted string");
            return v[1..^1];
        }
        return v;
    }

    private static bool Valid(P p, string v) => p.Type switch
    {
        T.Str => v.Length > 0,
        T.Bool => v is "true" or "false" or "yes" or "no",
        T.Int => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        T.Time => TimeRegex().IsMatch(v),
        T.Size => SizeRegex().IsMatch(v),
        T.Array => IsJsonStringArray(v) || (v.Length > 0 && !v.StartsWith('[')),
        T.Enum => p.Values.Contains(v),
        _ => false,
    };

    private static bool IsJsonStringArray(string v)
    {
        try
        {
            using var doc = JsonDocument.Parse(v);
            return doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\d+(\.\d+)?[smhd]?$")]
    private static partial Regex TimeRegex();

    [GeneratedRegex(@"^\d+[kmgt]?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizeRegex();

    /// <summary>The environment variables the file reads with #{ENV['NAME']}.</summary>
    public static IEnumerable<string> EnvReferences(string text) => EnvRefRegex().Matches(text).Select(m => m.Value[7..^3]);
}
