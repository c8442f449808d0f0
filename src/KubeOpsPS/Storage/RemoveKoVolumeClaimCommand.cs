using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Storage;
using KubeOpsPS.Engine.Runtime.Storage;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Storage;

/// <summary>
/// Deletes claims safely: looks up each claim's volume, reclaim policy and class first, says where the data stays,
/// and asks before a deletion that destroys data (reclaim policy Delete) unless -Force.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "KoVolumeClaim", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(VolumeDeleteRisk))]
public sealed class RemoveKoVolumeClaimCommand : KoClusterCmdlet
{
    private bool _yesToAll, _noToAll;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string[] Name { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var n in Name) Build(() => Validate.Subdomain(n, "-Name"));
        if (Namespace is not null) Build(() => Validate.Label(Namespace, "-Namespace"));
        var gateway = Connect();
        var ns = NamespaceOrDefault(Namespace);
        foreach (var name in Name)
        {
            var target = $"PersistentVolumeClaim {ns}/{name}";
            try
            {
                var risk = Run(ct => VolumeClaimLookup.AssessDeleteAsync(gateway, ns, name, ct));
                if (risk is null)
                {
                    WriteFailure(new KoOperationException("NotFound", "ObjectNotFound", $"{target} was not found; nothing was deleted.", target));
                    continue;
                }
                WriteVerbose(risk.Message);
                if (!ShouldProcess(risk.Message, $"{target}: {VolumeDeleteGuard.Action(risk)}?", "Delete a volume claim")) continue;
                if (!VolumeDeleteGuard.Confirm(this, risk, Force, ref _yesToAll, ref _noToAll)) continue;
                if (!Run(ct => gateway.DeleteAsync(VolumeClaimLookup.ClaimKind, ns, name, ct: ct)))
                {
                    WriteFailure(new KoOperationException("NotFound", "ObjectNotFound", $"{target} was not found; nothing was deleted.", target));
                    continue;
                }
                WriteObject(risk);
            }
            catch (KoClusterException e)
            {
                WriteFailure(e, target);
            }
        }
    }
}
