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
    [Parameter] public string[] VolumeClaimTemplate { get; set; } = [];
    [Parameter]
    [ArgumentCompleter(typeof(StorageClassCompleter))]
    public string? StorageClass { get; set; }
    [Parameter]
    [ArgumentCompleter(typeof(AccessModeCompleter))]
    public string AccessMode { get; set; } = "ReadWriteOnce";
    [ArgumentCompleter(typeof(ServiceCompleter))]
    [Parameter] public string? ServiceName { get; set; }
    [Parameter] public SwitchParameter WithHeadlessService { get; set; }
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
