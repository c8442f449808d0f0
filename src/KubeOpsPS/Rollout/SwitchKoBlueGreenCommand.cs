using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Runtime.Rollout;

namespace KubeOpsPS.Rollout;

/// <summary>Deploys a new version beside the live one and switches the Service to it once it is ready; or switches back.</summary>
[Cmdlet(VerbsCommon.Switch, "KoBlueGreen", SupportsShouldProcess = true, DefaultParameterSetName = "Deploy")]
[OutputType(typeof(BlueGreenResult))]
public sealed class SwitchKoBlueGreenCommand : KoClusterCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(ServiceCompleter))]
    public string ServiceName { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "Deploy")]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "Deploy")]
    public object Image { get; set; } = string.Empty;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(ParameterSetName = "Deploy")]
    [ValidateRange(0, int.MaxValue)]
    public int? KeepPrevious { get; set; }

    [Parameter(ParameterSetName = "Deploy")]
    public SwitchParameter RemovePrevious { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Rollback")]
    public SwitchParameter Rollback { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    private const int ProgressId = 4205;

    protected override void EndProcessing()
    {
        Build(() => Engine.Validation.Validate.Dns1035(ServiceName, "-ServiceName"));
        if (Namespace is not null) Build(() => Engine.Validation.Validate.Label(Namespace, "-Namespace"));
        if (!Rollback) Build(() => Engine.Validation.Validate.Subdomain(Name, "-Name"));
        var (single, map) = PSObjects.StringOrMap(Image);
        var gateway = Connect();
        var ns = NamespaceOrDefault(Namespace);
        var operation = new BlueGreenSwitch(gateway);
        var plan = Call(ct => Rollback
            ? operation.PlanRollbackAsync(ns, ServiceName, ct)
            : operation.PlanDeployAsync(ns, ServiceName, Name, single, map, RemovePrevious, ct), $"Service {ns}/{ServiceName}");
        var action = Rollback ? $"switch back to {plan.Next}" : $"deploy {plan.Next} ({Image}) and switch to it";
        if (!ShouldProcess($"Service {ns}/{ServiceName}", action)) return;
        var result = WithProgress(ProgressId, "Switch-KoBlueGreen", $"Waiting for {plan.Next}", report =>
            Call(ct => operation.RunAsync(plan, KeepPrevious, Timeout, s => report(s), ct), $"Service {ns}/{ServiceName}"));
        if (result.PreviousReplicas == 0) WriteVerbose($"Scaled {result.Previous} to 0.");
        WriteObject(result);
    }
}
