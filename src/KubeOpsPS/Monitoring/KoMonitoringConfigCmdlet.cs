using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Runtime.Monitoring;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Monitoring;

/// <summary>
/// Base of the cmdlets that change a running stack's config (Add-KoAlertRule, Update-KoMonitoringConfig): read the
/// ConfigMap, check the new files with promtool/amtool, apply, then reload and confirm through the service proxy.
/// </summary>
public abstract class KoMonitoringConfigCmdlet : KoClusterCmdlet
{
    private const int ProgressId = 4209;
    private static readonly KubeKind ConfigMapKind = KubeTypes.Find("v1", "ConfigMap")!;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = MonitoringBundle.DefaultNamespace;

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);

    [Parameter]
    public SwitchParameter NoReload { get; set; }

    protected override void BeginProcessing() => Build(() => Engine.Validation.Validate.Label(Namespace, "-Namespace"));

    /// <summary>The files of a ConfigMap of the stack; fails when the stack is not installed in -Namespace.</summary>
    protected Dictionary<string, string> ReadFiles(ClusterGateway g, string name)
    {
        V1ConfigMap? cm = null;
        try
        {
            cm = Run(ct => g.GetAsync(ConfigMapKind, Namespace, name, ct)) as V1ConfigMap;
        }
        catch (KoClusterException e)
        {
            Fail(e, $"ConfigMap {Namespace}/{name}");
        }
        if (cm is null)
            Fail(new KoClusterException("MonitoringNotInstalled", "ObjectNotFound", $"ConfigMap {Namespace}/{name} does not exist.", $"ConfigMap {Namespace}/{name}", "Install the stack with Install-KoMonitoring, or give its -Namespace."));
        return new Dictionary<string, string>(cm!.Data ?? new Dictionary<string, string>(), StringComparer.Ordinal);
    }

    /// <summary>Checks, applies and reloads. Either set may be null (unchanged). Writes one MonitoringReload per reloaded component.</summary>
    protected void ApplyAndReload(ClusterGateway g, Dictionary<string, string>? prometheusFiles, string? alertmanagerYml)
    {
        if (prometheusFiles is not null) prometheusFiles = MonitoringConfig.WithRevision(prometheusFiles);
        MonitoringConfigCheck.Run(this, prometheusFiles, alertmanagerYml);
        var progress = new ProgressRecord(ProgressId, "Monitoring config", "Applying");
        try
        {
            if (prometheusFiles is not null && Apply(g, MonitoringBundle.PrometheusConfigMap, prometheusFiles, MonitoringBundle.Prometheus) && !NoReload)
            {
                var revision = MonitoringConfig.Revision(prometheusFiles);
                Reload(MonitoringBundle.Prometheus, ct => ConfigReloader.PrometheusAsync(g, Namespace, revision, Timeout, TimeSpan.FromSeconds(5), Status(progress), ct));
            }
            if (alertmanagerYml is not null && Apply(g, MonitoringBundle.AlertmanagerConfigMap, new Dictionary<string, string> { [MonitoringConfig.AlertmanagerFile] = alertmanagerYml }, MonitoringBundle.Alertmanager) && !NoReload)
                Reload(MonitoringBundle.Alertmanager, ct => ConfigReloader.AlertmanagerAsync(g, Namespace, alertmanagerYml, Timeout, TimeSpan.FromSeconds(5), Status(progress), ct));
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    private Action<string> Status(ProgressRecord progress) => s => Post(() =>
    {
        progress.StatusDescription = s;
        WriteProgress(progress);
    });

    private bool Apply(ClusterGateway g, string name, Dictionary<string, string> files, string component)
    {
        var cm = MonitoringBundle.ConfigMap(name, Namespace, files, component);
        if (!ShouldProcess($"ConfigMap {Namespace}/{name}", "apply")) return false;
        ApplyResult result;
        try
        {
            result = Run(ct => g.ApplyAsync(cm, new ApplyOptions(), ct));
        }
        catch (KoClusterException e)
        {
            Fail(e, $"ConfigMap {Namespace}/{name}");
            throw;
        }
        WriteVerbose($"ConfigMap {Namespace}/{name}: {result.Outcome.ToString().ToLowerInvariant()}");
        return true;
    }

    private void Reload(string component, Func<CancellationToken, Task<MonitoringReload>> reload)
    {
        try
        {
            Report(Run(reload));
        }
        catch (KoClusterException e)
        {
            // The ConfigMap is applied; only the reload could not reach the server (no ready pod, no permission).
            WriteFailure(e, $"{component} in {Namespace}", "ReloadFailed");
        }
    }

    private void Report(MonitoringReload r)
    {
        WriteObject(r);
        if (!r.Loaded)
            WriteFailure(new KoOperationException("ReloadNotConfirmed", "OperationTimeout", $"{r.Component} in {r.Namespace}: {r.Status}", r,
                $"Look at the {r.Component} pod's log (Get-KoResource pod -Namespace {r.Namespace}); the ConfigMap was applied, so a restart of the pod also loads it."));
    }
}
