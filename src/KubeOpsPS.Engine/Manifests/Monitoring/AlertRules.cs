using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Monitoring;

/// <summary>One Prometheus alerting rule: fires when <see cref="Expr"/> has results for <see cref="For"/>.</summary>
public sealed record AlertRule
{
    public required string Name { get; init; }
    /// <summary>The PromQL expression; every series it returns is one alert.</summary>
    public required string Expr { get; init; }
    /// <summary>How long the expression must hold before the alert fires; null (or 0s) fires at once.</summary>
    public string? For { get; init; } = "5m";
    /// <summary>critical, warning or info (the severity label Alertmanager routes on).</summary>
    public string Severity { get; init; } = "warning";
    public string? Summary { get; init; }
    public string? Description { get; init; }
}

/// <summary>The module's default alert rules, and rule files as Prometheus reads them (rendered with the project's YAML writer).</summary>
public static partial class AlertRules
{
    /// <summary>The ConfigMap key (and file name) of the default rules.</summary>
    public const string DefaultFile = "kubeops-default.rules.yml";
    /// <summary>The ConfigMap key (and file name) of the rules added with Add-KoAlertRule.</summary>
    public const string CustomFile = "custom.rules.yml";
    public const string DefaultGroup = "kubeops-default";
    public const string CustomGroup = "custom";
    public static readonly IReadOnlyList<string> Severities = ["critical", "warning", "info"];

    [GeneratedRegex("^0+(ms|s|m|h|d|w|y)?$")]
    private static partial Regex ZeroDurationRegex();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex AlertNameRegex();

    /// <summary>Checks a rule and returns it with its severity in canonical spelling.</summary>
    public static AlertRule Check(AlertRule r)
    {
        Validate.Required(r.Name, "-Name");
        if (r.Name.Length > 200 || !AlertNameRegex().IsMatch(r.Name))
            throw Validate.Invalid("-Name", r.Name, $"-Name '{r.Name}' is not an alert name: use letters, digits and '_', starting with a letter (e.g. HighErrorRate).");
        Validate.Required(r.Expr, "-Expr");
        if (r.Expr.Any(c => char.IsControl(c) && c != '\n' && c != '\t'))
            throw Validate.Invalid("-Expr", r.Expr, "-Expr contains a control character.");
        var @for = r.For is null || ZeroDurationRegex().IsMatch(r.For) ? null : Validate.Duration(r.For, "-For");
        var severity = Severities.FirstOrDefault(s => s.Equals(r.Severity, StringComparison.OrdinalIgnoreCase))
            ?? throw Validate.Invalid("-Severity", r.Severity, $"-Severity '{r.Severity}' must be one of {string.Join(", ", Severities)}.");
        foreach (var (text, field) in new[] { (r.Summary, "-Summary"), (r.Description, "-Description") })
            if (text is not null && text.Any(c => char.IsControl(c) && c != '\n'))
                throw Validate.Invalid(field, text, $"{field} contains a control character.");
        return r with { Severity = severity, For = @for };
    }

