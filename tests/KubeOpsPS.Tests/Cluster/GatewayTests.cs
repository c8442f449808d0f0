using System.Collections.Concurrent;
using FakeApiServer;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Yaml;
using KubeOpsPS.Tests.FakeApiServer;

namespace KubeOpsPS.Tests.Cluster;

/// <summary>The gateway against the in-process fake API server: retries, conflicts, watches, errors, apply outcomes.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private FakeCluster _fake = null!;
    private ClusterGateway _gateway = null!;
    private HttpClient _http = null!;
    private string _kubeconfig = null!;
    private int _statusWrites;

    public async Task InitializeAsync()
    {
        // Pods take 2 s to get ready, so a wait started right after an apply always sees the rollout in progress.
        _fake = await FakeCluster.StartAsync(new FakeClusterOptions { WatchHistory = 50, PodReadyDelay = TimeSpan.FromSeconds(2) });
        _kubeconfig = _fake.WriteKubeConfig(Path.GetTempFileName());
        _gateway = new ClusterGateway(KubeConfigs.Connect(_kubeconfig, null, null, null, "/nonexistent"), new GatewayOptions { BaseDelay = TimeSpan.FromMilliseconds(20) });
        _http = FakeHttp.Client(_fake);
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        _http.Dispose();
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
        Assert.Equal(ApplyOutcome.Configured, dry[4].Outcome);
        Assert.Equal(ApplyOutcome.Unchanged, dry[5].Outcome);
        Assert.Equal(0, _fake.WritesFor("configmaps", "default", "batch-new"));
        Assert.Equal(1, _fake.WritesFor("configmaps", "default", "batch-4"));
    }

    [Fact]
    public async Task ADryRunOfOneObjectTellsAChangeFromNoChangeAndStoresNothing()
    {
        await _gateway.ApplyAsync(Cm("dry-one", "a"), new ApplyOptions(), CancellationToken.None);
        var writes = _fake.WritesFor("configmaps", "default", "dry-one");
        // The server answers a dry run with the resourceVersion the object already has; the change is in the content.
        var changed = await _gateway.ApplyAsync(Cm("dry-one", "b"), new ApplyOptions(DryRun: true), CancellationToken.None);
        Assert.Equal(ApplyOutcome.Configured, changed.Outcome);
        Assert.Equal("b", ((V1ConfigMap)changed.Object!).Data["k"]);
        var same = await _gateway.ApplyAsync(Cm("dry-one", "a"), new ApplyOptions(DryRun: true), CancellationToken.None);
        Assert.Equal(ApplyOutcome.Unchanged, same.Outcome);
        Assert.Equal(writes, _fake.WritesFor("configmaps", "default", "dry-one"));
        Assert.Equal("a", ((V1ConfigMap)(await _gateway.GetAsync(KubeTypes.Find("v1", "ConfigMap")!, "default", "dry-one", CancellationToken.None))!).Data["k"]);
    }

    [Fact]
    public async Task OnlyA404MeansASecretIsAbsent()
    {
        Assert.Null(await _gateway.ExistingSecretAsync("default", "no-such-secret", CancellationToken.None));
        await BatchApplier.ApplyAsync(_gateway, [new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "kept", NamespaceProperty = "default" }, StringData = new Dictionary<string, string> { ["p"] = "x" } }], new ApplyOptions(), 1, false, null, CancellationToken.None);
        Assert.NotNull(await _gateway.ExistingSecretAsync("default", "kept", CancellationToken.None));
        // A user who may not read Secrets gets the server's 403, not "absent".
        var config = _fake.WriteKubeConfig(Path.GetTempFileName(), "erin");
        try
        {
            using var erin = new ClusterGateway(KubeConfigs.Connect(config, null, null, null, "/nonexistent"), new GatewayOptions { BaseDelay = TimeSpan.FromMilliseconds(20) });
            var refused = await Assert.ThrowsAsync<KoClusterException>(() => erin.ExistingSecretAsync("default", "kept", CancellationToken.None));
            Assert.Equal(403, refused.StatusCode);
        }
        finally
        {
            File.Delete(config);
        }
        // A server that keeps failing is reported after the retries, not read as "absent".
        _fake.Faults.ErrorRate = 1;
        _fake.Faults.ErrorCodes = [500];
        try
        {
            var failed = await Assert.ThrowsAsync<KoClusterException>(() => _gateway.ExistingSecretAsync("default", "kept", CancellationToken.None));
            Assert.Equal(500, failed.StatusCode);
        }
        finally
        {
            _fake.Faults.ErrorRate = 0;
        }
    }

    [Fact]
    public async Task ABatchWhoseListIsRefusedReadsEachObjectAndStillTellsTheOutcomes()
    {
        await BatchApplier.ApplyAsync(_gateway, [Cm("nolist-0"), Cm("nolist-1")], new ApplyOptions(), 2, false, null, CancellationToken.None);
        // Carol may read and apply ConfigMaps in default, one by one, but not list them.
        using var admin = FakeHttp.Client(_fake);
        Assert.Equal(201, (await admin.Post("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", FakeHttp.J("""
            {"metadata":{"name":"cm-no-list"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","create","patch"]}]}
            """))).Code);
        Assert.Equal(201, (await admin.Post("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", FakeHttp.J("""
            {"metadata":{"name":"carol-cm"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"cm-no-list"},
             "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"carol"}]}
            """))).Code);
        var config = _fake.WriteKubeConfig(Path.GetTempFileName(), "carol");
        try
        {
            using var carol = new ClusterGateway(KubeConfigs.Connect(config, null, null, null, "/nonexistent"), new GatewayOptions { BaseDelay = TimeSpan.FromMilliseconds(20) });
            _fake.ClearRequests();
            var results = await BatchApplier.ApplyAsync(carol, [Cm("nolist-0"), Cm("nolist-1", "changed"), Cm("nolist-2")], new ApplyOptions(), 2, false, null, CancellationToken.None);
            Assert.Equal([ApplyOutcome.Unchanged, ApplyOutcome.Configured, ApplyOutcome.Created], results.Select(r => r.Outcome));
            var requests = _fake.Requests;
            Assert.Single(requests, r => r.Method == "GET" && r.Path == "/api/v1/namespaces/default/configmaps" && r.Status == 403);
            Assert.All(Enumerable.Range(0, 3), i => Assert.Single(requests, r => r.Method == "GET" && r.Path == $"/api/v1/namespaces/default/configmaps/nolist-{i}"));
            Assert.Equal(3, requests.Count(r => r.Method == "PATCH"));
        }
        finally
        {
            File.Delete(config);
        }
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
            await _gateway.ApplyAsync(cm, new ApplyOptions(), CancellationToken.None);
            await FakeHttp.Eventually(() => Task.FromResult(seen.Count), n => n == i + 1, $"event {i} on the watch");
            // The next object is written only after the stream that carried this one was dropped (the fake logs a
            // watch when it ends, and one stream follows another), so every later event must come through a resumed
            // watch. Counted from when the event arrived: a drop logged before then may be the stream before it.
            var dropped = Watches();
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

    // ------------------------------------------------------------ apply outcomes under a concurrent writer
    // What an apply reports says what it did to the fields it sends, whatever another writer did to the object
    // between the gateway's read and its apply. The other writer (a load-balancer controller writing the Service's
    // status) runs exactly in that gap: from the gateway's own log line of the read, before the PATCH is sent.

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
