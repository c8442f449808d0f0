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
    /// <summary>NginxInc (default) or IngressNginx.</summary>
    [Parameter]
    public IngressController Controller { get; set; } = IngressController.NginxInc;

    /// <summary>The controller's namespace; default nginx-ingress (NginxInc) or ingress-nginx (IngressNginx).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>The port NGINX listens on for HTTP; default 80.</summary>
    [Parameter]
    public int HttpPort { get; set; } = 80;

    /// <summary>The port NGINX listens on for HTTPS; default 443.</summary>
    [Parameter]
    public int HttpsPort { get; set; } = 443;

    /// <summary>Listen on the nodes' network on -HttpPort and -HttpsPort.</summary>
    [Parameter]
    public SwitchParameter HostNetwork { get; set; }

    /// <summary>The node port for HTTP of the NodePort Service; omitted: the cluster picks one.</summary>
    [Parameter]
    public int? NodePort { get; set; }

    /// <summary>The node port for HTTPS of the NodePort Service.</summary>
    [Parameter]
    public int? HttpsNodePort { get; set; }

    /// <summary>Node addresses that accept traffic for the Service's ports (externalIPs).</summary>
    [Parameter]
    public string[] ExternalIP { get; set; } = [];

    /// <summary>Only serve Ingresses of this namespace; default: all namespaces.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? WatchNamespace { get; set; }

    /// <summary>A service (name or namespace/name, port 80) for requests no rule matches; default: the controller's own 404 page.</summary>
    [Parameter]
    public string? DefaultBackend { get; set; }

    /// <summary>Controller ConfigMap options (the supported replacement for a custom nginx.tmpl).</summary>
    [Parameter]
    public Hashtable? Config { get; set; }

    /// <summary>Controller pods (Deployment); default 1.</summary>
    [Parameter]
    public int Replicas { get; set; } = 1;

    /// <summary>Run one controller on every node (DaemonSet) instead of a Deployment.</summary>
    [Parameter]
    public SwitchParameter DaemonSet { get; set; }

    /// <summary>The IngressClass's name; default nginx.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(IngressClassCompleter))]
    public string IngressClassName { get; set; } = "nginx";

    /// <summary>Make the class the cluster's default (Ingresses without a class use it).</summary>
    [Parameter]
    public SwitchParameter AsDefaultClass { get; set; }

    /// <summary>Another controller image (a mirror, or a newer release).</summary>
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
