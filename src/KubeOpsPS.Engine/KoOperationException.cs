namespace KubeOpsPS.Engine;

/// <summary>
/// A workflow that cannot go on (a rollout that failed, a Service that selects nothing, an object that is not there),
/// with a stable id, a PowerShell category name, its target and what to do; KoCmdlet turns it into an ErrorRecord.
/// </summary>
public sealed class KoOperationException(string errorId, string category, string message, object? target = null, string? recommendedAction = null, Exception? inner = null)
    : Exception(message, inner), IKoError
{
    public string ErrorId { get; } = errorId;
    public string Category { get; } = category;
    public object? Target { get; } = target;
    public string? RecommendedAction { get; } = recommendedAction;
}
