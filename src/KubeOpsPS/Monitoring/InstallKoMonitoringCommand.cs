using System.Collections;
using System.Management.Automation;
using System.Security.Cryptography;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Yaml;

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
    /// <summary>The namespace of the stack. Default monitoring.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = MonitoringBundle.DefaultNamespace;

    /// <summary>The StorageClass of Prometheus' and Alertmanager's claims; omitted: the cluster's default class.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(StorageClassCompleter))]
    public string? StorageClass { get; set; }

    /// <summary>How long Prometheus keeps samples, e.g. 15d (default) or 12w.</summary>
    [Parameter]
    public string Retention { get; set; } = "15d";

    /// <summary>The size of Prometheus' volume, e.g. 20Gi (default).</summary>
    [Parameter]
    public string StorageSize { get; set; } = "20Gi";

    /// <summary>host:port of the mail relay alerts are sent through, e.g. smtp.example.com:587.</summary>
    [Parameter]
    public string? SmtpServer { get; set; }

    /// <summary>The sender address of alert mails.</summary>
    [Parameter]
    public string? From { get; set; }

    /// <summary>The addresses alert mails go to.</summary>
    [Parameter]
    public string[] To { get; set; } = [];

    /// <summary>The SMTP login; the password is stored in a Secret that Alertmanager reads as a file.</summary>
    [Parameter]
    [Credential]
    public PSCredential? SmtpCredential { get; set; }

    /// <summary>Require STARTTLS to the relay (default $true). $false for a relay without TLS, as the seed had.</summary>
    [Parameter]
    public bool SmtpRequireTls { get; set; } = true;

    /// <summary>Speak TLS to the relay from the first byte (SMTPS) on a port other than 465; port 465 gets it without the switch.</summary>
    [Parameter]
    public SwitchParameter SmtpImplicitTls { get; set; }

    /// <summary>Scrape the kubelets directly without verifying their certificates (self-signed kubelet certificates). Off by default.</summary>
    [Parameter]
    public SwitchParameter InsecureSkipVerify { get; set; }

    /// <summary>The PEM file of the CA that signed the kubelets' serving certificates: scrape them directly and verify.</summary>
    [Parameter]
    public string? CaFile { get; set; }

    /// <summary>Expose Grafana (/), Prometheus (/prometheus) and Alertmanager (/alertmanager): @{ Host = 'mon.example.com'; TlsSecretName = 'mon-tls'; BasicAuthSecret = 'mon-auth'; IngressClassName = 'nginx'; Controller = 'NginxInc' }.</summary>
    [Parameter]
    public Hashtable? Ingress { get; set; }

    /// <summary>Grafana's admin login; omitted: kept when the Secret exists, otherwise generated (read it from Secret grafana-admin).</summary>
    [Parameter]
    [Credential]
    public PSCredential? GrafanaCredential { get; set; }

    /// <summary>Alert rules beyond the defaults (from New-KoAlertRule).</summary>
    [Parameter]
    public AlertRule[] Rule { get; set; } = [];

    /// <summary>Leave out the module's default alert rules.</summary>
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
        Build(() => MonitoringBundle.Build(options)); // everything is checked before the Secret is looked up
        options = options with { GrafanaAdmin = GrafanaAdmin() };
        var bundle = Build(() => MonitoringBundle.Build(options));
        MonitoringConfigCheck.Run(this, Build(() => MonitoringBundle.PrometheusFiles(options, Namespace)), Build(() => MonitoringConfigs.Alertmanager(options)));
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
