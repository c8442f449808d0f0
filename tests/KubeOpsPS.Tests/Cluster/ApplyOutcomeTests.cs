using FakeApiServer;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Tests.FakeApiServer;

namespace KubeOpsPS.Tests.Cluster;

/// <summary>
/// The outcome an apply reports says what the apply did to the fields it sends, whatever another writer did to the
/// object between the gateway's read and its apply. The other writer (a load-balancer controller writing the
/// Service's status) runs exactly in that gap: from the gateway's own log line of the read, before the PATCH is sent.
/// </summary>
public sealed class ApplyOutcomeTests : IAsyncLifetime
{
    private FakeCluster _fake = null!;
    private ClusterGateway _gateway = null!;
    private HttpClient _http = null!;
    private string _kubeconfig = null!;
    private int _statusWrites;

    public async Task InitializeAsync()
    {
        _fake = await FakeCluster.StartAsync(new FakeClusterOptions());
        _kubeconfig = _fake.WriteKubeConfig(Path.GetTempFileName());
        _gateway = new ClusterGateway(KubeConfigs.Connect(_kubeconfig, null, null, null, "/nonexistent"));
        _http = FakeHttp.Client(_fake);
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        _http.Dispose();
        await _fake.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    private static V1Service Svc(string name, int port, string? label = null) => new()
    {
        ApiVersion = "v1", Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = label is null ? null : new Dictionary<string, string> { ["tier"] = label } },
        Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = name }, Ports = [new V1ServicePort { Port = port }] },
    };

    /// <summary>When the gateway logs its read of <paramref name="readPath"/>, a controller writes the Service's status (once), before the apply goes out.</summary>
    private void StatusWriteAfterRead(string readPath, string name)
    {
        _gateway.Log = line =>
        {
            if (!line.StartsWith($"GET {readPath} ", StringComparison.Ordinal) || Interlocked.Exchange(ref _statusWrites, 1) == 1) return;
            var status = FakeHttp.J("""{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}""");
            var r = _http.Patch($"/api/v1/namespaces/default/services/{name}/status?fieldManager=lb-controller", status, "application/merge-patch+json").GetAwaiter().GetResult();
            Assert.Equal(200, r.Code);
        };
    }

    [Fact]
    public async Task AnApplyThatChangesNothingIsUnchangedWhenAControllerWritesStatusBetweenTheReadAndTheApply()
    {
        Assert.Equal(ApplyOutcome.Created, (await _gateway.ApplyAsync(Svc("race", 80), new ApplyOptions(), CancellationToken.None)).Outcome);
        StatusWriteAfterRead("/api/v1/namespaces/default/services/race", "race");
        var again = await _gateway.ApplyAsync(Svc("race", 80), new ApplyOptions(), CancellationToken.None);
        Assert.Equal(1, _statusWrites); // the race happened: the object changed between the read and the apply
        Assert.Equal(ApplyOutcome.Unchanged, again.Outcome);
    }

    [Fact]
    public async Task AChangeIsConfiguredWhenAControllerWritesStatusBetweenTheReadAndTheApply()
    {
        await _gateway.ApplyAsync(Svc("change", 80, "web"), new ApplyOptions(), CancellationToken.None);
        StatusWriteAfterRead("/api/v1/namespaces/default/services/change", "change");
        Assert.Equal(ApplyOutcome.Configured, (await _gateway.ApplyAsync(Svc("change", 8080, "web"), new ApplyOptions(), CancellationToken.None)).Outcome);
        Assert.Equal(1, _statusWrites);

        // Dropping a field from the applied configuration changes the object too (the server removes what only we owned).
        Assert.Equal(ApplyOutcome.Configured, (await _gateway.ApplyAsync(Svc("change", 8080), new ApplyOptions(), CancellationToken.None)).Outcome);
        Assert.Equal(ApplyOutcome.Unchanged, (await _gateway.ApplyAsync(Svc("change", 8080), new ApplyOptions(), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task ABatchReportsUnchangedWhenAControllerWritesStatusBetweenItsListAndItsApply()
    {
        IReadOnlyList<object> batch = [Svc("listed-a", 80), Svc("listed-b", 81)];
        var first = await BatchApplier.ApplyAsync(_gateway, batch, new ApplyOptions(), 1, false, null, CancellationToken.None);
        Assert.All(first, r => Assert.Equal(ApplyOutcome.Created, r.Outcome));
        StatusWriteAfterRead("/api/v1/namespaces/default/services", "listed-b");
        var again = await BatchApplier.ApplyAsync(_gateway, batch, new ApplyOptions(), 1, false, null, CancellationToken.None);
        Assert.Equal(1, _statusWrites);
        Assert.All(again, r => Assert.Equal(ApplyOutcome.Unchanged, r.Outcome));
    }
}
