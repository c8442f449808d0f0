using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Runtime.Monitoring;

namespace KubeOpsPS.Monitoring;

/// <summary>
/// Runs promtool/amtool on monitoring config before anything is applied: a failed check stops the cmdlet with the
/// tool's own message; a tool missing from PATH is a warning that the config was not checked.
/// </summary>
internal static class MonitoringConfigCheck
{
    public static void Run(Cmdlet cmdlet, IReadOnlyDictionary<string, string>? prometheusFiles, string? alertmanagerYml)
    {
        foreach (var check in PromTool.CheckMonitoring(prometheusFiles, alertmanagerYml))
        {
            if (!check.Available)
            {
                cmdlet.WriteWarning($"{check.Tool} is not on PATH, so the {(check.Tool == "amtool" ? "Alertmanager config was" : "Prometheus rules and config were")} not checked before use. Install it (Debian: apt-get install {(check.Tool == "amtool" ? "prometheus-alertmanager" : "prometheus")}).");
                continue;
            }
            if (check.Passed)
            {
                cmdlet.WriteVerbose($"{check.Tool}: {check.Output.Replace('\n', ' ')}");
                continue;
            }
            cmdlet.ThrowTerminatingError(ErrorRecords.From(new KoOperationException("ConfigCheckFailed", "InvalidData", $"{check.Tool} rejected the config:\n{check.Output}", check.Tool,
                "Fix what the tool names (an alert's -Expr is PromQL); nothing was applied."), null));
        }
    }
}
