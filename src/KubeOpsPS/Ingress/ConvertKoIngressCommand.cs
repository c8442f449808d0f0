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
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateSet("HttpRoute")]
    public string To { get; set; } = "HttpRoute";

    [Parameter]
    [ArgumentCompleter(typeof(GatewayCompleter))]
    public string GatewayName { get; set; } = HttpRouteBuilder.DefaultGatewayName;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string GatewayNamespace { get; set; } = HttpRouteBuilder.DefaultGatewayNamespace;

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
