using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Ingress;

/// <summary>
/// Builds a Gateway API HTTPRoute from the same host/path/service/TLS parameters as New-KoIngress; with TLS, also a
/// ListenerSet that adds an HTTPS listener with the certificate to the shared Gateway. Touches no cluster.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoHttpRoute")]
[OutputType(typeof(GenericResource))]
public sealed class NewKoHttpRouteCommand : KoRouteCmdlet
{
    [Parameter]
    [ArgumentCompleter(typeof(GatewayCompleter))]
    public string GatewayName { get; set; } = HttpRouteBuilder.DefaultGatewayName;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string GatewayNamespace { get; set; } = HttpRouteBuilder.DefaultGatewayNamespace;

    protected override void EndProcessing()
    {
        var (tlsSecret, tlsHosts) = Tls();
        var objects = Build(() => HttpRouteBuilder.Build(new HttpRouteOptions
        {
            Name = Name, Namespace = Namespace, Rules = Rules(), GatewayName = GatewayName, GatewayNamespace = GatewayNamespace,
            TlsSecretName = tlsSecret, TlsHosts = tlsHosts, StripPathPrefix = StripPathPrefix,
        }));
        foreach (var piped in Piped) WriteObject(piped);
        foreach (var o in objects) WriteObject(o);
    }
}
