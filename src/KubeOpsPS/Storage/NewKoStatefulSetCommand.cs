using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.Workloads;

namespace KubeOpsPS.Storage;

/// <summary>
/// Builds a StatefulSet: the New-KoDeployment parameters plus per-pod claims from -VolumeClaimTemplate (kept when
/// the StatefulSet is deleted or scaled down) and, with -WithHeadlessService, its governing Service. Touches no cluster.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoStatefulSet")]
[OutputType(typeof(V1StatefulSet), typeof(V1Service))]
public sealed class NewKoStatefulSetCommand : KoWorkloadCmdlet
{
    /// <summary>Per-pod claims: name=size:/mount/path, e.g. data=10Gi:/var/lib/mysql.</summary>
    [Parameter] public string[] VolumeClaimTemplate { get; set; } = [];
    /// <summary>The storage class of the -VolumeClaimTemplate claims; omitted: the cluster's default class.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(StorageClassCompleter))]
    public string? StorageClass { get; set; }
    /// <summary>The access mode of the -VolumeClaimTemplate claims. Default ReadWriteOnce.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AccessModeCompleter))]
    public string AccessMode { get; set; } = "ReadWriteOnce";
    /// <summary>The governing headless Service; default the StatefulSet's name.</summary>
    [ArgumentCompleter(typeof(ServiceCompleter))]
    [Parameter] public string? ServiceName { get; set; }
    /// <summary>Also write the headless Service (clusterIP None) that gives the pods stable DNS names.</summary>
    [Parameter] public SwitchParameter WithHeadlessService { get; set; }
    /// <summary>OrderedReady (default: one pod at a time) or Parallel.</summary>
    [Parameter]
    [ValidateSet("OrderedReady", "Parallel")]
    public string PodManagementPolicy { get; set; } = "OrderedReady";

    protected override void EndProcessing()
    {
        var set = Build(() => StatefulSetBuilder.Build(Fill(new StatefulSetOptions
        {
            Name = Name, Image = Image, VolumeClaimTemplates = VolumeClaimTemplate, StorageClass = StorageClass, AccessMode = AccessMode,
            ServiceName = ServiceName, PodManagementPolicy = PodManagementPolicy,
        })));
        if (WithHeadlessService) WriteObject(StatefulSetBuilder.HeadlessService(set));
        WriteObject(set);
    }
}
