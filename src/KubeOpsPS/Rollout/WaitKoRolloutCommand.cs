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
