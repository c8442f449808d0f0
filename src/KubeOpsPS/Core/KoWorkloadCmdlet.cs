using System.Collections;
using System.Management.Automation;
using KubeOpsPS.Engine.Manifests.Workloads;

namespace KubeOpsPS.Core;

/// <summary>The parameters New-KoDeployment and New-KoStatefulSet share: one container, its ports, env, resources, probes and claims.</summary>
public abstract class KoWorkloadCmdlet : KoCmdlet
{
    [Parameter(Mandatory = true, Position = 0)] public string Name { get; set; } = string.Empty;
    [Parameter(Mandatory = true, Position = 1)] public string Image { get; set; } = string.Empty;
    [Parameter, ArgumentCompleter(typeof(NamespaceCompleter))] public string? Namespace { get; set; }
    [Parameter] public int Replicas { get; set; } = 1;
    [Parameter] public int[] Port { get; set; } = [];
    [Parameter] public Hashtable? Env { get; set; }
    [ArgumentCompleter(typeof(SecretCompleter))]
    [Parameter] public string[] EnvFromSecret { get; set; } = [];
    [Parameter] public Hashtable? Label { get; set; }
    [Parameter] public string? Cpu { get; set; }
    [Parameter] public string? Memory { get; set; }
    [Parameter] public string? CpuLimit { get; set; }
    [Parameter] public string? MemoryLimit { get; set; }
    [Parameter] public string? ReadinessProbe { get; set; }
    [Parameter] public string? LivenessProbe { get; set; }
    [Parameter, ArgumentCompleter(typeof(VolumeClaimCompleter))] public string[] VolumeClaim { get; set; } = [];
    [Parameter] public int? MinReadySeconds { get; set; }

    /// <summary>Copies the shared parameters into a builder's options.</summary>
    protected T Fill<T>(T options) where T : WorkloadOptions => options with
    {
        Name = Name,
        Namespace = Namespace,
        Image = Image,
        Replicas = Replicas,
        Ports = Port,
        Env = PSObjects.Strings(Env),
        EnvFromSecret = EnvFromSecret,
        Labels = PSObjects.Strings(Label),
        Cpu = Cpu,
        Memory = Memory,
        CpuLimit = CpuLimit,
        MemoryLimit = MemoryLimit,
        ReadinessProbe = ReadinessProbe,
        LivenessProbe = LivenessProbe,
        VolumeClaims = VolumeClaim,
        MinReadySeconds = MinReadySeconds,
    };

}
