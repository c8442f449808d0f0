using System.Management.Automation;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Runtime.Monitoring;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Monitoring;

/// <summary>
/// Changes the running stack's prometheus.yml, rule files or alertmanager.yml: checks them with promtool/amtool,
/// applies the ConfigMaps, waits until the pods have the new files, reloads (POST /-/reload through the API
/// server's service proxy) and confirms the new config is loaded. Without files it reloads and confirms what is there.
/// </summary>
[Cmdlet(VerbsData.Update, "KoMonitoringConfig", SupportsShouldProcess = true)]
[OutputType(typeof(MonitoringReload))]
public sealed class UpdateKoMonitoringConfigCommand : KoMonitoringConfigCmdlet
{
    [Parameter]
    public string? PrometheusConfig { get; set; }

    [Parameter]
    public string[] RuleFile { get; set; } = [];

    [Parameter]
    public string? AlertmanagerConfig { get; set; }

    protected override void EndProcessing()
    {
        var g = Connect();
        Dictionary<string, string>? prometheus = null;
        string? alertmanager = null;
        if (PrometheusConfig is not null || RuleFile.Length > 0)
        {
            prometheus = ReadFiles(g, MonitoringBundle.PrometheusConfigMap);
            if (PrometheusConfig is not null)
            {
                var text = ReadText(PrometheusConfig, "-PrometheusConfig");
                if (!Build(() => MonitoringConfig.LoadsRevision(text)))
                    Fail(Validate.Invalid("-PrometheusConfig", PrometheusConfig, $"-PrometheusConfig '{PrometheusConfig}' does not load the rule files of the ConfigMap: keep rule_files: ['*.rules.yml'] (the default rules, custom.rules.yml and {MonitoringConfig.RevisionFile}, by which a reload is confirmed)."));
                prometheus[MonitoringConfig.PrometheusFile] = text;
            }
            foreach (var path in RuleFile)
            {
                var key = Path.GetFileName(path);
                if (!key.EndsWith(".rules.yml", StringComparison.Ordinal) || key == MonitoringConfig.RevisionFile)
                    Fail(Validate.Invalid("-RuleFile", path, $"-RuleFile '{path}' must be named *.rules.yml (prometheus.yml loads rule_files '*.rules.yml'), and not {MonitoringConfig.RevisionFile}."));
                prometheus[Build(() => Validate.ConfigKey(key, "-RuleFile"))] = ReadText(path, "-RuleFile");
            }
        }
        if (AlertmanagerConfig is not null)
        {
            ReadFiles(g, MonitoringBundle.AlertmanagerConfigMap); // the stack must be there
            alertmanager = ReadText(AlertmanagerConfig, "-AlertmanagerConfig");
        }
        if (prometheus is null && alertmanager is null)
        {
            // Nothing to change: reload both and confirm they run what their ConfigMaps hold.
            prometheus = ReadFiles(g, MonitoringBundle.PrometheusConfigMap);
            alertmanager = ReadFiles(g, MonitoringBundle.AlertmanagerConfigMap).GetValueOrDefault(MonitoringConfig.AlertmanagerFile);
        }
        ApplyAndReload(g, prometheus, alertmanager);
    }

    private string ReadText(string path, string field)
    {
        try
        {
            return File.ReadAllText(FileSystemPath(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(Validate.Invalid(field, path, $"{field} '{path}' cannot be read: {e.Message}"));
            throw;
        }
    }
}
