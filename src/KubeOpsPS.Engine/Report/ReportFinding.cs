namespace KubeOpsPS.Engine.Report;

/// <summary>How soon a finding hurts: Critical (broken now or at the next upgrade), Warning (a trap), Info (for the record).</summary>
public enum ReportSeverity { Critical, Warning, Info }

/// <summary>
/// One problem the cluster report found: what (Kind, Namespace, Name), why (Message, one sentence), and what to do
/// (Fix: a KubeOpsPS command where one exists, else a kubectl command or a documentation page). Check is a stable id
/// that scripts may filter on; Context names the kubeconfig context of the cluster.
/// </summary>
public sealed record ReportFinding(ReportSeverity Severity, string Category, string Check, string Kind, string? Namespace, string Name, string Message, string Fix)
{
    public string Context { get; init; } = string.Empty;

    public override string ToString() => $"{Severity} {Check} {Kind} {(Namespace is null ? Name : $"{Namespace}/{Name}")}: {Message}";
}
