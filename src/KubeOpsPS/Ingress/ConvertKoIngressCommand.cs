using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Ingress;

/// <summary>
/// Converts Ingress objects (from Get-KoResource, ConvertFrom-KoYaml or New-KoIngress) to Gateway API HTTPRoutes, and
/// warns about each annotation that has no Gateway API equivalent. Touches no cluster.
/// </summary>
[Cmdlet(VerbsData.Convert, "KoIngress")]
[OutputType(typeof(GenericResource))]
public sealed class ConvertKoIngressCommand : KoCmdlet
{
    /// <summary>The Ingress objects to convert.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    /// <summary>What to convert to: HttpRoute.</summary>
    [Parameter(Mandatory = true)]
    [ValidateSet("HttpRoute")]
    public string To { get; set; } = "HttpRoute";

    /// <summary>The Gateway the routes attach to. Default 'gateway'.</summary>
    [Parameter]
    public string GatewayName { get; set; } = HttpRouteBuilder.DefaultGatewayName;

    /// <summary>The Gateway's namespace. Default 'gateway-system'.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string GatewayNamespace { get; set; } = HttpRouteBuilder.DefaultGatewayNamespace;

    /// <summary>The Gateway implementation, for what Gateway API has no field for: basic auth becomes an Envoy Gateway SecurityPolicy or an NGINX Gateway Fabric AuthenticationFilter. Default None (a warning instead).</summary>
    [Parameter]
    public GatewayImplementation Implementation { get; set; } = GatewayImplementation.None;

    protected override void ProcessRecord()
    {
        foreach (var obj in KubernetesObjects([InputObject]))
        {
            var ingress = obj switch
            {
                V1Ingress i => i,
                GenericResource g when g.Kind == "Ingress" => System.Text.Json.JsonSerializer.Deserialize<V1Ingress>(g.ToJson(), KoJson.Options),
                _ => null,
            };
            if (ingress is null)
            {
                WriteFailure(Validate.Invalid("-InputObject", obj.ToString(), $"{obj} is not an Ingress; Convert-KoIngress converts Ingress objects only."), obj, "NotAnIngress");
                continue;
            }
            IngressConversion conversion;
            try
            {
                conversion = HttpRouteBuilder.FromIngress(ingress, GatewayName, GatewayNamespace, Implementation);
            }
            catch (KoValidationException e)
            {
                WriteFailure(e, ingress);
                continue;
            }
            foreach (var annotation in conversion.Untranslated)
                WriteWarning($"{conversion.Source}: {annotation} has no Gateway API equivalent; configure it with your Gateway implementation's policy resources.");
            foreach (var note in conversion.Notes) WriteWarning($"{conversion.Source}: {note}");
            foreach (var o in conversion.Objects) WriteObject(o);
        }
    }
}
