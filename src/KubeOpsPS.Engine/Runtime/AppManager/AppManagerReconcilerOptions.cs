namespace KubeOpsPS.Engine.Runtime.AppManager;

/// <summary>Settings of one app-manager.</summary>
public sealed record AppManagerReconcilerOptions
{
    public required string Folder { get; init; }
    public bool Recurse { get; init; }
    public bool Prune { get; init; }
    /// <summary>Names this manager on the objects it owns (label kubeops.io/app-manager), so two managers never prune each other's objects.</summary>
    public required string Instance { get; init; }
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan Resync { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
}
