using System.Collections;
using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Runtime.Ingress;

namespace KubeOpsPS.Ingress;

/// <summary>
/// Builds an Ingress (networking.k8s.io/v1) with TLS and basic authentication for the chosen NGINX controller.
/// Touches no cluster; when connected and -Controller is omitted, reads the IngressClass to pick the controller.
/// Piped objects (a TLS secret, a basic-auth secret) are written first, so the pipeline can end in Publish-KoResource.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoIngress")]
[OutputType(typeof(V1Ingress), typeof(V1Secret))]
public sealed class NewKoIngressCommand : KoRouteCmdlet
{
    [Parameter]
    public object? BasicAuthSecret { get; set; }

    [Parameter]
    public string BasicAuthRealm { get; set; } = "Authentication Required";

    [Parameter]
    [ArgumentCompleter(typeof(IngressClassCompleter))]
    public string? IngressClassName { get; set; }

    [Parameter]
    public IngressController? Controller { get; set; }

    [Parameter]
    public Hashtable? Annotation { get; set; }

    [Parameter]
    public Hashtable? Label { get; set; }

    protected override void EndProcessing()
    {
        var (tlsSecret, tlsHosts) = Tls();
        var authSecret = PSObjects.Unwrap(BasicAuthSecret);
        var authName = authSecret switch
        {
            null => Piped.OfType<V1Secret>().FirstOrDefault(s => s.Type != Engine.Crypto.TlsSecrets.Type)?.Metadata?.Name,
            V1Secret s => s.Metadata?.Name,
            _ => authSecret.ToString(),
        };
        var options = new IngressOptions
        {
            Name = Name, Namespace = Namespace, Rules = Rules(), Controller = Controller ?? ClassController(),
            IngressClassName = IngressClassName, TlsSecretName = tlsSecret, TlsHosts = tlsHosts,
            BasicAuthSecret = authName, BasicAuthRealm = BasicAuthRealm, StripPathPrefix = StripPathPrefix,
            Annotations = PSObjects.Strings(Annotation), Labels = PSObjects.Strings(Label),
        };
        var ingress = Build(() => IngressBuilder.Build(options));
        foreach (var piped in Piped) WriteObject(piped);
        if (authSecret is V1Secret given && !Piped.Contains(given)) WriteObject(given);
        WriteObject(ingress);
    }

    private IngressController ClassController()
    {
        if (ClusterSession.Current is null && Context is null && KubeConfig is null) return IngressController.NginxInc;
        try
        {
            var gateway = Connect();
            var found = Run(ct => IngressClassLookup.ControllerAsync(gateway, IngressClassName, ct));
            WriteVerbose(found is null
                ? $"IngressClass {IngressClassName ?? "(default)"} is not served by an NGINX controller this module knows; writing NginxInc annotations."
                : $"IngressClass {IngressClassName ?? "(default)"} is served by {found}.");
            return found ?? IngressController.NginxInc;
        }
        catch (KoClusterException e)
        {
            // Offline (no answer) the documented default applies quietly; a server that answered with an error is worth a warning.
            if (e.StatusCode == 0) WriteVerbose($"Could not read the IngressClass, so its controller is unknown ({e.Message}); writing NginxInc annotations. Give -Controller to choose.");
            else WriteWarning($"Could not read the IngressClass, so its controller is unknown ({e.Message}); writing NginxInc annotations. Give -Controller to choose.");
            return IngressController.NginxInc;
        }
    }
}
