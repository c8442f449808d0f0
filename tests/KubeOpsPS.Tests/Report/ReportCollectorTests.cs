using FakeApiServer;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Report;
using KubeOpsPS.Engine.Runtime.Report;
using KubeOpsPS.Tests.FakeApiServer;

namespace KubeOpsPS.Tests.Report;

/// <summary>The report against the fake API server: the messy fixture seeded, one LIST per kind, 403 and 404 as Info.</summary>
public sealed class ReportCollectorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ko-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static async Task<FakeCluster> StartAsync() => await FakeCluster.StartAsync(new FakeClusterOptions
    {
        ClockSpeed = 20, PodReadyDelay = TimeSpan.FromSeconds(1), ReconcileInterval = TimeSpan.FromMilliseconds(40),
    });

    private ClusterGateway Gateway(FakeCluster cluster) =>
        new(KubeConfigs.Connect(cluster.WriteKubeConfig(Path.Combine(_dir, "kubeconfig")), null, null, null, "/nonexistent"));

    [Fact]
    public async Task OnTheMessyClusterEveryCheckFindsItsOffendersWithOneListPerKind()
    {
        await using var cluster = await StartAsync();
        using var http = FakeHttp.Client(cluster);
        var objects = ReportFixture.Messy(DateTime.UtcNow);
        await ReportFixture.SeedAsync(http, objects);
        // The fake's deployment controller reports the progress deadline of the broken rollout on its own clock.
        await FakeHttp.Eventually(() => http.Get("/apis/apps/v1/namespaces/messy/deployments/stalled"),
            r => r.Node("status.conditions")?.AsArray().Any(c => c?["reason"]?.GetValue<string>() == "ProgressDeadlineExceeded") == true, "the progress deadline of messy/stalled");
        await FakeHttp.Eventually(() => http.Get("/api/v1/persistentvolumes/pv-released"), r => r.Str("status.phase") == "Released", "pv-released to be Released");

        using var gateway = Gateway(cluster);
        cluster.ClearRequests();
        var snapshot = await ReportCollector.CollectAsync(gateway, null, CancellationToken.None);
        var requests = cluster.Requests;

        // One request for the version, then exactly one LIST per kind: the collection paths, no GET of an object.
        Assert.Equal(1 + ReportCollector.Kinds.Count, requests.Count);
        Assert.All(requests, r => Assert.Equal("GET", r.Method));
        var paths = ReportCollector.Kinds.Select(k => ClusterGateway.CollectionPath(k.Kind, null)).Append("/version").Order(StringComparer.Ordinal);
        Assert.Equal(paths, requests.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Contains(requests, r => r.Path == "/api/v1/secrets" && r.Query.Contains("fieldSelector=type%3Dkubernetes.io%2Ftls", StringComparison.Ordinal));

        var findings = ReportChecks.Run(snapshot, new ReportOptions())
            .Concat(ReportChecks.Run(snapshot, new ReportOptions { TargetVersion = new KubeVersion(1, 36) }, ReportChecksTests.Needs136)).ToList();
        var seeded = objects.Where(o => !ReportFixture.IsSnapshotOnly(o)).Select(Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (check, offenders) in ReportChecksTests.Offenders)
        {
            var found = findings.Where(f => f.Check == check).Select(ReportChecksTests.Key).ToList();
            foreach (var offender in offenders.Where(seeded.Contains).Where(o => check != "pod-pending"))
                Assert.True(found.Contains(offender), $"{check} did not report {offender}; it reported: {string.Join(", ", found)}");
        }
        // Objects the fake makes itself: the claim's volume (class reclaim policy Delete), the broken rollout's pods.
        Assert.Contains(findings, f => f.Check == "pv-reclaim-delete" && f.Message.Contains("messy/important", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Check == "pod-image-pull" && f.Name.StartsWith("stalled-", StringComparison.Ordinal));
        // The fake sets creationTimestamp itself, so no pod of it has been Pending for five minutes.
        Assert.DoesNotContain(findings, f => f.Check == "pod-pending");

        var fine = ReportFixture.Fine(DateTime.UtcNow).Select(Key).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(findings.Where(f => fine.Contains(ReportChecksTests.Key(f))).Select(f => $"{f.Check} {ReportChecksTests.Key(f)}"));

        // The fake serves and lets the admin read every kind the report reads: nothing is "not checked".
        Assert.DoesNotContain(findings, f => f.Check == ReportChecks.NotChecked);
    }

    [Fact]
    public async Task OnACleanClusterTheReportHasOnlyInfoFindings()
    {
        await using var cluster = await StartAsync();
        using var http = FakeHttp.Client(cluster);
        await ReportFixture.SeedAsync(http, ReportFixture.Fine(DateTime.UtcNow));
        await FakeHttp.Eventually(() => http.Get("/api/v1/namespaces/tidy/persistentvolumeclaims/data"), r => r.Str("status.phase") == "Bound", "tidy/data to be bound");
        await FakeHttp.Eventually(() => http.Get("/apis/apps/v1/namespaces/tidy/deployments/web"), r => r.Node("status.readyReplicas")?.GetValue<int>() == 2, "tidy/web to be ready");

        using var gateway = Gateway(cluster);
        var snapshot = await ReportCollector.CollectAsync(gateway, null, CancellationToken.None);
        Assert.Contains(snapshot.Of<k8s.Models.V1Pod>(), p => p.Metadata.Name.StartsWith("web-", StringComparison.Ordinal));
        var findings = ReportChecks.Run(snapshot, new ReportOptions());
        Assert.All(findings, f => Assert.True(f.Severity == ReportSeverity.Info, f.ToString()));
        Assert.DoesNotContain(findings, f => f.Check == ReportChecks.NotChecked);
    }

    [Fact]
    public async Task WithNamespacesTheNamespacedKindsAreListedInEachOfThem()
    {
        await using var cluster = await StartAsync();
        using var gateway = Gateway(cluster);
        cluster.ClearRequests();
        await ReportCollector.CollectAsync(gateway, ["a", "b"], CancellationToken.None);
        var namespaced = ReportCollector.Kinds.Count(k => k.Kind.Namespaced);
        Assert.Equal(1 + namespaced * 2 + (ReportCollector.Kinds.Count - namespaced), cluster.Requests.Count);
        Assert.Contains(cluster.Requests, r => r.Path == "/api/v1/namespaces/b/pods");
    }

    [Fact]
    public async Task KindsTheUserMayNotListBecomeInfoFindingsAndTheReportGoesOn()
    {
        await using var cluster = await StartAsync();
        using var admin = FakeHttp.Client(cluster);
        await ReportFixture.SeedAsync(admin, ReportFixture.Messy(DateTime.UtcNow));
        // Group dev may view everything namespaced (the default "view" role: no Secrets), nothing cluster-scoped.
        var bound = await admin.Post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", FakeHttp.J("""
            {"metadata":{"name":"dev-view"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
             "subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"dev"}]}
            """));
        Assert.Equal(201, bound.Code);
        using var gateway = new ClusterGateway(KubeConfigs.Connect(cluster.WriteKubeConfig(Path.Combine(_dir, "alice"), "alice", "dev"), null, null, null, "/nonexistent"));
        var snapshot = await ReportCollector.CollectAsync(gateway, null, CancellationToken.None);
        var forbidden = snapshot.NotRead.Where(n => n.Reason == NotReadReason.Forbidden).Select(n => n.Kind).ToList();
        Assert.Contains("Secret", forbidden);
        Assert.Contains("Node", forbidden);
        Assert.DoesNotContain("Pod", forbidden);
        var findings = ReportChecks.Run(snapshot, new ReportOptions());
        Assert.Contains(findings, f => f.Severity == ReportSeverity.Info && f.Kind == "Secret" && f.Message.StartsWith("Not checked: no permission to list secrets cluster-wide", StringComparison.Ordinal));
        // What alice may read is still checked.
        Assert.Contains(findings, f => f.Check == "no-readiness-probe" && f.Name == "no-probe");
        Assert.DoesNotContain(findings, f => f.Check.StartsWith("cert-", StringComparison.Ordinal));
    }

    private static string Key(object o)
    {
        var j = Engine.Yaml.KoYaml.ToJsonObject(o);
        return $"{j["kind"]}/{j["metadata"]?["namespace"]}/{j["metadata"]?["name"]}";
    }
}
