namespace KubeOpsPS.Engine;

/// <summary>What an engine exception knows about how to report itself (the cmdlet layer maps it to an ErrorRecord).</summary>
public interface IKoError
{
    /// <summary>A stable id scripts and tests can match, e.g. "NamespaceNotFound".</summary>
    string ErrorId { get; }

    /// <summary>The name of a PowerShell ErrorCategory (the engine does not reference PowerShell), e.g. "ObjectNotFound".</summary>
    string Category { get; }

    object? Target { get; }

    string? RecommendedAction { get; }
}
