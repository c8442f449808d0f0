using System.Management.Automation;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Runtime.Rollout;

namespace KubeOpsPS.Rollout;

/// <summary>Waits until a rollout is complete, as kubectl rollout status does.</summary>
[Cmdlet(VerbsLifecycle.Wait, "KoRollout", DefaultParameterSetName = "Name")]
[OutputType(typeof(RolloutResult))]
public sealed class WaitKoRolloutCommand : KoRolloutCmdlet
{
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    [Parameter]
    public int? Revision { get; set; }

    protected override void ProcessRecord()
    {
        var (kind, ns, name) = Target();
        var runner = new RolloutRunner(Connect());
        var started = DateTime.UtcNow;
        try
        {
            var current = Run(ct => runner.HistoryAsync(kind, ns, name, ct)).FirstOrDefault(r => r.Current)?.Revision ?? 0;
            if (Revision is { } want && want != current)
                Fail(new KoOperationException("RevisionMismatch", "InvalidResult", $"{kind.Kind} {ns}/{name} is at revision {current}, not {want}.", $"{kind.Kind} {ns}/{name}"));
            var state = SayWhereStopped(kind, ns, name,
                () => $"Stopped waiting for {kind.Kind} {ns}/{name}: nothing was changed, and its controller carries on with the rollout. Follow it again: {CommandFor("Wait-KoRollout", kind, ns, name)}; roll it back: {CommandFor("Undo-KoRollout", kind, ns, name)}.",
                () => Follow(runner, kind, ns, name, Timeout, "Wait-KoRollout"));
            if (state.Failed)
            {
                WriteFailure(new KoOperationException("RolloutFailed", "InvalidResult", $"{kind.Kind} {ns}/{name}: {state.Status}.", $"{kind.Kind} {ns}/{name}",
                    "Roll back with Undo-KoRollout, or fix the pods (Get-KoResource Pod, Get-KoResource Event)."));
                return;
            }
            WriteObject(new RolloutResult(kind.Kind, ns, name, current, "RolledOut", state.Status, DateTime.UtcNow - started));
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, $"{kind.Kind} {ns}/{name}");
        }
    }
}
