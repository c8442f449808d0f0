using System.Collections.Concurrent;
using FakeApiServer;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Yaml;
using KubeOpsPS.Tests.FakeApiServer;

namespace KubeOpsPS.Tests.Cluster;

/// <summary>The gateway against the in-process fake API server: retries, conflicts, watches, errors.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private FakeCluster _fake = null!;
    private ClusterGateway _gateway = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        // Pods take 2 s to get ready, so a wait started right after an apply always sees the rollout in progress.
        _fake = await FakeCluster.StartAsync(new FakeClusterOptions { WatchHistory = 50, PodReadyDelay = TimeSpan.FromSeconds(2) });
        _kubeconfig = _fake.WriteKubeConfig(Path.GetTempFileName());
        _gateway = new ClusterGateway(KubeConfigs.Connect(_kubeconfig, null, null, null, "/nonexistent"), new GatewayOptions { BaseDelay = TimeSpan.FromMilliseconds(20) });
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _fake.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    private static V1ConfigMap Cm(string name, string value = "v") => new()
    {
        ApiVersion = "v1", Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Data = new Dictionary<string, string> { ["k"] = value },
    };

    [Fact]
    public async Task TransientErrorsAreRetriedAndEveryObjectIsWrittenExactlyOnce()
    {
        _fake.Faults.Seed = 7;
        _fake.Faults.ErrorRate = 0.3;
        _fake.Faults.ErrorCodes = [500, 503, 429];
        var objects = Enumerable.Range(0, 40).Select(i => (object)Cm($"retry-{i}")).ToList();
        var results = await BatchApplier.ApplyAsync(_gateway, objects, new ApplyOptions(), 8, false, null, CancellationToken.None);
        _fake.Faults.ErrorRate = 0;
        Assert.All(results, r => Assert.Equal(ApplyOutcome.Created, r.Outcome));
        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(1, _fake.WritesFor("configmaps", "default", $"retry-{i}")));
        Assert.Contains(_fake.Requests, r => r.Injected && r.Status == 429);
    }

    [Fact]
    public async Task ABatchListsEachKindAndNamespaceOnceAndSendsOneApplyPerObject()
    {
        // 510 ConfigMaps (two pages of a LIST) and 10 Secrets in one namespace, plus one Namespace of its own.
        var objects = Enumerable.Range(0, 510).Select(i => (object)Cm($"batch-{i}"))
            .Concat(Enumerable.Range(0, 10).Select(i => (object)new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = $"batch-{i}", NamespaceProperty = "default" }, StringData = new Dictionary<string, string> { ["t"] = "x" } }))
            .Append(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = "batch-ns" } })
            .ToList();
        _fake.ClearRequests();
        var created = await BatchApplier.ApplyAsync(_gateway, objects, new ApplyOptions(), 8, false, null, CancellationToken.None);
        Assert.All(created, r => Assert.Equal(ApplyOutcome.Created, r.Outcome));
        var requests = _fake.Requests;
        Assert.Equal(521, requests.Count(r => r.Method == "PATCH"));
        // One LIST of ConfigMaps and one of Secrets; the lone Namespace is read with a GET, as a single apply is.
        Assert.Single(requests, r => r.Method == "GET" && r.Path == "/api/v1/namespaces/default/configmaps");
        Assert.Single(requests, r => r.Method == "GET" && r.Path == "/api/v1/namespaces/default/secrets");
        Assert.Single(requests, r => r.Method == "GET" && r.Path == "/api/v1/namespaces/batch-ns");
        Assert.Equal(524, requests.Count);

        // Again with one ConfigMap changed: configured and unchanged are told apart as before, still one apply each;
        // the ConfigMaps now fill two pages of the LIST.
        objects[3] = Cm("batch-3", "changed");
        _fake.ClearRequests();
        var again = await BatchApplier.ApplyAsync(_gateway, objects, new ApplyOptions(), 8, false, null, CancellationToken.None);
        Assert.Equal(ApplyOutcome.Configured, again[3].Outcome);
        Assert.Equal(520, again.Count(r => r.Outcome == ApplyOutcome.Unchanged));
        Assert.Equal(2, _fake.Requests.Count(r => r.Method == "GET" && r.Path == "/api/v1/namespaces/default/configmaps"));
        Assert.Equal(525, _fake.Requests.Count);

        // A dry run through the same path stores nothing and still tells a new object from an existing one.
        objects[4] = Cm("batch-4", "dry");
        objects.Add(Cm("batch-new"));
        var dry = await BatchApplier.ApplyAsync(_gateway, objects, new ApplyOptions(DryRun: true), 8, false, null, CancellationToken.None);
        Assert.Equal(ApplyOutcome.Created, dry[^1].Outcome);
        Assert.Equal(ApplyOutcome.Unchanged, dry[5].Outcome);
        Assert.Equal(0, _fake.WritesFor("configmaps", "default", "batch-new"));
        Assert.Equal(1, _fake.WritesFor("configmaps", "default", "batch-4"));
    }

    [Fact]
    public async Task ConflictsAreReportedWithTheManagerAndNeverRetried()
    {
        await _gateway.ApplyAsync(Cm("owned", "mine"), new ApplyOptions(), CancellationToken.None);
        using var other = new ClusterGateway(KubeConfigs.Connect(_kubeconfig, null, null, null, "/nonexistent"), new GatewayOptions { FieldManager = "ops-team" });
        _fake.ClearRequests();
        var e = await Assert.ThrowsAsync<KoClusterException>(() => other.ApplyAsync(Cm("owned", "theirs"), new ApplyOptions(), CancellationToken.None));
        Assert.Equal("ApplyConflict", e.ErrorId);
        Assert.Contains("\"kubeops\"", e.Message);
        Assert.Contains(".data.k", e.Message);
        Assert.Single(_fake.Requests, r => r.Method == "PATCH");
        var forced = await other.ApplyAsync(Cm("owned", "theirs"), new ApplyOptions(Force: true), CancellationToken.None);
        Assert.Equal("theirs", ((V1ConfigMap)forced.Object!).Data["k"]);
    }

    [Fact]
    public async Task AWatchResumesAfterDropsWithoutLosingOrRepeatingEvents()
    {
        _fake.Faults.WatchDropAfter = TimeSpan.FromMilliseconds(300);
        var kind = KubeTypes.Find("v1", "ConfigMap")!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var (_, rv) = await _gateway.ListAsync(kind, "default", ct: cts.Token);
        var seen = new ConcurrentQueue<string>();
        var watch = Task.Run(async () =>
        {
            await foreach (var ev in _gateway.WatchAsync(kind, "default", null, "batch=drops", rv, cts.Token))
            {
                seen.Enqueue(ev.Type + " " + ((V1ConfigMap)ev.Object).Metadata.Name);
                if (seen.Count == 6) break;
            }
        });
        int Watches() => _fake.Requests.Count(r => r.Query.Contains("watch=true", StringComparison.Ordinal));
        for (var i = 0; i < 6; i++)
        {
            var cm = Cm($"drop-{i}");
            cm.Metadata.Labels = new Dictionary<string, string> { ["batch"] = "drops" };
            var dropped = Watches();
            await _gateway.ApplyAsync(cm, new ApplyOptions(), CancellationToken.None);
            await FakeHttp.Eventually(() => Task.FromResult(seen.Count), n => n == i + 1, $"event {i} on the watch");
            // The next object is written only after the stream that carried this one was dropped (the fake logs a
            // watch when it ends), so every later event must come through a resumed watch.
            if (i < 5) await FakeHttp.Eventually(() => Task.FromResult(Watches()), n => n > dropped, $"the watch dropped after event {i}");
        }
        await watch;
        _fake.Faults.WatchDropAfter = null;
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"ADDED drop-{i}"), seen);
        Assert.True(Watches() >= 6, "the watch was dropped and resumed after every event");
    }

    [Fact]
    public async Task AnExpiredWatchRelistsAndCarriesOn()
    {
        var kind = KubeTypes.Find("v1", "ConfigMap")!;
        var (_, oldRv) = await _gateway.ListAsync(kind, "default");
        for (var i = 0; i < 60; i++) await _gateway.ApplyAsync(Cm($"churn-{i % 3}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), new ApplyOptions(), CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = await _gateway.WatchAsync(kind, "default", "metadata.name=churn-0", null, oldRv, cts.Token).FirstAsync(cts.Token);
        Assert.Equal("MODIFIED", first.Type); // the relist's view of the current object
        Assert.Equal("57", ((V1ConfigMap)first.Object).Data["k"]); // churn-0 last got 57 (i % 3 == 0)
        Assert.Contains(_fake.Requests, r => r.Query.Contains("watch=true", StringComparison.Ordinal) && r.Query.Contains("resourceVersion=" + oldRv, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnreachableServerFailsWithOneClearError()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, File.ReadAllText(_kubeconfig).Replace(_fake.TlsBaseUri.ToString().TrimEnd('/'), "https://127.0.0.1:9", StringComparison.Ordinal));
        using var g = new ClusterGateway(KubeConfigs.Connect(path, null, null, null, "/nonexistent", TimeSpan.FromSeconds(2)), new GatewayOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10) });
        var e = await Assert.ThrowsAsync<KoClusterException>(() => g.GetVersionAsync(CancellationToken.None));
        File.Delete(path);
        Assert.Equal("ConnectionFailed", e.ErrorId);
        Assert.Contains("cannot reach the cluster at https://127.0.0.1:9", e.Message);
        Assert.NotNull(e.RecommendedAction);
    }

    [Fact]
    public async Task ServerErrorsQuoteTheServersReasonAndMessage()
    {
        var bad = new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "bad", NamespaceProperty = "default" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "a" } },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "b" } }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "x" }] } },
            },
        };
        var e = await Assert.ThrowsAsync<KoClusterException>(() => _gateway.ApplyAsync(bad, new ApplyOptions(), CancellationToken.None));
        Assert.Equal("Invalid", e.ErrorId);
        Assert.Contains("`selector` does not match template `labels`", e.Message);
        var missing = Cm("x");
        missing.Metadata.NamespaceProperty = "nowhere";
        var ns = await Assert.ThrowsAsync<KoClusterException>(() => _gateway.ApplyAsync(missing, new ApplyOptions(), CancellationToken.None));
        Assert.Equal("NamespaceNotFound", ns.ErrorId);
    }

    [Fact]
    public async Task DiscoveryResolvesKindsTheModuleHasNoModelOf()
    {
        var route = await _gateway.ResolveKindAsync("httproutes", CancellationToken.None);
        Assert.Equal("gateway.networking.k8s.io/v1", route.ApiVersion);
        var e = await Assert.ThrowsAsync<KoClusterException>(() => _gateway.ResolveKindAsync("widgets", CancellationToken.None));
        Assert.Equal("KindNotServed", e.ErrorId);
    }

    [Fact]
    public async Task WaitFollowsADeploymentUntilItIsRolledOutByWatching()
    {
        var d = new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "waited", NamespaceProperty = "default" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "w" } },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "w" } }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:1.29" }] } },
            },
        };
        await _gateway.ApplyAsync(d, new ApplyOptions(), CancellationToken.None);
        var states = new List<string>();
        var (_, state) = await _gateway.WaitAsync(KubeTypes.Find("apps/v1", "Deployment")!, "default", "waited", KubeOpsPS.Engine.Manifests.Rollout.RolloutStatus.Evaluate, TimeSpan.FromSeconds(30), s => states.Add(s.Status), CancellationToken.None);
        Assert.True(state.Done, state.Status);
        Assert.True(states.Any(s => s.Contains("waiting", StringComparison.Ordinal)), string.Join(" | ", states));
        // The watch is closed as soon as the wait is over; the fake logs a request when it ends.
        for (var i = 0; i < 50 && !_fake.Requests.Any(r => r.Query.Contains("watch=true", StringComparison.Ordinal) && r.Path.EndsWith("/deployments", StringComparison.Ordinal)); i++) await Task.Delay(100);
        Assert.Contains(_fake.Requests, r => r.Query.Contains("watch=true", StringComparison.Ordinal) && r.Path.EndsWith("/deployments", StringComparison.Ordinal));
    }
}
