using System.Management.Automation;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Runtime.Monitoring;

namespace KubeOpsPS.Monitoring;

/// <summary>
/// Adds alert rules (from New-KoAlertRule) to the running stack's custom rule file, replacing rules of the same
/// name; checks them with promtool, applies the ConfigMap, reloads Prometheus and confirms the new rules are loaded.
/// </summary>
[Cmdlet(VerbsCommon.Add, "KoAlertRule", SupportsShouldProcess = true)]
[OutputType(typeof(MonitoringReload))]
public sealed class AddKoAlertRuleCommand : KoMonitoringConfigCmdlet
{
    private readonly List<AlertRule> _rules = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public AlertRule[] Rule { get; set; } = [];

    protected override void ProcessRecord() => _rules.AddRange(Rule.Where(r => r is not null).Select(r => Build(() => AlertRules.Check(r))));

    protected override void EndProcessing()
    {
        if (_rules.Count == 0) return;
        var g = Connect();
        var files = ReadFiles(g, MonitoringBundle.PrometheusConfigMap);
        var existing = files.TryGetValue(AlertRules.CustomFile, out var text) ? Build(() => AlertRules.Parse(text, AlertRules.CustomFile)) : [];
        files[AlertRules.CustomFile] = Build(() => AlertRules.Render(AlertRules.CustomGroup, AlertRules.Merge(existing, _rules)));
        WriteVerbose($"{AlertRules.CustomFile}: {existing.Count} rule(s) before, {_rules.Count} added or replaced.");
        ApplyAndReload(g, files, null);
    }
}
