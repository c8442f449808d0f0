namespace KubeOpsPS.Engine.Runtime.AppManager;

/// <summary>What the app-manager did about one object or file.</summary>
public enum AppManagerAction { Applied, Unchanged, Pruned, Failed, Skipped }

/// <summary>One event per action, so scripts can log what happened.</summary>
public sealed record AppManagerEvent(DateTimeOffset Time, AppManagerAction Action, string? File, string? Kind, string? Namespace, string? Name, string Message)
{
    public string Object => Kind is null ? string.Empty : Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";

    public override string ToString() => $"{Action} {Object} {File} {Message}".Trim();
}
