using System.Globalization;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Supervisor;

/// <summary>One [program:x] section: what supervisord starts, where, as whom, and how it restarts.</summary>
public sealed record SupervisorProgram
{
    public required string Name { get; init; }
    public required string Command { get; init; }
    /// <summary>The working directory (absolute); null: supervisord's own.</summary>
    public string? Directory { get; init; }
    /// <summary>The user to run as (needs supervisord to run as root); null: supervisord's user.</summary>
    public string? User { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>true (the seed's choice and the default), false or unexpected (only on an exit code not in exitcodes).</summary>
    public string AutoRestart { get; init; } = "true";
    /// <summary>How many failed starts before FATAL; null: supervisor's default (3).</summary>
    public int? StartRetries { get; init; }
    /// <summary>Lower starts first and stops last; null: supervisor's default (999).</summary>
    public int? Priority { get; init; }

    private static readonly string[] Keys = ["Name", "Command", "Directory", "User", "Environment", "AutoRestart", "StartRetries", "Priority"];

    /// <summary>A program from a hashtable or object converted to JSON (keys matched without regard to case).</summary>
    public static SupervisorProgram FromJson(JsonNode? node, string field = "-Program")
    {
        if (node is not JsonObject map)
            throw Validate.Invalid(field, node?.ToJsonString(), $"{field} must be a hashtable or object with Name and Command, e.g. @{{ Name = 'web'; Command = 'nginx -g \"daemon off;\"' }}.");
        var values = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in map)
        {
            var known = Keys.FirstOrDefault(k => k.Equals(key, StringComparison.OrdinalIgnoreCase))
                ?? throw Validate.Invalid(field, key, $"{field} has an unknown key '{key}': use {string.Join(", ", Keys)}.");
            values[known] = value;
        }
        string? Text(string key) => values.GetValueOrDefault(key) is JsonValue v ? v.ToString() : null;
        var name = Text("Name");
        var environment = new Dictionary<string, string>();
        if (values.GetValueOrDefault("Environment") is { } env)
        {
            if (env is not JsonObject envMap) throw Validate.Invalid($"{field} Environment", env.ToJsonString(), $"{field} Environment of '{name}' must be a hashtable of names and values, e.g. @{{ PORT = '8080' }}.");
            foreach (var (k, v) in envMap) environment[k] = v is JsonValue ev ? ev.ToString() : v?.ToJsonString() ?? string.Empty;
        }
        return new SupervisorProgram
        {
            Name = name!,
            Command = Text("Command")!,
            Directory = Text("Directory"),
            User = Text("User"),
            Environment = environment,
            AutoRestart = Text("AutoRestart") ?? "true",
            StartRetries = Number(values.GetValueOrDefault("StartRetries"), $"{field} StartRetries", name),
            Priority = Number(values.GetValueOrDefault("Priority"), $"{field} Priority", name),
        };
    }

    private static int? Number(JsonNode? node, string field, string? program)
    {
        if (node is null) return null;
        if (node is JsonValue v && int.TryParse(v.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        throw Validate.Invalid(field, node.ToJsonString(), $"{field} of '{program}' must be a whole number, not '{node}'.");
    }
}

/// <summary>Options of a supervisord.conf: its programs, and where the control socket and pid file go.</summary>
public sealed record SupervisorOptions
{
    public required IReadOnlyList<SupervisorProgram> Programs { get; init; }
    /// <summary>The UNIX socket supervisorctl talks to (owner-only). /tmp: writable by a non-root user.</summary>
    public string SocketPath { get; init; } = "/tmp/supervisor.sock";
    public string PidFile { get; init; } = "/tmp/supervisord.pid";
}
