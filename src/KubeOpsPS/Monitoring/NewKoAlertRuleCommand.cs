using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.Monitoring;

namespace KubeOpsPS.Monitoring;

/// <summary>
/// Makes a Prometheus alerting rule (no cluster needed). When promtool is on PATH the rule is checked with
/// promtool check rules, so an invalid PromQL expression fails here, not in Prometheus after a reload.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoAlertRule")]
[OutputType(typeof(AlertRule))]
public sealed class NewKoAlertRuleCommand : KoCmdlet
{
    /// <summary>The alert's name (letters, digits and '_'), e.g. HighErrorRate.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The PromQL expression; each series it returns is one alert.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Expr { get; set; } = string.Empty;

    /// <summary>How long the expression must hold before the alert fires (a duration such as 5m; 0s fires at once). Default 5m.</summary>
    [Parameter]
    public string For { get; set; } = "5m";

    /// <summary>critical, warning (default) or info: the severity label Alertmanager routes on.</summary>
    [Parameter]
    [ValidateSet("critical", "warning", "info")]
    public string Severity { get; set; } = "warning";

    /// <summary>One line for the notification; may use {{ $labels.x }} and {{ $value }}.</summary>
    [Parameter]
    public string? Summary { get; set; }

    /// <summary>The longer text of the notification.</summary>
    [Parameter]
    public string? Description { get; set; }

    protected override void EndProcessing()
    {
        var rule = Build(() => AlertRules.Check(new AlertRule { Name = Name, Expr = Expr, For = For, Severity = Severity, Summary = Summary, Description = Description }));
        var file = Build(() => AlertRules.Render(AlertRules.CustomGroup, [rule]));
        MonitoringConfigCheck.Run(this, new Dictionary<string, string> { [AlertRules.CustomFile] = file }, null);
        WriteObject(rule);
    }
}
