using System.Collections;
using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.Workloads;

namespace KubeOpsPS.Rollout;

/// <summary>Builds a Deployment (image, replicas, ports, env, resources, probes, claims, rolling-update strategy). Touches no cluster.</summary>
[Cmdlet(VerbsCommon.New, "KoDeployment")]
[OutputType(typeof(V1Deployment))]
public sealed class NewKoDeploymentCommand : KoCmdlet
{
    /// <summary>The Deployment's name (also its app.kubernetes.io/name label and the container's name).</summary>
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
    [Parameter] public string[] EnvFromSecret { get; set; } = [];
    /// <summary>Extra labels for the Deployment and its pods.</summary>
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
    /// <summary>Volumes from claims: claim:/mount/path.</summary>
    [Parameter] public string[] VolumeClaim { get; set; } = [];
    /// <summary>Rolling update: extra pods allowed (number or percent).</summary>
    [Parameter] public string? MaxSurge { get; set; }
    /// <summary>Rolling update: pods that may be unavailable (number or percent).</summary>
    [Parameter] public string? MaxUnavailable { get; set; }
    /// <summary>Seconds a new pod must be ready before it counts as available.</summary>
    [Parameter] public int? MinReadySeconds { get; set; }
    /// <summary>Seconds without progress before a rollout counts as failed.</summary>
    [Parameter] public int? ProgressDeadlineSeconds { get; set; }

    protected override void EndProcessing()
    {
        static Dictionary<string, string> Map(Hashtable? h) => h?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? string.Empty) ?? [];
        WriteObject(Build(() => DeploymentBuilder.Build(new DeploymentOptions
        {
            Name = Name, Namespace = Namespace, Image = Image, Replicas = Replicas, Ports = Port, Env = Map(Env), EnvFromSecret = EnvFromSecret,
            Labels = Map(Label), Cpu = Cpu, Memory = Memory, CpuLimit = CpuLimit, MemoryLimit = MemoryLimit,
            ReadinessProbe = ReadinessProbe, LivenessProbe = LivenessProbe, VolumeClaims = VolumeClaim,
            MaxSurge = MaxSurge, MaxUnavailable = MaxUnavailable, MinReadySeconds = MinReadySeconds, ProgressDeadlineSeconds = ProgressDeadlineSeconds,
        })));
    }
}
