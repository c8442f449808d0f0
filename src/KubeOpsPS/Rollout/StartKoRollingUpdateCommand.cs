using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;

namespace KubeOpsPS.Rollout;

/// <summary>Updates a workload's image and follows the rollout; rolls back by itself when it fails.</summary>
[Cmdlet(VerbsLifecycle.Start, "KoRollingUpdate", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(RolloutResult))]
public sealed class StartKoRollingUpdateCommand : KoRolloutCmdlet
{
    /// <summary>The new image (single-container workloads), or a hashtable of container name → image.</summary>
    [Parameter(Mandatory = true)]
    public object Image { get; set; } = string.Empty;

    /// <summary>How many extra pods may run during the update: a number or a percentage such as 25%.</summary>
    [Parameter]
    public string? MaxSurge { get; set; }

    /// <summary>How many pods may be unavailable during the update: a number or a percentage.</summary>
    [Parameter]
    public string? MaxUnavailable { get; set; }

    /// <summary>Seconds a new pod must be ready before it counts as available.</summary>
    [Parameter]
    public int? MinReadySeconds { get; set; }

    /// <summary>How long a Deployment may make no progress before the rollout counts as failed.</summary>
    [Parameter]
    public TimeSpan? ProgressDeadline { get; set; }

    /// <summary>How long to follow the rollout before giving up (and rolling back). Default 10 minutes.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Recorded as kubernetes.io/change-cause, shown by Get-KoRolloutHistory.</summary>
    [Parameter]
    public string? ChangeCause { get; set; }

    /// <summary>Leave a failed rollout where it stopped instead of rolling back.</summary>
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
        var gateway = Connect();
        var live = Run(ct => gateway.GetAsync(kind, ns, name, ct));
        if (live is null) Fail(new KoClusterException("NotFound", "ObjectNotFound", $"{kind.Kind} {ns}/{name} was not found.", $"{kind.Kind} {ns}/{name}", $"List them with Get-KoResource {kind.Kind} -Namespace {ns}."));
        var change = Build(() => RolloutChanges.Build(live!, options));
        if (!ShouldProcess($"{kind.Kind} {ns}/{name}", $"rolling update to {Image}")) return;
        var runner = new RolloutRunner(gateway);
        var started = DateTime.UtcNow;
        try
        {
            Run(ct => gateway.ApplyAsync(change, new ApplyOptions(Force: true, FieldManager: RolloutChanges.FieldManager), ct));
            WaitState state;
            string why;
            try
            {
                state = Follow(gateway, kind, ns, name, Timeout, "Start-KoRollingUpdate");
                why = state.Status;
            }
            catch (KoClusterException e) when (e.ErrorId == "WaitTimeout")
            {
                state = new WaitState(false, e.Message, Failed: true);
                why = e.Message;
            }
            var revision = Run(ct => runner.HistoryAsync(kind, ns, name, ct)).FirstOrDefault(r => r.Current)?.Revision ?? 0;
            if (state.Done)
            {
                WriteObject(new RolloutResult(kind.Kind, ns, name, revision, "RolledOut", state.Status, DateTime.UtcNow - started));
                return;
            }
            var diagnosis = Run(ct => runner.DiagnoseAsync(kind, ns, name, ct));
            var message = $"The rollout of {kind.Kind} {ns}/{name} to {Image} failed: {why}.{(diagnosis.Length > 0 ? " " + diagnosis + "." : string.Empty)}";
            if (NoRollback)
            {
                WriteError(Failure(message + " It was left as it is (-NoRollback).", kind, ns, name, "Fix the image or configuration and run Start-KoRollingUpdate again, or roll back with Undo-KoRollout."));
                return;
            }
            var restored = Run(ct => runner.UndoAsync(kind, ns, name, 0, ct));
            var after = Follow(gateway, kind, ns, name, Timeout, "Rolling back");
            WriteObject(new RolloutResult(kind.Kind, ns, name, restored ?? revision, "RolledBack", after.Status, DateTime.UtcNow - started));
            WriteError(Failure(message + $" It was rolled back to revision {restored}: {after.Status}.", kind, ns, name, "Fix the image or configuration, then run Start-KoRollingUpdate again."));
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, $"{kind.Kind} {ns}/{name}");
        }
    }

    private static ErrorRecord Failure(string message, KubeOpsPS.Engine.Yaml.KubeKind kind, string ns, string name, string action) =>
        new(new InvalidOperationException(message), "RolloutFailed", ErrorCategory.InvalidResult, $"{kind.Kind} {ns}/{name}")
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = action },
        };
}
