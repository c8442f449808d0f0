using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.AppManager;
using KubeOpsPS.Engine.Runtime.AppManager;

namespace KubeOpsPS.AppManager;

/// <summary>Writes a Pod manifest into the kubelet's static pod folder, validated and atomically.</summary>
[Cmdlet(VerbsCommon.New, "KoStaticPod", SupportsShouldProcess = true, DefaultParameterSetName = "Build")]
[OutputType(typeof(FileInfo))]
public sealed class NewKoStaticPodCommand : KoCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Build")]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "Build")]
    public string Image { get; set; } = string.Empty;

    [Parameter(ParameterSetName = "Build")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = "kube-system";

    [Parameter(ParameterSetName = "Build")]
    public int[] Port { get; set; } = [];

    [Parameter(ParameterSetName = "Build")]
    public string[]? Command { get; set; }

    [Parameter(ParameterSetName = "Build")]
    public SwitchParameter HostNetwork { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Pod")]
    public V1Pod? InputObject { get; set; }

    [Parameter]
    public string ManifestPath { get; set; } = StaticPodBuilder.DefaultManifestPath;

    protected override void ProcessRecord()
    {
        var pod = InputObject ?? Build(() => StaticPodBuilder.Build(Name, Namespace, Image, Port, Command, HostNetwork));
        var fileName = Build(() => StaticPodBuilder.Check(pod), pod);
        var folder = FileSystemPath(ManifestPath);
        var target = System.IO.Path.Combine(folder, fileName);
        if (!ShouldProcess(target, "write static pod manifest")) return;
        try
        {
            var written = StaticPodWriter.Write(pod, folder);
            WriteVerbose($"Wrote {written}; the kubelet starts the pod on its next sync.");
            WriteFile(written);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteFailure(e, target, "StaticPodWriteFailed");
        }
    }
}
