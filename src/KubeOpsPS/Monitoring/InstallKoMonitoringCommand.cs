using System.Collections;
using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Monitoring;

namespace KubeOpsPS.Monitoring;

/// <summary>
/// Installs the monitoring stack: node-exporter, kube-state-metrics, Prometheus and Alertmanager configured by
/// ConfigMaps (lifecycle API on, checked by promtool and amtool first), and Grafana with its datasource and
/// dashboards provisioned from files; optionally exposed through an Ingress.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "KoMonitoring", SupportsShouldProcess = true)]
[OutputType(typeof(ApplyResult), typeof(FileInfo))]
public sealed class InstallKoMonitoringCommand : KoInstallCmdlet
{
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = MonitoringBundle.DefaultNamespace;

    [Parameter]
    [ArgumentCompleter(typeof(StorageClassCompleter))]
    public string? StorageClass { get; set; }

    [Parameter]
    public string Retention { get; set; } = "15d";

    [Parameter]
    public string StorageSize { get; set; } = "20Gi";

    [Parameter]
    public string? SmtpServer { get; set; }

    [Parameter]
    public string? From { get; set; }

    [Parameter]
    public string[] To { get; set; } = [];

    [Parameter]
    [Credential]
    public PSCredential? SmtpCredential { get; set; }

    [Parameter]
    public bool SmtpRequireTls { get; set; } = true;

    [Parameter]
    public SwitchParameter SmtpImplicitTls { get; set; }

    [Parameter]
    public SwitchParameter InsecureSkipVerify { get; set; }

    [Parameter]
    public string? CaFile { get; set; }

    [Parameter]
    public Hashtable? Ingress { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? GrafanaCredential { get; set; }

    [Parameter]
    public AlertRule[] Rule { get; set; } = [];

    [Parameter]
    public SwitchParameter NoDefaultRules { get; set; }

    protected override void EndProcessing()
    {
        if (InsecureSkipVerify && CaFile is not null)
            Fail(Engine.Validation.Validate.Invalid("-InsecureSkipVerify", null, "-InsecureSkipVerify and -CaFile contradict each other: give -CaFile to verify the kubelets, or -InsecureSkipVerify not to."));
        string? ca = null;
        if (CaFile is not null)
        {
            try { ca = File.ReadAllText(FileSystemPath(CaFile)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Fail(e, CaFile, "CaFileUnreadable"); }
        }
        var options = new MonitoringOptions
        {
            Namespace = Namespace, StorageClass = StorageClass, Retention = Retention, StorageSize = StorageSize,
            SmtpServer = SmtpServer, From = From, To = To, SmtpRequireTls = SmtpRequireTls, SmtpImplicitTls = SmtpImplicitTls,
            SmtpCredential = SmtpCredential is null ? null : new UserPassword(SmtpCredential.UserName, SmtpCredential.GetNetworkCredential().Password),
            KubeletScrape = InsecureSkipVerify ? KubeletScrape.DirectInsecure : ca is not null ? KubeletScrape.DirectWithCa : KubeletScrape.ApiServerProxy,
            KubeletCaCertificate = ca,
            Ingress = Ingress is null ? null : Build(() => IngressExposure.FromMap(Ingress)),
            Rules = Rule, DefaultRules = !NoDefaultRules,
        };
        // Everything is checked before the Secret is looked up: the input, then every permission (the Secret's too).
        CheckAccess(Build(() => MonitoringBundle.Build(options)), "Install-KoMonitoring", SecretAccess(Namespace, MonitoringBundle.GrafanaAdminSecret));
        options = options with { GrafanaAdmin = GrafanaAdmin() };
        var bundle = Build(() => MonitoringBundle.Build(options));
        MonitoringConfigCheck.Run(this, Build(() => MonitoringBundle.PrometheusFiles(options, Namespace)), Build(() => MonitoringConfig.Alertmanager(options)));
        if (InsecureSkipVerify)
            WriteWarning("Prometheus will scrape the kubelets without verifying their certificates. Prefer -CaFile, or the default (through the API server, verified with the cluster CA).");
        if (SmtpServer is not null && !SmtpRequireTls && SmtpCredential is not null && !options.ImplicitTls)
            WriteWarning("With -SmtpRequireTls $false, Alertmanager will not send the SMTP password over a connection without TLS: use port 465 or -SmtpImplicitTls (TLS from the first byte), or a relay that needs no login.");
        ApplyBundle(bundle, "Install-KoMonitoring");
    }

    private UserPassword? GrafanaAdmin()
    {
        if (GrafanaCredential is not null) return new UserPassword(GrafanaCredential.UserName, GrafanaCredential.GetNetworkCredential().Password);
        if (SecretExists(Namespace, MonitoringBundle.GrafanaAdminSecret)) return null; // keep the password Grafana already has
        var password = Engine.Crypto.Passwords.New();
        WriteVerbose($"Generated Grafana's admin password; read it with: kubectl -n {Namespace} get secret {MonitoringBundle.GrafanaAdminSecret} -o jsonpath='{{.data.admin-password}}' | base64 -d");
        return new UserPassword("admin", password);
    }
}
