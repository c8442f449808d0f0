using System.Management.Automation;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Runtime.Rollout;

namespace KubeOpsPS.Rollout;

/// <summary>Lists a workload's revisions with their images and change causes.</summary>
[Cmdlet(VerbsCommon.Get, "KoRolloutHistory", DefaultParameterSetName = "Name")]
[OutputType(typeof(RolloutRevision))]
public sealed class GetKoRolloutHistoryCommand : KoRolloutCmdlet
{
    protected override void ProcessRecord()
    {
        var (kind, ns, name) = Target();
        var gateway = Connect();
        try
        {
            WriteObject(Run(ct => new RolloutRunner(gateway).HistoryAsync(kind, ns, name, ct)), enumerateCollection: true);
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, $"{kind.Kind} {ns}/{name}");
        }
    }
}
