namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>What every one-container workload (Deployment, StatefulSet) takes: image, ports, env, resources, probes, claims.</summary>
public abstract record WorkloadOptions
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    public required string Image { get; init; }
    public int Replicas { get; init; } = 1;
    public IReadOnlyList<int> Ports { get; init; } = [];
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> EnvFromSecret { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public string? Cpu { get; init; }
    public string? Memory { get; init; }
    public string? CpuLimit { get; init; }
    public string? MemoryLimit { get; init; }
    /// <summary>tcp:8080 or http:8080/healthz</summary>
    public string? ReadinessProbe { get; init; }
    public string? LivenessProbe { get; init; }
    /// <summary>claim:/mount/path</summary>
    public IReadOnlyList<string> VolumeClaims { get; init; } = [];
    public int? MinReadySeconds { get; init; }
}
