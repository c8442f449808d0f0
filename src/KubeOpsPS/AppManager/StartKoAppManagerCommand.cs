using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Manifests.AppManager;
using KubeOpsPS.Engine.Runtime.AppManager;

namespace KubeOpsPS.AppManager;

/// <summary>Keeps the cluster in step with a folder of manifests: applies changes within a second, prunes safely.</summary>
[Cmdlet(VerbsLifecycle.Start, "KoAppManager", SupportsShouldProcess = true, DefaultParameterSetName = "Foreground")]
[OutputType(typeof(AppManagerEvent), typeof(Job))]
public sealed class StartKoAppManagerCommand : KoClusterCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    public SwitchParameter Prune { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Once")]
    public SwitchParameter Once { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Job")]
    public SwitchParameter AsJob { get; set; }

    [Parameter]
    public string? Instance { get; set; }

    [Parameter]
    public TimeSpan Resync { get; set; } = TimeSpan.FromMinutes(5);

    [Parameter]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    protected override void EndProcessing()
    {
        var folder = FileSystemPath(Path);
        var instance = Instance ?? AppManagerNames.InstanceFor(folder);
        if (!ShouldProcess($"folder {folder} (instance {instance})", "reconcile into the cluster")) return;
        var gateway = Connect();
        var options = new AppManagerReconcilerOptions { Folder = folder, Recurse = Recurse, Prune = Prune, Instance = instance, Resync = Resync, PollInterval = PollInterval };
        AppManagerJob? job = null;
        var reconciler = Build(() => new AppManagerReconciler(gateway, options, ev =>
        {
            if (job is not null) job.Add(ev);
            else Post(() => WriteObject(ev));
        }), folder);
        gateway.Log = null;
        switch (ParameterSetName)
        {
            case "Once":
                var failures = Run(ct => reconciler.ReconcileAsync(true, ct));
                if (failures > 0)
                    WriteFailure(new KoOperationException("AppManagerFailures", "InvalidResult", $"The app-manager reconciled {folder} with {failures} failure(s); see the Failed events.", folder));
                break;
            case "Job":
                job = new AppManagerJob($"Start-KoAppManager -Path {folder}", $"KoAppManager-{instance}");
                KeepConnection();
                job.Start(reconciler.RunAsync);
                JobRepository.Add(job);
                WriteObject(job);
                break;
            default:
                WriteVerbose($"Watching {folder}; press Ctrl+C to stop.");
                Run(reconciler.RunAsync);
                break;
        }
    }
}
