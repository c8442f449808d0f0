using System.Collections;
using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Ingress;

namespace KubeOpsPS.Ingress;

/// <summary>
/// Installs an NGINX Ingress controller with everything it needs: namespace, ServiceAccount, RBAC, ConfigMap,
/// IngressClass, Deployment or DaemonSet and Service. NginxInc (F5 NGINX Ingress Controller, maintained) by default;
/// IngressNginx (the community controller, retired upstream in March 2026) for clusters that still depend on it.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "KoIngressController", SupportsShouldProcess = true)]
[OutputType(typeof(ApplyResult), typeof(FileInfo))]
public sealed class InstallKoIngressControllerCommand : KoInstallCmdlet
{
    [Parameter]
    public IngressController Controller { get; set; } = IngressController.NginxInc;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter]
    public int HttpPort { get; set; } = 80;

    [Parameter]
    public int HttpsPort { get; set; } = 443;

    [Parameter]
    public SwitchParameter HostNetwork { get; set; }

    [Parameter]
    public int? NodePort { get; set; }

    [Parameter]
    public int? HttpsNodePort { get; set; }

    [Parameter]
    public string[] ExternalIP { get; set; } = [];

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? WatchNamespace { get; set; }

    [Parameter]
    public string? DefaultBackend { get; set; }

    [Parameter]
    public Hashtable? Config { get; set; }

    [Parameter]
    public int Replicas { get; set; } = 1;

    [Parameter]
    public SwitchParameter DaemonSet { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(IngressClassCompleter))]
    public string IngressClassName { get; set; } = "nginx";

    [Parameter]
    public SwitchParameter AsDefaultClass { get; set; }

    [Parameter]
    public string? Image { get; set; }

    protected override void EndProcessing()
    {
        var bundle = Build(() => IngressControllerBundle.Build(new IngressControllerOptions
        {
            Controller = Controller, Namespace = Namespace, HttpPort = HttpPort, HttpsPort = HttpsPort, HostNetwork = HostNetwork,
            NodePort = NodePort, HttpsNodePort = HttpsNodePort, ExternalIPs = ExternalIP, WatchNamespace = WatchNamespace,
            DefaultBackend = DefaultBackend, Config = PSObjects.Strings(Config), Replicas = Replicas, DaemonSet = DaemonSet,
            IngressClassName = IngressClassName, AsDefaultClass = AsDefaultClass, Image = Image,
        }));
        if (Controller == IngressController.IngressNginx)
            WriteWarning("The community ingress-nginx controller was retired upstream in March 2026: v1.15.1 is its last release and gets no security fixes. Use it only for clusters that still depend on it; new clusters: -Controller NginxInc, or Gateway API (New-KoHttpRoute).");
        ApplyBundle(bundle, "Install-KoIngressController");
    }
}
