using System.Management.Automation;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Runtime.Rollout;

namespace KubeOpsPS.Rollout;

/// <summary>Rolls a workload back to an earlier revision, as kubectl rollout undo does.</summary>
[Cmdlet(VerbsCommon.Undo, "KoRollout", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(RolloutResult))]
public sealed class UndoKoRolloutCommand : KoRolloutCmdlet
{
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int ToRevision { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    protected override void ProcessRecord()
    {
        var (kind, ns, name) = Target();
        if (!ShouldProcess($"{kind.Kind} {ns}/{name}", ToRevision == 0 ? "roll back to the previous revision" : $"roll back to revision {ToRevision}")) return;
        var runner = new RolloutRunner(Connect());
        var started = DateTime.UtcNow;
        try
        {
            var restored = Run(ct => runner.UndoAsync(kind, ns, name, ToRevision, ct, "Undo-KoRollout", w => Post(() => WriteWarning(w))));
            if (restored is null)
            {
                WriteWarning($"{kind.Kind} {ns}/{name} already runs that revision; skipped rollback.");
                return;
            }
            var status = Wait
                ? SayWhereStopped(kind, ns, name,
                    () => $"Stopped following the rollback of {kind.Kind} {ns}/{name}: revision {restored}'s template is applied, and its controller carries on with the rollout. Follow it again: {CommandFor("Wait-KoRollout", kind, ns, name)}; go back to the revision before it: {CommandFor("Undo-KoRollout", kind, ns, name)}.",
                    () => Follow(runner, kind, ns, name, Timeout, "Undo-KoRollout")).Status
                : "rollback started";
            WriteObject(new RolloutResult(kind.Kind, ns, name, restored.Value, "RolledBack", status, DateTime.UtcNow - started));
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, $"{kind.Kind} {ns}/{name}");
        }
    }
}
