namespace KubeOpsPS.Engine.Manifests.Rollout;

/// <summary>What a rolling update changes.</summary>
public sealed record RollingUpdateOptions
{
    /// <summary>One image for a single-container workload, or container name → image.</summary>
    public IReadOnlyDictionary<string, string> Images { get; init; } = new Dictionary<string, string>();
    public string? SingleImage { get; init; }
    public string? MaxSurge { get; init; }
    public string? MaxUnavailable { get; init; }
    public int? MinReadySeconds { get; init; }
    public int? ProgressDeadlineSeconds { get; init; }
    public string? ChangeCause { get; init; }
}
