using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Runtime.Rollout;

namespace KubeOpsPS.Rollout;

/// <summary>Updates a workload's image and follows the rollout; rolls back by itself when it fails.</summary>
[Cmdlet(VerbsLifecycle.Start, "KoRollingUpdate", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(RolloutResult))]
public sealed class StartKoRollingUpdateCommand : KoRolloutCmdlet
{
    [Parameter(Mandatory = true)]
    public object Image { get; set; } = string.Empty;

    [Parameter]
    public string? MaxSurge { get; set; }

    [Parameter]
    public string? MaxUnavailable { get; set; }

    [Parameter]
    public int? MinReadySeconds { get; set; }

    [Parameter]
    public TimeSpan? ProgressDeadline { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    [Parameter]
    public string? ChangeCause { get; set; }

    [Parameter]
    public SwitchParameter NoRollback { get; set; }

    protected override void ProcessRecord()
    {
        var (kind, ns, name) = Target();
        var (single, map) = PSObjects.StringOrMap(Image);
        var options = new RollingUpdateOptions
        {
            SingleImage = single,
            Images = map,
            MaxSurge = MaxSurge, MaxUnavailable = MaxUnavailable, MinReadySeconds = MinReadySeconds,
            ProgressDeadlineSeconds = ProgressDeadline is { } pd ? (int)pd.TotalSeconds : null,
            ChangeCause = ChangeCause ?? $"Start-KoRollingUpdate -Image {Image}",
        };
        if (options.SingleImage is null && options.Images.Count == 0) Fail(Engine.Validation.Validate.Invalid("-Image", Image, "-Image must be an image reference or a hashtable of container name = image."));
        // A malformed image is refused before anything is sent.
        Build(() => options.Images.Select(i => Engine.Validation.Validate.Image(i.Value, $"-Image[{i.Key}]")).Append(options.SingleImage is null ? "" : Engine.Validation.Validate.Image(options.SingleImage, "-Image")).ToList());
        var runner = new RolloutRunner(Connect());
        var change = Call(ct => runner.PlanUpdateAsync(kind, ns, name, options, ct), $"{kind.Kind} {ns}/{name}");
        if (!ShouldProcess($"{kind.Kind} {ns}/{name}", $"rolling update to {Image}")) return;
        try
        {
            var stage = RolloutStage.Preparing;
            var outcome = SayWhereStopped(kind, ns, name, () => LeftIn(stage, kind, ns, name), () =>
                WithProgress(ProgressId, "Start-KoRollingUpdate", $"{kind.Kind} {ns}/{name}", report =>
                    Run(ct => runner.UpdateAsync(kind, ns, name, change, $"{Image}", Timeout, !NoRollback, (at, s) => { stage = at; report(LastSeen = s); }, w => Post(() => WriteWarning(w)), ct))));
            if (outcome.Result is not null) WriteObject(outcome.Result);
            if (outcome.Failure is not null) WriteFailure(outcome.Failure);
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, $"{kind.Kind} {ns}/{name}"); // the next workload in the pipeline still gets its update
        }
    }

    // What a stop at each stage leaves behind, and the command that undoes or resumes it.
    private string LeftIn(RolloutStage stage, Engine.Yaml.KubeKind kind, string ns, string name) => stage switch
    {
        RolloutStage.Preparing => $"Stopped before the update was applied: {kind.Kind} {ns}/{name} is unchanged. Update it again: {MyInvocation.Statement.Trim()}",
        RolloutStage.Following => $"Stopped following the update of {kind.Kind} {ns}/{name} to {Image}: the new template is applied, its controller carries on with the rollout, and nothing will roll it back by itself now. Roll it back: {CommandFor("Undo-KoRollout", kind, ns, name)}; follow it again: {CommandFor("Wait-KoRollout", kind, ns, name)}.",
        _ => $"Stopped following the rollback of {kind.Kind} {ns}/{name} after its update to {Image} failed: the previous template is applied again, and its controller carries on with the rollout. Follow it again: {CommandFor("Wait-KoRollout", kind, ns, name)}.",
    };
}
