using FakeApiServer;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Runtime.AppManager;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.AppManager;

/// <summary>The app-manager's reconciler against the in-process fake API server.</summary>
public sealed class ReconcilerTests : IAsyncLifetime
{
    private FakeCluster _fake = null!;
    private ClusterGateway _gateway = null!;
    private string _kubeconfig = null!;
    private readonly string _dir = Directory.CreateTempSubdirectory("ko-apps-").FullName;
    private readonly List<AppManagerEvent> _events = [];

    public async Task InitializeAsync()
    {
        _fake = await FakeCluster.StartAsync();
        _kubeconfig = _fake.WriteKubeConfig(Path.GetTempFileName());
        _gateway = new ClusterGateway(KubeConfigs.Connect(_kubeconfig, null, null, null, "/nonexistent"), new GatewayOptions { BaseDelay = TimeSpan.FromMilliseconds(20), MaxAttempts = 2 });
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _fake.DisposeAsync();
        File.Delete(_kubeconfig);
        Directory.Delete(_dir, true);
    }

    private AppManagerReconciler New(bool prune = true, string instance = "test") =>
        new(_gateway, new AppManagerReconcilerOptions { Folder = _dir, Prune = prune, Instance = instance, PollInterval = TimeSpan.FromMilliseconds(200), Debounce = TimeSpan.FromMilliseconds(50), RetryDelay = TimeSpan.FromMilliseconds(200) }, e => { lock (_events) _events.Add(e); });

    private void Write(string file, string yaml) => File.WriteAllText(Path.Combine(_dir, file), yaml);

    private static string Cm(string name, string value, string? extra = null) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{extra}data:\n  v: '{value}'\n";

    private async Task<V1ConfigMap?> Live(string name) =>
        (V1ConfigMap?)await _gateway.GetAsync(KubeTypes.Find("v1", "ConfigMap")!, "default", name, CancellationToken.None);

    [Fact]
    public async Task AppliesLabelsOwnershipAndSendsNoWritesWhenNothingChanged()
    {
        Write("a.yaml", Cm("alpha", "1"));
        var r = New();
        Assert.Equal(0, await r.ReconcileAsync(true, CancellationToken.None));
        var live = await Live("alpha");
        Assert.Equal("test", live!.Metadata.Labels[AppManagerReconciler.OwnerLabel]);
        Assert.Equal("a.yaml", live.Metadata.Annotations[AppManagerReconciler.FileAnnotation]);
        _fake.ClearRequests();
        await r.ReconcileAsync(true, CancellationToken.None); // a full resync
        Assert.DoesNotContain(_fake.Requests, q => q.Method is "PATCH" or "PUT" or "POST" or "DELETE");
        Assert.Contains(_events, e => e is { Action: AppManagerAction.Unchanged, Name: "alpha" });
    }