    /// <summary>
    /// The default alerts: a scrape target down, node disk and memory pressure, a pod crash-looping, a Deployment with
    /// unavailable replicas, and a kubelet certificate close to expiry. Each one has a promtool unit test proving it fires.
    /// </summary>
    public static IReadOnlyList<AlertRule> Defaults { get; } =
    [
        new()
        {
            Name = "TargetDown", Expr = "up == 0", For = "5m", Severity = "warning",
            Summary = "Target {{ $labels.job }} {{ $labels.instance }} is down",
            Description = "Prometheus could not scrape {{ $labels.instance }} (job {{ $labels.job }}) for 5 minutes.",
        },
        new()
        {
            Name = "NodeDiskPressure", Expr = "kube_node_status_condition{condition=\"DiskPressure\",status=\"true\"} == 1", For = "5m", Severity = "warning",
            Summary = "Node {{ $labels.node }} has disk pressure",
            Description = "The kubelet on {{ $labels.node }} reports DiskPressure: it is evicting pods and will not admit new ones.",
        },
        new()
        {
            Name = "NodeMemoryPressure", Expr = "kube_node_status_condition{condition=\"MemoryPressure\",status=\"true\"} == 1", For = "5m", Severity = "warning",
            Summary = "Node {{ $labels.node }} has memory pressure",
            Description = "The kubelet on {{ $labels.node }} reports MemoryPressure: pods may be evicted.",
        },
        new()
        {
            Name = "PodCrashLooping", Expr = "max_over_time(kube_pod_container_status_waiting_reason{reason=\"CrashLoopBackOff\"}[5m]) >= 1", For = "15m", Severity = "warning",
            Summary = "Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
            Description = "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.",
        },
        new()
        {
            Name = "DeploymentReplicasUnavailable", Expr = "kube_deployment_status_replicas_unavailable > 0", For = "15m", Severity = "warning",
            Summary = "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has unavailable replicas",
            Description = "{{ $value }} replicas of {{ $labels.namespace }}/{{ $labels.deployment }} have been unavailable for 15 minutes.",
        },
        new()
        {
            Name = "CertificateExpiringSoon",
            Expr = "kubelet_certificate_manager_client_ttl_seconds < 604800 or kubelet_certificate_manager_server_ttl_seconds < 604800", For = null, Severity = "critical",
            Summary = "A kubelet certificate on {{ $labels.instance }} expires in less than 7 days",
            Description = "{{ $labels.__name__ }} on {{ $labels.instance }} is {{ $value | humanizeDuration }}: renew the certificate or the node drops out of the cluster.",
        },
    ];

    /// <summary>A rule file with one group, as Prometheus reads it (groups → name, rules → alert, expr, for, labels, annotations).</summary>
    public static string Render(string group, IEnumerable<AlertRule> rules)
    {
        var list = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules.Select(Check))
        {
            if (!seen.Add(rule.Name)) throw Validate.Invalid("-Name", rule.Name, $"Two rules in group {group} are named {rule.Name}: give each alert its own name.");
            var r = new JsonObject { ["alert"] = rule.Name, ["expr"] = rule.Expr };
            if (rule.For is not null) r["for"] = rule.For;
            r["labels"] = new JsonObject { ["severity"] = rule.Severity };
            var annotations = new JsonObject();
            if (rule.Summary is not null) annotations["summary"] = rule.Summary;
            if (rule.Description is not null) annotations["description"] = rule.Description;
            if (annotations.Count > 0) r["annotations"] = annotations;
            list.Add(r);
        }
        return KoYaml.WriteDocument(new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = group, ["rules"] = list }) });
    }

    /// <summary>Reads the alerting rules of a rule file (as written by <see cref="Render"/>); recording rules are not alerts and are left out.</summary>
    public static IReadOnlyList<AlertRule> Parse(string text, string source)
    {
        var doc = KoYaml.ReadDocument(text, source) as JsonObject;
        var result = new List<AlertRule>();
        foreach (var group in doc?["groups"]?.AsArray() ?? [])
            foreach (var r in group?["rules"]?.AsArray() ?? [])
            {
                if (r?["alert"]?.GetValue<string>() is not { } name) continue;
                result.Add(new AlertRule
                {
                    Name = name,
                    Expr = r["expr"]?.ToString() ?? string.Empty,
                    For = r["for"]?.GetValue<string>(),
                    Severity = r["labels"]?["severity"]?.GetValue<string>() ?? "warning",
                    Summary = r["annotations"]?["summary"]?.GetValue<string>(),
                    Description = r["annotations"]?["description"]?.GetValue<string>(),
                });
            }
        return result;
    }

    /// <summary>Adds rules to a list, replacing those with the same name (so Add-KoAlertRule twice updates, never duplicates).</summary>
    public static IReadOnlyList<AlertRule> Merge(IEnumerable<AlertRule> existing, IEnumerable<AlertRule> added)
    {
        var list = existing.ToList();
        foreach (var rule in added)
        {
            var i = list.FindIndex(r => r.Name == rule.Name);
            if (i >= 0) list[i] = rule;
            else list.Add(rule);
        }
        return list;
    }
}
