using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Supervisor;

/// <summary>
/// Renders supervisord.conf (INI): supervisord in the foreground as the container's main process, its own log on
/// stdout only, every program's output on the container's stdout/stderr without rotation (maxbytes=0: rotating a
/// pipe fails with "Illegal seek"), and a UNIX socket for supervisorctl. Values are escaped for supervisor's parser:
/// '%' becomes '%%' (supervisor expands %(name)s in every value), environment values are quoted.
/// </summary>
public static partial class SupervisorConfig
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex ProgramNameRegex();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_.-]{0,31}|[0-9]{1,10})$")]
    private static partial Regex UserRegex();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNameRegex();

    [GeneratedRegex(@"\s[;#]")]
    private static partial Regex InlineCommentRegex();

    public static readonly IReadOnlyList<string> AutoRestartValues = ["true", "false", "unexpected"];

    public static string Render(SupervisorOptions o)
    {
        if (o.Programs.Count == 0) throw Validate.Invalid("-Program", null, "-Program needs at least one program, e.g. @{ Name = 'web'; Command = '/usr/sbin/nginx -g \"daemon off;\"' }.");
        var socket = FilePath(o.SocketPath, "-SocketPath");
        var pidFile = FilePath(o.PidFile, "-PidFile");
        var sb = new StringBuilder();
        void Line(string key, string value) => sb.Append(key).Append('=').Append(value).Append('\n');
        sb.Append("; supervisord.conf written by KubeOpsPS New-KoSupervisorConfig: supervisord runs in the foreground as the\n")
          .Append("; container's main process and every program logs to the container's stdout and stderr.\n\n");
        sb.Append("[unix_http_server]\n");
        Line("file", Escape(socket));
        Line("chmod", "0700");
        sb.Append("\n[supervisorctl]\n");
        Line("serverurl", "unix://" + Escape(socket));
        sb.Append("\n[rpcinterface:supervisor]\n");
        Line("supervisor.rpcinterface_factory", "supervisor.rpcinterface:make_main_rpcinterface");
        sb.Append("\n[supervisord]\n");
        Line("nodaemon", "true");
        // In the foreground supervisord writes its log to stdout; no log file beside it.
        Line("logfile", "/dev/null");
        Line("logfile_maxbytes", "0");
        Line("pidfile", Escape(pidFile));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in o.Programs)
        {
            var name = ProgramName(p.Name);
            if (!seen.Add(name)) throw Validate.Invalid("-Program", name, $"-Program name '{name}' is given twice: each program needs its own name.");
            sb.Append("\n[program:").Append(name).Append("]\n");
            Line("command", Escape(Value(Validate.Required(p.Command, $"-Program Command of '{name}'"), $"-Program Command of '{name}'")));
            if (p.Directory is not null) Line("directory", Escape(Directory(p.Directory, name)));
            if (p.User is not null) Line("user", User(p.User, name));
            if (p.Environment.Count > 0) Line("environment", string.Join(",", p.Environment.Select(e => EnvironmentPair(e.Key, e.Value, name))));
            Line("autorestart", AutoRestart(p.AutoRestart, name));
            if (p.StartRetries is { } retries)
                Line("startretries", retries >= 0 ? retries.ToString(CultureInfo.InvariantCulture) : throw Validate.Invalid("-Program StartRetries", retries, $"-Program StartRetries of '{name}' cannot be negative."));
            if (p.Priority is { } priority) Line("priority", priority.ToString(CultureInfo.InvariantCulture));
            Line("stdout_logfile", "/dev/stdout");
            Line("stdout_logfile_maxbytes", "0");
            Line("stderr_logfile", "/dev/stderr");
            Line("stderr_logfile_maxbytes", "0");
        }
        return sb.ToString();
    }

    /// <summary>A program name: letters, digits, '_', '.', '-' (it names an INI section and a supervisorctl target).</summary>
    public static string ProgramName(string? name)
    {
        Validate.Required(name, "-Program Name");
        if (!ProgramNameRegex().IsMatch(name!))
            throw Validate.Invalid("-Program", name, $"-Program name '{name}' is not a valid program name: use letters, digits, '_', '.' and '-' (no spaces, brackets or ':'), e.g. 'web' or 'worker-1'.");
        return name!;
    }

    /// <summary>'%' doubled: supervisor expands %(name)s in every value, so a literal '%' must be written '%%'.</summary>
    public static string Escape(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>One line that supervisor reads back unchanged; <paramref name="echo"/> false keeps the value (maybe a secret) out of the error.</summary>
    private static string Value(string value, string field, bool echo = true)
    {
        var shown = echo ? $" '{value}'" : string.Empty;
        if (value.Any(char.IsControl))
            throw Validate.Invalid(field, echo ? value : null, $"{field}{shown} contains a line break or control character: supervisord.conf values are one line.");
        if (InlineCommentRegex().IsMatch(value))
            throw Validate.Invalid(field, echo ? value : null, $"{field}{shown} has a ';' or '#' after a space, which supervisor reads as the start of a comment.",
                "Remove the space before ';' or '#' (e.g. sh -c 'a; b' instead of sh -c 'a ; b'), or put the commands in a script.");
        return value;
    }

    private static string Directory(string value, string program)
    {
        var field = $"-Program Directory of '{program}'";
        if (!value.StartsWith('/')) throw Validate.Invalid(field, value, $"{field} '{value}' must be an absolute path, e.g. /srv/app.");
        return Value(value, field);
    }

    private static string User(string value, string program) => UserRegex().IsMatch(value) ? value
        : throw Validate.Invalid($"-Program User of '{program}'", value, $"-Program User of '{program}' '{value}' is not a user name or numeric id.");

    private static string AutoRestart(string? value, string program) =>
        AutoRestartValues.FirstOrDefault(v => v.Equals(value?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw Validate.Invalid($"-Program AutoRestart of '{program}'", value, $"-Program AutoRestart of '{program}' '{value}' must be true, false or unexpected (restart only after an unexpected exit code).");

    /// <summary>NAME="value": quoted so commas and spaces survive supervisor's key=value lexer, which cannot escape a quote.</summary>
    private static string EnvironmentPair(string key, string value, string program)
    {
        var field = $"-Program Environment of '{program}'";
        if (!EnvNameRegex().IsMatch(key)) throw Validate.Invalid(field, key, $"{field}: '{key}' is not an environment variable name (letters, digits and '_', not starting with a digit).");
        // Environment values may be secrets: errors name the variable, never its value.
        Value(value, $"{field} {key}", echo: false);
        var quote = value.Contains('"', StringComparison.Ordinal) ? '\'' : '"';
        if ((value.Contains('"', StringComparison.Ordinal) && value.Contains('\'', StringComparison.Ordinal))
            || (value.Length > 0 && (value[0] is '"' or '\'' || value[^1] is '"' or '\'')))
            throw Validate.Invalid($"{field} {key}", null, $"{field} {key}: supervisor cannot keep a value that holds both quote characters or starts or ends with a quote.");
        return $"{key}={quote}{Escape(value)}{quote}";
    }

    private static string FilePath(string? value, string field)
    {
        Validate.Required(value, field);
        if (!value!.StartsWith('/') || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw Validate.Invalid(field, value, $"{field} '{value}' must be an absolute path without spaces, e.g. /tmp/supervisor.sock.");
        return value;
    }
}
