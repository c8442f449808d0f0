using System.Management.Automation;
using System.Text.Json;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Monitoring;

/// <summary>
/// Adds dashboard JSON files (exports, grafana.com downloads) to Grafana's provisioned dashboards: binds ${DS_…}
/// inputs to the provisioned Prometheus datasource, replaces removed panel types and renamed metric and label names
/// where the mapping is known, and reports the rest. Applies each dashboard as its own key of the grafana-dashboards
/// ConfigMap (a field manager per dashboard, so re-installing the stack keeps it); with -OutputDirectory writes the
/// fixed JSON files instead.
/// </summary>
[Cmdlet(VerbsData.Import, "KoGrafanaDashboard", SupportsShouldProcess = true)]
[OutputType(typeof(FixedDashboard))]
public sealed class ImportKoGrafanaDashboardCommand : KoClusterCmdlet
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string[] Path { get; set; } = [];

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = MonitoringBundle.DefaultNamespace;

    [Parameter]
    public string? OutputDirectory { get; set; }

    protected override void ProcessRecord()
    {
        Build(() => Validate.Label(Namespace, "-Namespace"));
        foreach (var path in Path)
        {
            var full = FileSystemPath(path);
            string text;
            try { text = File.ReadAllText(full); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { WriteFailure(e, path, "DashboardUnreadable"); continue; }
            FixedDashboard fixedDash;
            try { fixedDash = DashboardFixer.Fix(text, System.IO.Path.GetFileName(full)); }
            catch (KoValidationException e) { WriteFailure(e, path); continue; }
            foreach (var issue in fixedDash.Issues.Where(i => !i.Fixed)) WriteWarning($"{fixedDash.Title}: {issue.Panel}: {issue.Detail}");
            var json = fixedDash.Json.ToJsonString(Indented);
            if (OutputDirectory is not null) Write(fixedDash, json);
            else Apply(fixedDash, json);
            WriteObject(fixedDash);
        }
    }

    private void Write(FixedDashboard d, string json)
    {
        var file = System.IO.Path.Combine(FileSystemPath(OutputDirectory!), d.FileName);
        if (!ShouldProcess(file, "write dashboard")) return;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllText(file, json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteFailure(e, file, "DashboardWriteFailed");
        }
    }

    private void Apply(FixedDashboard d, string json)
    {
        var target = $"ConfigMap {Namespace}/{MonitoringBundle.GrafanaDashboardsConfigMap} key {d.FileName}";
        if (!ShouldProcess(target, "apply")) return;
        var g = Connect();
        var cm = MonitoringBundle.ConfigMap(MonitoringBundle.GrafanaDashboardsConfigMap, Namespace, new Dictionary<string, string> { [d.FileName] = json }, MonitoringBundle.Grafana);
        try
        {
            var result = Run(ct => g.ApplyAsync(cm, new ApplyOptions(FieldManager: $"kubeops-dashboard-{d.Uid}"), ct));
            WriteVerbose($"{target}: {result.Outcome.ToString().ToLowerInvariant()}; Grafana loads it within 30 s after the kubelet has copied the ConfigMap.");
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, target);
        }
    }
}
