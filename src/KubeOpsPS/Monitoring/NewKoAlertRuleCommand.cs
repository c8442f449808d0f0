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
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    public string Expr { get; set; } = string.Empty;

    [Parameter]
    public string For { get; set; } = "5m";

    [Parameter]
    [ValidateSet("critical", "warning", "info")]
    public string Severity { get; set; } = "warning";

    [Parameter]
    public string? Summary { get; set; }

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
