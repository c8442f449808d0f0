using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Storage;
using KubeOpsPS.Engine.Runtime.Storage;

namespace KubeOpsPS.Storage;

/// <summary>
/// Installs NFS-backed dynamic storage and its StorageClass: an NFS server inside the cluster on a node's directory
/// (-HostPath; NFS Ganesha), or csi-driver-nfs for an existing NFS server (-Server and -Share).
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "KoNfsStorage", SupportsShouldProcess = true, DefaultParameterSetName = "InCluster")]
[OutputType(typeof(ApplyResult), typeof(FileInfo))]
public sealed class InstallKoNfsStorageCommand : KoInstallCmdlet
{
    [Parameter(Mandatory = true, ParameterSetName = "InCluster")]
    public string HostPath { get; set; } = string.Empty;

    [Parameter(ParameterSetName = "InCluster")]
    [ArgumentCompleter(typeof(NodeCompleter))]
    public string? NodeName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "External")]
    public string Server { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "External")]
    public string Share { get; set; } = string.Empty;

    [Parameter(ParameterSetName = "External")]
    public string? SubDir { get; set; }

    [Parameter(ParameterSetName = "External")]
    [ValidateSet("Retain", "Archive", "Delete")]
    public string OnDelete { get; set; } = "Retain";

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = NfsStorageBundle.DefaultNamespace;

    [Parameter]
    public string StorageClassName { get; set; } = "nfs";

    [Parameter]
    public SwitchParameter Default { get; set; }

    [Parameter]
    public string[]? MountOption { get; set; }

    [Parameter]
    [ValidateSet("Retain", "Delete")]
    public string? ReclaimPolicy { get; set; }

    [Parameter]
    public string? Image { get; set; }

    protected override void EndProcessing()
    {
        var external = ParameterSetName == "External";
        var options = new NfsStorageOptions
        {
            Namespace = Namespace, StorageClassName = StorageClassName, Default = Default, MountOptions = MountOption, ReclaimPolicy = ReclaimPolicy, Image = Image,
            HostPath = external ? null : HostPath, NodeName = NodeName,
            Server = external ? Server : null, Share = external ? Share : null, SubDir = SubDir, OnDelete = OnDelete,
        };
        var bundle = Build(() => NfsStorageBundle.Build(options));
        var sc = bundle.OfType<V1StorageClass>().Single();
        if (!external && NodeName is null)
            WriteWarning($"The NFS server keeps its data in {HostPath} on whichever node it is scheduled to; if it moves, the volumes look empty. Pin it with -NodeName.");
        if (sc.ReclaimPolicy == "Delete" && (!external || OnDelete == "Delete"))
            WriteWarning($"Storage class {sc.Metadata.Name} deletes a volume's data when its claim is deleted (reclaim policy Delete{(external ? ", onDelete delete" : string.Empty)}).");
        if (Default && OutputDirectory is null) WarnOtherDefault(sc.Metadata.Name);
        ApplyBundle(bundle, "Install-KoNfsStorage");
    }

    private void WarnOtherDefault(string name)
    {
        ClusterGateway gateway;
        try
        {
            gateway = Gateway; // no connection (e.g. -WhatIf without a kubeconfig): nothing to compare with
        }
        catch (KoClusterException)
        {
            return;
        }
        try
        {
            var (items, _) = Run(ct => gateway.ListAsync(VolumeClaimLookup.ClassKind, null, ct: ct));
            var others = items.OfType<V1StorageClass>()
                .Where(c => c.Metadata.Name != name && c.Metadata.Annotations?.TryGetValue(NfsStorageBundle.DefaultClassAnnotation, out var v) == true && v == "true")
                .Select(c => c.Metadata.Name).ToList();
            if (others.Count > 0)
                WriteWarning($"{string.Join(", ", others)} is also marked default; with two defaults, claims without a class get the newest one. Remove the annotation {NfsStorageBundle.DefaultClassAnnotation} from the other class.");
        }
        catch (KoClusterException e)
        {
            WriteVerbose($"Could not list the storage classes: {e.Message}");
        }
    }
}
