using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Report;

namespace KubeOpsPS.Engine.Runtime.Report;

/// <summary>One cluster to check: its context, how to reach it, and whether the run disposes the gateway (not the session's).</summary>
public sealed record ReportTarget(string Context, Func<ClusterGateway> Connect, bool Owned);

/// <summary>What one cluster gave: its snapshot and findings, or the error that kept it from being read.</summary>
public sealed record ReportOutcome(string Context, ClusterSnapshot? Snapshot, IReadOnlyList<ReportFinding> Findings, KoClusterException? Error)
{
    /// <summary>The cluster's line on the report page.</summary>
    public ReportCluster Cluster(KubeVersion? target) =>
        new(Context, Snapshot?.ServerVersion.ToString(), Snapshot is null ? null : (target ?? Snapshot.ServerVersion.Next).ToString(), Error?.Message);
}

/// <summary>The cluster report over several clusters at once: each read once (<see cref="ReportCollector"/>) and checked, in parallel.</summary>
public static class ReportRunner
{
    /// <summary>
    /// Checks every target; an unreachable cluster becomes an outcome with its error and the others go on. Findings
    /// keep the namespaces and severities asked for (a not-checked finding always stays) and come in a stable order:
    /// severity, category, check, namespace, name. <paramref name="log"/> gets each API call and a summary per context.
    /// </summary>
    public static Task<ReportOutcome[]> RunAsync(IReadOnlyList<ReportTarget> targets, ReportOptions options, IReadOnlyList<string> checks,
        IReadOnlyList<string>? namespaces, IReadOnlyCollection<ReportSeverity>? severities, Action<string, string>? log, CancellationToken ct) =>
        Task.WhenAll(targets.Select(t => Task.Run(() => CheckAsync(t, options, checks, namespaces, severities, log, ct), ct)));

    private static async Task<ReportOutcome> CheckAsync(ReportTarget t, ReportOptions options, IReadOnlyList<string> checks,
        IReadOnlyList<string>? namespaces, IReadOnlyCollection<ReportSeverity>? severities, Action<string, string>? log, CancellationToken ct)
    {
        ClusterGateway? gateway = null;
        try
        {
            gateway = t.Connect();
            gateway.Log = log is null ? null : line => log(t.Context, line);
            var snapshot = await ReportCollector.CollectAsync(gateway, namespaces, ct).ConfigureAwait(false);
            var findings = ReportChecks.Run(snapshot, options, checks);
            log?.Invoke(t.Context, $"{snapshot.All.Count()} objects read, {findings.Count} findings.");
            var kept = findings
                .Where(f => namespaces is null || f.Check == ReportChecks.NotChecked || (f.Namespace is not null && namespaces.Contains(f.Namespace, StringComparer.Ordinal)))
                .Where(f => severities is null || severities.Contains(f.Severity))
                .OrderBy(f => f.Severity).ThenBy(f => f.Category, StringComparer.Ordinal).ThenBy(f => f.Check, StringComparer.Ordinal)
                .ThenBy(f => f.Namespace, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
            return new ReportOutcome(t.Context, snapshot, kept, null);
        }
        catch (KoClusterException e)
        {
            return new ReportOutcome(t.Context, null, [], e);
        }
        finally
        {
            if (gateway is not null) gateway.Log = null;
            if (t.Owned) gateway?.Dispose();
        }
    }
}
