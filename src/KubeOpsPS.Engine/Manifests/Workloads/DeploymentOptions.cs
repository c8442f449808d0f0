namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>Options of a one-container Deployment, the shape of the seed's workloads.</summary>
public sealed record DeploymentOptions : WorkloadOptions
{
    public string? MaxSurge { get; init; }
    public string? MaxUnavailable { get; init; }
    public int? ProgressDeadlineSeconds { get; init; }
}
