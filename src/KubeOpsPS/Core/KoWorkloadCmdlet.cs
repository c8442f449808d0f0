using System.Collections;
using System.Management.Automation;
using KubeOpsPS.Engine.Manifests.Workloads;

namespace KubeOpsPS.Core;

/// <summary>The parameters New-KoDeployment and New-KoStatefulSet share: one container, its ports, env, resources, probes and claims.</summary>
public abstract class KoWorkloadCmdlet : KoCmdlet
{
    /// <summary>The workload's name (also its app.kubernetes.io/name label and the container's name).</summary>
    [Parameter(Mandatory = true, Position = 0)] public string Name { get; set; } = string.Empty;
    /// <summary>The container image.</summary>
    [Parameter(Mandatory = true, Position = 1)] public string Image { get; set; } = string.Empty;
    /// <summary>The namespace; omitted: the namespace of the context it is applied to.</summary>
    [Parameter] public string? Namespace { get; set; }
    /// <summary>How many pods. Default 1.</summary>
    [Parameter] public int Replicas { get; set; } = 1;
    /// <summary>Container ports.</summary>
    [Parameter] public int[] Port { get; set; } = [];
    /// <summary>Environment variables (name = value).</summary>
    [Parameter] public Hashtable? Env { get; set; }
    /// <summary>Secrets whose keys become environment variables.</summary>
    [ArgumentCompleter(typeof(SecretCompleter))]
    [Parameter] public string[] EnvFromSecret { get; set; } = [];
    /// <summary>Extra labels for the workload and its pods.</summary>
    [Parameter] public Hashtable? Label { get; set; }
    /// <summary>CPU request, e.g. 100m.</summary>
    [Parameter] public string? Cpu { get; set; }
    /// <summary>Memory request, e.g. 256Mi.</summary>
    [Parameter] public string? Memory { get; set; }
    /// <summary>CPU limit.</summary>
    [Parameter] public string? CpuLimit { get; set; }
    /// <summary>Memory limit.</summary>
    [Parameter] public string? MemoryLimit { get; set; }
    /// <summary>Readiness probe: tcp:PORT or http:PORT/PATH.</summary>
    [Parameter] public string? ReadinessProbe { get; set; }
    /// <summary>Liveness probe: tcp:PORT or http:PORT/PATH.</summary>
    [Parameter] public string? LivenessProbe { get; set; }
    /// <summary>Volumes from existing claims: claim:/mount/path.</summary>
    [Parameter] public string[] VolumeClaim { get; set; } = [];
    /// <summary>Seconds a new pod must be ready before it counts as available.</summary>
    [Parameter] public int? MinReadySeconds { get; set; }

    /// <summary>Copies the shared parameters into a builder's options.</summary>
    protected T Fill<T>(T options) where T : WorkloadOptions => options with
    {
        Name = Name, Namespace = Namespace, Image = Image, Replicas = Replicas, Ports = Port, Env = PSObjects.Strings(Env), EnvFromSecret = EnvFromSecret,
        Labels = PSObjects.Strings(Label), Cpu = Cpu, Memory = Memory, CpuLimit = CpuLimit, MemoryLimit = MemoryLimit,
        ReadinessProbe = ReadinessProbe, LivenessProbe = LivenessProbe, VolumeClaims = VolumeClaim, MinReadySeconds = MinReadySeconds,
    };

}
