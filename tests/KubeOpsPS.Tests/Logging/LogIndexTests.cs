using FakeApiServer;
using FakeApiServer.Doubles;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Logging;

namespace KubeOpsPS.Tests.Logging;

/// <summary>_cat/indices as objects, and the gateway's service-proxy GET against the in-process fake API server.</summary>
public sealed class LogIndexTests : IAsyncLifetime
{
    private FakeCluster _fake = null!;
    private ElasticsearchDouble _elasticsearch = null!;
    private ClusterGateway _gateway = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeCluster.StartAsync(new FakeClusterOptions());
        // Elasticsearch behind the service proxy: the open one for the install's Service, the secured one for "locked".
        _elasticsearch = await ElasticsearchDouble.StartAsync();
        _fake.ServiceProxy.Targets["kubeops-logging/elasticsearch:9200"] = _elasticsearch.BaseUri;
        _fake.ServiceProxy.Targets["kubeops-logging/locked:9200"] = _elasticsearch.Secured;
        _kubeconfig = _fake.WriteKubeConfig(Path.GetTempFileName());
        _gateway = new ClusterGateway(KubeConfigs.Connect(_kubeconfig, null, null, null, "/nonexistent"), new GatewayOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 3 });
        // The Services of a logging install, plus one that is not Elasticsearch and one that wants credentials.
        var bundle = LoggingBundleTests.Bundle();
        var objects = bundle.Where(o => o is V1Namespace or V1Service).ToList();
        objects.Add(new V1Service
        {
            ApiVersion = "v1", Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "locked", NamespaceProperty = "kubeops-logging", Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "elasticsearch" } },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 9200 }], Selector = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "elasticsearch" } },
        });
        var results = await BatchApplier.ApplyAsync(_gateway, objects, new ApplyOptions(), 4, false, null, CancellationToken.None);
        Assert.All(results, r => Assert.Null(r.Error));
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _fake.DisposeAsync();
        await _elasticsearch.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    [Fact]
    public void ParsesCatIndicesFieldByField()
    {
        var list = LogIndex.Parse("""
            [{"health":"green","status":"open","index":"k8s-logs-2026.11.25","pri":"1","rep":"0","docs.count":"42","store.size":"2048","pri.store.size":"1024","creation.date":"1795564800000"},
             {"health":"red","status":"close","index":"old","pri":"1","rep":"1","docs.count":null,"store.size":null,"pri.store.size":null,"creation.date":"1795478400000"},
             {"health":"green"}]
            """, "test");
        Assert.Equal(2, list.Count);
        Assert.Equal(new LogIndex("k8s-logs-2026.11.25", "green", "open", 42, 2048, 1024, 1, 0, DateTimeOffset.Parse("2026-11-25T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), list[0]);
        Assert.Equal(("old", "close", (long?)null, (long?)null), (list[1].Index, list[1].Status, list[1].Docs, list[1].SizeBytes));
    }

    [Theory]
    [InlineData("<html>proxy error</html>")]
    [InlineData("{\"error\":\"x\"}")]
    public void RefusesAnAnswerThatIsNotAListOfIndices(string body)
    {
        var e = Assert.Throws<KoClusterException>(() => LogIndex.Parse(body, "Service ns/es:9200"));
        Assert.Equal("UnexpectedAnswer", e.ErrorId);
        Assert.Contains("Service ns/es:9200", e.Message);
    }

    [Fact]
    public async Task ReadsTheIndicesThroughTheServiceProxy()
    {
        var body = await _gateway.ServiceProxyGetAsync("kubeops-logging", "elasticsearch", 9200, LogIndex.CatPath);
        var indices = LogIndex.Parse(body, "x");
        Assert.Equal(["k8s-logs-2026.11.24", "k8s-logs-2026.11.25"], indices.Select(i => i.Index));
        Assert.Equal(15230, indices[0].Docs);
        var request = _fake.Requests.Last(r => r.Path.Contains("/proxy/", StringComparison.Ordinal));
        Assert.Equal("/api/v1/namespaces/kubeops-logging/services/elasticsearch:9200/proxy/_cat/indices", request.Path);
        Assert.Contains("format=json", request.Query);
        Assert.Contains("bytes=b", request.Query);
    }

    [Fact]
    public async Task SaysWhenTheServiceWantsCredentials()
    {
        var e = await Assert.ThrowsAsync<KoClusterException>(() => _gateway.ServiceProxyGetAsync("kubeops-logging", "locked", 9200, LogIndex.CatPath, "use -AllowIndexListing"));
        Assert.Equal("ServiceUnauthorized", e.ErrorId);
        Assert.Equal("use -AllowIndexListing", e.RecommendedAction);
        Assert.Contains("Service kubeops-logging/locked:9200", e.Message);
    }

    [Fact]
    public async Task AnApiServerRefusalStaysAnApiServerRefusal()
    {
        _fake.Faults.ErrorCodes = [401];
        _fake.Faults.ErrorRate = 1;
        try
        {
            var e = await Assert.ThrowsAsync<KoClusterException>(() => _gateway.ServiceProxyGetAsync("kubeops-logging", "elasticsearch", 9200, LogIndex.CatPath, "hint"));
            Assert.Equal("Unauthorized", e.ErrorId); // the kubeconfig's credentials, not Elasticsearch's
        }
        finally
        {
            _fake.Faults.ErrorRate = 0;
        }
    }

    [Fact]
    public async Task AMissingServiceIsNotFound()
    {
        var e = await Assert.ThrowsAsync<KoClusterException>(() => _gateway.ServiceProxyGetAsync("kubeops-logging", "nope", 9200, LogIndex.CatPath));
        Assert.Equal(404, e.StatusCode);
        var other = await Assert.ThrowsAsync<KoClusterException>(() => _gateway.ServiceProxyGetAsync("kubeops-logging", "kibana", 5601, LogIndex.CatPath));
        Assert.Equal(503, other.StatusCode);
    }
}
