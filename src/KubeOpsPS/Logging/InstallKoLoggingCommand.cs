using System.Collections;
using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Logging;

namespace KubeOpsPS.Logging;

/// <summary>
/// Installs the logging stack: a log shipper DaemonSet (Fluent Bit, or fluentd), Elasticsearch as a StatefulSet with
/// storage from a StorageClass and a lifecycle policy, and Kibana on a sub-path, optionally behind an Ingress.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "KoLogging", SupportsShouldProcess = true)]
[OutputType(typeof(ApplyResult), typeof(FileInfo))]
public sealed class InstallKoLoggingCommand : KoInstallCmdlet
{
    [Parameter]
    public LogShipper Shipper { get; set; } = LogShipper.FluentBit;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = LoggingBundle.DefaultNamespace;

    [Parameter]
    [ArgumentCompleter(typeof(StorageClassCompleter))]
    public string? StorageClass { get; set; }

    [Parameter]
    public string StorageSize { get; set; } = "20Gi";

    [Parameter]
    public string Memory { get; set; } = "2Gi";

    [Parameter]
    public string? Heap { get; set; }

    [Parameter]
    public int RetentionDays { get; set; } = 14;

    [Parameter]
    public string? CorsAllowOrigin { get; set; }

    [Parameter]
    public string KibanaPath { get; set; } = "/kibana";

    [Parameter]
    public Hashtable? Ingress { get; set; }

    [Parameter]
    public SwitchParameter AllowIndexListing { get; set; }

    protected override void EndProcessing()
    {
        var options = new LoggingOptions
        {
            Namespace = Namespace, Shipper = Shipper, StorageClass = StorageClass, StorageSize = StorageSize, Memory = Memory, Heap = Heap,
            RetentionDays = RetentionDays, CorsAllowOrigin = CorsAllowOrigin, KibanaPath = KibanaPath, AllowIndexListing = AllowIndexListing,
        };
        // Validate everything before anything is looked up or sent.
        var exposure = Build(() => Ingress is null ? null : IngressExposure.FromMap(Ingress));
        options = options with { Ingress = exposure };
        CheckAccess(Build(() => LoggingBundle.Build(options)), "Install-KoLogging", SecretAccess(Namespace, LoggingBundle.SecretName));

        if (CorsAllowOrigin == "*")
            WriteWarning("-CorsAllowOrigin '*' lets scripts on any web site call Elasticsearch from a user's browser. Name the origin that needs it (e.g. https://grafana.example.com); Grafana's Elasticsearch data source queries from its server and needs no CORS.");
        options = options with { Credentials = SecretExists(Namespace, LoggingBundle.SecretName) ? null : new LoggingCredentials(Passwords.New(), Passwords.New(), Passwords.New()) };
        if (options.Credentials is null)
            WriteVerbose($"Secret {Namespace}/{LoggingBundle.SecretName} exists: its passwords are kept (Elasticsearch stores the elastic password at first start).");
        ApplyBundle(Build(() => LoggingBundle.Build(options)), "Install-KoLogging");
    }
}
