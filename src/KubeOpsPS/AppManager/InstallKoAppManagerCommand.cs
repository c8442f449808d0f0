using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.AppManager;

namespace KubeOpsPS.AppManager;

/// <summary>Runs the app-manager inside the cluster: a Deployment with PowerShell and the module, scoped RBAC, manifests from a ConfigMap.</summary>
[Cmdlet(VerbsLifecycle.Install, "KoAppManager", SupportsShouldProcess = true)]
[OutputType(typeof(ApplyResult), typeof(FileInfo))]
public sealed class InstallKoAppManagerCommand : KoInstallCmdlet
{
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    [Parameter]
    public string Name { get; set; } = "kubeops-app-manager";

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = "kubeops-system";

    [Parameter]
    public SwitchParameter ClusterWide { get; set; }

    [Parameter]
    public SwitchParameter NoPrune { get; set; }

    [Parameter]
    public string? Image { get; set; }

    protected override void EndProcessing()
    {
        var manifests = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Path is not null)
        {
            var folder = FileSystemPath(Path);
            if (!Directory.Exists(folder))
                Fail(Engine.Validation.Validate.Invalid("-Path", folder, $"The folder '{folder}' does not exist."));
            foreach (var f in Engine.Runtime.AppManager.ManifestFolder.ListFiles(folder, recurse: false))
                manifests[System.IO.Path.GetFileName(f)] = File.ReadAllText(f);
        }
        // A namespace-scoped manager cannot write elsewhere: say so before installing, not in its pod's log later.
        if (!ClusterWide)
        {
            var outside = ManifestScope.OutsideNamespace(manifests, Namespace);
            if (outside.Count > 0)
                WriteWarning($"The app-manager may only change namespace '{Namespace}', but these manifests target more: "
                    + string.Join("; ", outside.Select(o => $"{o.File} ({o.Object}, {o.Target})"))
                    + $". Install it with -ClusterWide, or move those objects into namespace '{Namespace}'.");
        }
        var options = new AppManagerOptions { Name = Name, Namespace = Namespace, Manifests = manifests, ClusterWide = ClusterWide, Prune = !NoPrune };
        if (Image is not null) options = options with { Image = Image };
        var bundle = Build(() => AppManagerBundle.Build(options));
        ApplyBundle(bundle, "Install-KoAppManager");
    }
}