    [Fact]
    public async Task AResyncOfAnUnchangedFolderSendsOnlyLists()
    {
        for (var i = 0; i < 20; i++) Write($"cm-{i}.yaml", Cm($"listed-{i}", "1"));
        var r = New();
        _fake.ClearRequests();
        Assert.Equal(0, await r.ReconcileAsync(true, CancellationToken.None));
        // The first pass: one LIST of the folder's ConfigMaps (besides the prune pass's LISTs), then one apply each.
        Assert.Equal(20, _fake.Requests.Count(q => q.Method == "PATCH"));
        Assert.DoesNotContain(_fake.Requests, q => q.Method == "GET" && q.Path.Contains("/listed-", StringComparison.Ordinal));

        _fake.ClearRequests();
        Assert.Equal(0, await r.ReconcileAsync(true, CancellationToken.None));
        Assert.NotEmpty(_fake.Requests);
        Assert.All(_fake.Requests, q =>
        {
            Assert.Equal("GET", q.Method);
            Assert.DoesNotContain("/listed-", q.Path, StringComparison.Ordinal);
        });
        Assert.Equal(20, _events.Count(e => e is { Action: AppManagerAction.Unchanged } && e.Name!.StartsWith("listed-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RepairsDriftOnResync()
    {
        Write("a.yaml", Cm("drifty", "1"));
        var r = New();
        await r.ReconcileAsync(true, CancellationToken.None);
        using var other = new ClusterGateway(KubeConfigs.Connect(_kubeconfig, null, null, null, "/nonexistent"), new GatewayOptions { FieldManager = "someone" });
        var changed = (await Live("drifty"))!;
        changed.Data["v"] = "hand-edited";
        changed.Metadata.ManagedFields = null;
        changed.Metadata.ResourceVersion = null;
        await other.ApplyAsync(changed, new ApplyOptions(Force: true), CancellationToken.None);
        await r.ReconcileAsync(true, CancellationToken.None);
        Assert.Equal("1", (await Live("drifty"))!.Data["v"]);
    }

    [Fact]
    public async Task ABadFileIsNeverHalfAppliedAndDoesNotBlockTheOthers()
    {
        Write("good.yaml", Cm("good", "1"));
        Write("bad.yaml", Cm("half-one", "1") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: half-two\n");
        var r = New();
        Assert.Equal(1, await r.ReconcileAsync(true, CancellationToken.None));
        Assert.NotNull(await Live("good"));
        Assert.Null(await Live("half-one"));
        Assert.Contains(_events, e => e is { Action: AppManagerAction.Failed, File: "bad.yaml" });
        Write("bad.yaml", Cm("half-one", "1") + "---\n" + Cm("half-two", "2"));
        Assert.Equal(0, await r.ReconcileAsync(false, CancellationToken.None));
        Assert.NotNull(await Live("half-two"));
    }

    [Fact]
    public async Task DuplicatesAcrossFilesNameBothFilesAndApplyNeither()
    {
        Write("one.yaml", Cm("twin", "1"));
        Write("two.yaml", Cm("twin", "2"));
        await New().ReconcileAsync(true, CancellationToken.None);
        Assert.Null(await Live("twin"));
        var failed = _events.Where(e => e.Action == AppManagerAction.Failed).Select(e => e.Message).ToList();
        Assert.Contains(failed, m => m.Contains("one.yaml", StringComparison.Ordinal) && m.Contains("two.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrunesOnlyItsOwnObjectsAndHonoursEnsureExists()
    {
        Write("keep.yaml", Cm("kept", "1", "  labels: {addonmanager.kubernetes.io/mode: EnsureExists}\n"));
        Write("gone.yaml", Cm("pruned", "1"));
        var r = New();
        await r.ReconcileAsync(true, CancellationToken.None);
        // Someone else's object, and another manager's, with the same kind.
        await _gateway.ApplyAsync(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "foreign", NamespaceProperty = "default" } }, new ApplyOptions(), CancellationToken.None);
        await _gateway.ApplyAsync(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "other-manager", NamespaceProperty = "default", Labels = new Dictionary<string, string> { [AppManagerReconciler.OwnerLabel] = "other" } } }, new ApplyOptions(), CancellationToken.None);
        File.Delete(Path.Combine(_dir, "gone.yaml"));
        File.Delete(Path.Combine(_dir, "keep.yaml"));
        await r.ReconcileAsync(false, CancellationToken.None);
        Assert.Null(await Live("pruned"));
        Assert.NotNull(await Live("kept"));
        Assert.NotNull(await Live("foreign"));
        Assert.NotNull(await Live("other-manager"));
        Assert.Contains(_events, e => e is { Action: AppManagerAction.Pruned, Name: "pruned" });
        Assert.Contains(_events, e => e is { Action: AppManagerAction.Skipped, Name: "kept" });
    }

    [Fact]
    public async Task WatchesTheFolderAndCatchesUpAfterTheClusterComesBack()
    {
        // The folder is watched before the first pass: once the first pass has applied seed.yaml, a new file is noticed.
        Write("seed.yaml", Cm("seed", "1"));
        var r = New();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = Task.Run(() => r.RunAsync(cts.Token));
        Assert.True(await Eventually(async () => await Live("seed") is not null), "the first pass ran");
        Write("live.yaml", Cm("watched", "1"));
        Assert.True(await Eventually(async () => await Live("watched") is not null), "the new file was applied");
        _fake.Faults.Down = true;
        Write("live.yaml", Cm("watched", "2"));
        Assert.True(await Eventually(() => Task.FromResult(Snapshot().Any(e => e.Action == AppManagerAction.Failed && e.Message.Contains("retrying", StringComparison.Ordinal)))), "the failed attempt was reported");
        _fake.Faults.Down = false;
        Assert.True(await Eventually(async () => (await Live("watched"))?.Data["v"] == "2"), "the change made while the cluster was down was applied when it came back");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private List<AppManagerEvent> Snapshot()
    {
        lock (_events) return _events.ToList();
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if (await condition()) return true;
            }
            catch (KoClusterException)
            {
            }
            await Task.Delay(100);
        }
        return false;
    }
}
