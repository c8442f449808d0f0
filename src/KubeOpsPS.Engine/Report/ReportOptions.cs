namespace KubeOpsPS.Engine.Report;

/// <summary>What the checks are asked: the release to check upgrade readiness for, and the certificate horizon.</summary>
public sealed record ReportOptions
{
    /// <summary>The release to check against; null means the server's next minor.</summary>
    public KubeVersion? TargetVersion { get; init; }
    public int CertificateDays { get; init; } = 30;
}
