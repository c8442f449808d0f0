using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Report;
using KubeOpsPS.Engine.Runtime.Report;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Report;

/// <summary>
/// The admin's weekly report: retired components, upgrade readiness, certificates, data at risk, workloads,
/// exposure and access, nodes. One finding object per problem, for one or many contexts checked in parallel;
/// -Html writes the same findings as a self-contained page.
/// </summary>
[Cmdlet(VerbsCommon.Get, "KoClusterReport")]
[OutputType(typeof(ReportFinding))]
public sealed class GetKoClusterReportCommand : KoCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContextCompleter))]
    public string[]? Context { get; set; }

    [Parameter]
    public string? KubeConfig { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ReportCheckCompleter))]
    public string[]? Check { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ReportCheckCompleter))]
    public string[]? ExcludeCheck { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    [Parameter]
    public ReportSeverity[]? Severity { get; set; }

    [Parameter]
    public string? TargetVersion { get; set; }

    [Parameter]
    [ValidateRange(1, 3650)]
    public int CertificateDays { get; set; } = 30;

    [Parameter]
    public string? Html { get; set; }

    protected override void ProcessRecord()
    {
        var checks = SelectChecks();
        var target = TargetVersion is null ? (KubeVersion?)null : Build(() => KubeVersion.Parse(TargetVersion, "-TargetVersion"));
        foreach (var ns in Namespace ?? []) Build(() => Validate.Label(ns, "-Namespace"));
        var html = Html is null ? null : HtmlPath(Html);
        var targets = Targets();
        var options = new ReportOptions { TargetVersion = target, CertificateDays = CertificateDays };

        var outcomes = Run(ct => ReportRunner.RunAsync(targets, options, checks, Namespace, Severity, (context, line) => Post(() => WriteVerbose($"[{context}] {line}")), ct));

        foreach (var o in outcomes.Where(o => o.Error is not null)) WriteFailure(o.Error!, o.Context, "ContextUnreachable");
        var findings = outcomes.SelectMany(o => o.Findings).ToList();
        foreach (var f in findings) WriteObject(f);
        if (html is null) return;
        try
        {
            File.WriteAllText(html, ReportPage.Render(findings, outcomes.Select(o => o.Cluster(target)).ToList(), DateTime.UtcNow));
            WriteVerbose($"Wrote the report page {html}.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e, html, "HtmlNotWritten");
        }
    }

    /// <summary>The check ids to run: -Check (default all) minus -ExcludeCheck; a pattern that matches no id is an error listing the valid ones.</summary>
    private IReadOnlyList<string> SelectChecks()
    {
        var ids = ReportChecks.Ids.ToList();
        IEnumerable<string> Matching(string[] patterns, string field) => patterns.SelectMany(p =>
        {
            var w = new WildcardPattern(p, WildcardOptions.IgnoreCase);
            var hit = ids.Where(w.IsMatch).ToList();
            if (hit.Count == 0)
                Fail(Validate.Invalid(field, p, $"{field} '{p}' names no check. Valid checks: {string.Join(", ", ids)}."), p, "UnknownCheck");
            return hit;
        }).ToList();
        var selected = Check is null ? ids : Matching(Check, "-Check").Distinct().ToList();
        var excluded = ExcludeCheck is null ? [] : Matching(ExcludeCheck, "-ExcludeCheck").ToHashSet();
        return selected.Where(i => !excluded.Contains(i)).ToList();
    }

    private string HtmlPath(string path)
    {
        var full = FileSystemPath(path);
        var folder = System.IO.Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
            Fail(Validate.Invalid("-Html", path, $"-Html '{path}': the folder '{folder}' does not exist; nothing was checked.", "Create the folder first (New-Item -ItemType Directory), or give a path in an existing folder."), path, "HtmlFolderNotFound");
        return full;
    }

    /// <summary>The clusters to check: each -Context (wildcards expanded against the kubeconfig), else the session's or the current context.</summary>
    private List<ReportTarget> Targets()
    {
        var file = KubeConfig is null ? null : FileSystemPath(KubeConfig);
        try
        {
            if (Context is null)
            {
                if (file is null && ClusterSession.Current is { } session) return [new ReportTarget(session.Connection.Context, () => session, false)];
                var conn = ClusterSession.Connect(file, null);
                return [new ReportTarget(conn.Context, () => new ClusterGateway(conn), true)];
            }
            var names = ClusterSession.ListContexts(file).Select(c => c.Name).ToList();
            var chosen = new List<string>();
            foreach (var pattern in Context)
            {
                var w = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                var hit = names.Where(w.IsMatch).ToList();
                if (hit.Count == 0)
                    Fail(new KoClusterException("ContextNotFound", "ObjectNotFound", $"No kubeconfig context matches '{pattern}'; nothing was checked. Contexts: {(names.Count == 0 ? "none" : string.Join(", ", names))}.", pattern, "Use one of the listed names (wildcards allowed) with -Context."));
                chosen.AddRange(hit.Where(h => !chosen.Contains(h)));
            }
            return chosen.Select(name => new ReportTarget(name, () => new ClusterGateway(ClusterSession.Connect(file, name)), true)).ToList();
        }
        catch (KoClusterException e)
        {
            Fail(e);
            throw; // unreachable: Fail throws
        }
    }
}

/// <summary>Completes the report's check ids.</summary>
public sealed class ReportCheckCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Match(ReportChecks.Ids, wordToComplete);
}
