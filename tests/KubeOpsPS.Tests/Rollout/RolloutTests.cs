using FakeApiServer;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Runtime.Rollout;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Rollout;

public sealed class RolloutTests : IAsyncLifetime
{
    private FakeCluster _fake = null!;
    private ClusterGateway _gateway = null!;
    private string _kubeconfig = null!;
    private static readonly KubeKind DeploymentKind = KubeTypes.Find("apps/v1", "Deployment")!;

    public async Task InitializeAsync()
    {
        _fake = await FakeCluster.StartAsync(new FakeClusterOptions { ClockSpeed = 10, PodReadyDelay = TimeSpan.FromSeconds(2), ReconcileInterval = TimeSpan.FromMilliseconds(50) });
        _kubeconfig = _fake.WriteKubeConfig(Path.GetTempFileName());
        _gateway = new ClusterGateway(KubeConfigs.Connect(_kubeconfig, null, null, null, "/nonexistent"));
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _fake.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    private static V1Deployment Deployment(string name, int replicas, string image, string surge, string unavailable) => new()
    {
        ApiVersion = "apps/v1", Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = unavailable } },
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = image }] } },
        },
    };

    [Fact]
    public async Task AGoodRolloutStaysWithinMaxSurgeAndMaxUnavailable()
    {
        await _gateway.ApplyAsync(Deployment("inv", 4, "nginx:1.29", "1", "1"), new ApplyOptions(), CancellationToken.None);
        await _gateway.WaitAsync(DeploymentKind, "default", "inv", RolloutStatus.Evaluate, TimeSpan.FromSeconds(30), null, CancellationToken.None);
        using var record = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<V1DeploymentStatus>();
        var (_, rv) = await _gateway.ListAsync(DeploymentKind, "default", null, "metadata.name=inv", CancellationToken.None);
        var recorder = Task.Run(async () =>
        {
            try
            {
                await foreach (var ev in _gateway.WatchAsync(DeploymentKind, "default", "metadata.name=inv", null, rv, record.Token))
                    lock (seen) seen.Add(((V1Deployment)ev.Object).Status ?? new V1DeploymentStatus());
            }
            catch (OperationCanceledException)
            {
            }
        });
        var change = RollingUpdateBuilder.Build(Deployment("inv", 4, "nginx:1.29", "1", "1"), new RollingUpdateOptions { SingleImage = "nginx:1.30" });
        await _gateway.ApplyAsync(change, new ApplyOptions(Force: true, FieldManager: RollingUpdateBuilder.FieldManager), CancellationToken.None);
        var (_, state) = await _gateway.WaitAsync(DeploymentKind, "default", "inv", RolloutStatus.Evaluate, TimeSpan.FromSeconds(60), null, CancellationToken.None);
        record.Cancel();
        await recorder;
        Assert.True(state.Done, state.Status);
        Assert.True(seen.Count > 3, $"watch events recorded: {seen.Count}");
        Assert.All(seen, s =>
        {
            Assert.InRange(s.AvailableReplicas ?? 0, 3, 5);   // never below replicas - maxUnavailable
            Assert.InRange(s.Replicas ?? 0, 0, 5);            // never above replicas + maxSurge
        });
    }

    [Fact]
    public async Task ABrokenImageIsDiagnosedAndUndoRestoresThePreviousRevision()
    {
        await _gateway.ApplyAsync(Deployment("broke", 2, "nginx:1.29", "25%", "25%"), new ApplyOptions(), CancellationToken.None);
        await _gateway.WaitAsync(DeploymentKind, "default", "broke", RolloutStatus.Evaluate, TimeSpan.FromSeconds(30), null, CancellationToken.None);
        var d = Deployment("broke", 2, "nginx:1.29", "25%", "25%");
        var change = RollingUpdateBuilder.Build(d, new RollingUpdateOptions { SingleImage = "nginx:broken", ProgressDeadlineSeconds = 30 });
        await _gateway.ApplyAsync(change, new ApplyOptions(Force: true, FieldManager: RollingUpdateBuilder.FieldManager), CancellationToken.None);
        var (_, state) = await _gateway.WaitAsync(DeploymentKind, "default", "broke", RolloutStatus.Evaluate, TimeSpan.FromSeconds(60), null, CancellationToken.None);
        Assert.True(state.Failed, state.Status);
        var runner = new RolloutRunner(_gateway);
        // The kubelet alternates between a pull (ErrImagePull) and its back-off (ImagePullBackOff), as a real one does.
        Assert.Matches("ErrImagePull|ImagePullBackOff", await runner.DiagnoseAsync(DeploymentKind, "default", "broke", CancellationToken.None));
        Assert.Equal(1, await runner.UndoAsync(DeploymentKind, "default", "broke", 0, CancellationToken.None));
        var (live, after) = await _gateway.WaitAsync(DeploymentKind, "default", "broke", RolloutStatus.Evaluate, TimeSpan.FromSeconds(60), null, CancellationToken.None);
        Assert.True(after.Done, after.Status);
        Assert.Equal("nginx:1.29", ((V1Deployment)live!).Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(2, ((V1Deployment)live!).Status.AvailableReplicas);
    }

    [Fact]
    public async Task AnUpdateRightAfterTheWorkloadIsWrittenKeepsTheRevisionToGoBackTo()
    {
        // Controller passes a second apart: the update is ready before the controller has seen the new Deployment.
        await using var slow = await FakeCluster.StartAsync(new FakeClusterOptions { ClockSpeed = 10, PodReadyDelay = TimeSpan.FromSeconds(2), ReconcileInterval = TimeSpan.FromSeconds(1) });
        var kubeconfig = slow.WriteKubeConfig(Path.GetTempFileName());
        try
        {
            using var gateway = new ClusterGateway(KubeConfigs.Connect(kubeconfig, null, null, null, "/nonexistent"));
            await gateway.ApplyAsync(Deployment("fresh", 1, "nginx:1.29", "1", "0"), new ApplyOptions(), CancellationToken.None);
            var runner = new RolloutRunner(gateway);
            var change = await runner.PlanUpdateAsync(DeploymentKind, "default", "fresh", new RollingUpdateOptions { SingleImage = "nginx:1.30" }, CancellationToken.None);
            var stages = new List<RolloutStage>();
            var outcome = await runner.UpdateAsync(DeploymentKind, "default", "fresh", change, "nginx:1.30", TimeSpan.FromSeconds(60), true, (stage, _) => { lock (stages) stages.Add(stage); }, null, CancellationToken.None);
            Assert.Null(outcome.Failure);
            // It waited (Preparing) before it applied and followed, so a stop before then leaves the Deployment unchanged.
            Assert.Equal([RolloutStage.Preparing, RolloutStage.Following], stages.Distinct());
            var history = await runner.HistoryAsync(DeploymentKind, "default", "fresh", CancellationToken.None);
            Assert.Equal(["1 web=nginx:1.29", "2 web=nginx:1.30"], history.Select(h => $"{h.Revision} {string.Join(",", h.Images)}"));
            Assert.Equal(1, await runner.UndoAsync(DeploymentKind, "default", "fresh", 0, CancellationToken.None));
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public async Task ARollingUpdateReadsTheDeploymentOnceAndFollowsItFromTheApply()
    {
        await _gateway.ApplyAsync(Deployment("lean", 2, "nginx:1.29", "1", "0"), new ApplyOptions(), CancellationToken.None);
        await _gateway.WaitAsync(DeploymentKind, "default", "lean", RolloutStatus.Evaluate, TimeSpan.FromSeconds(30), null, CancellationToken.None);
        var runner = new RolloutRunner(_gateway);
        _fake.ClearRequests();
        var change = await runner.PlanUpdateAsync(DeploymentKind, "default", "lean", new RollingUpdateOptions { SingleImage = "nginx:1.30" }, CancellationToken.None);
        var lines = new List<string>();
        var outcome = await runner.UpdateAsync(DeploymentKind, "default", "lean", change, "nginx:1.30", TimeSpan.FromSeconds(60), true, (_, l) => { lock (lines) lines.Add(l); }, null, CancellationToken.None);
        Assert.Null(outcome.Failure);
        Assert.Equal(2, outcome.Result!.Revision);
        var requests = _fake.Requests.Where(r => r.Path.Contains("/deployments", StringComparison.Ordinal)).Select(r => $"{r.Method} {r.Path}?{r.Query}").ToList();
        var all = string.Join("\n", requests);
        // The plan's GET is the only one of the Deployment; the wait before the apply lists it once; following
        // starts from the apply's answer and watches, without a second LIST.
        Assert.Single(requests, r => r.StartsWith("GET /apis/apps/v1/namespaces/default/deployments/lean?", StringComparison.Ordinal) && !r.Contains("watch=true", StringComparison.Ordinal));
        Assert.Single(requests, r => r.StartsWith("GET /apis/apps/v1/namespaces/default/deployments?", StringComparison.Ordinal) && !r.Contains("watch=true", StringComparison.Ordinal));
        Assert.Single(requests, r => r.StartsWith("PATCH ", StringComparison.Ordinal));
        Assert.True(requests.Count(r => r.Contains("watch=true", StringComparison.Ordinal)) >= 1, all);
        Assert.Equal(requests.Count, 3 + requests.Count(r => r.Contains("watch=true", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("successfully rolled out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FollowingAFailingRolloutSaysWhyItWaitsAsSoonAsThePodsTell()
    {
        await _gateway.ApplyAsync(Deployment("why", 1, "nginx:1.29", "1", "0"), new ApplyOptions(), CancellationToken.None);
        await _gateway.WaitAsync(DeploymentKind, "default", "why", RolloutStatus.Evaluate, TimeSpan.FromSeconds(30), null, CancellationToken.None);
        var change = RollingUpdateBuilder.Build(Deployment("why", 1, "nginx:1.29", "1", "0"), new RollingUpdateOptions { SingleImage = "nginx:broken", ProgressDeadlineSeconds = 60 });
        await _gateway.ApplyAsync(change, new ApplyOptions(Force: true, FieldManager: RollingUpdateBuilder.FieldManager), CancellationToken.None);
        var lines = new List<string>();
        var state = await new RolloutRunner(_gateway).FollowAsync(DeploymentKind, "default", "why", TimeSpan.FromSeconds(60), l => { lock (lines) lines.Add(l); }, CancellationToken.None);
        Assert.True(state.Failed, state.Status);
        // Before the deadline ended the wait, a progress line said why: the new pod's image pull failing (ErrImagePull,
        // then ImagePullBackOff while the kubelet waits out its back-off).
        var why = lines.FindIndex(l => l.Contains("ErrImagePull", StringComparison.Ordinal) || l.Contains("ImagePullBackOff", StringComparison.Ordinal));
        Assert.True(why >= 0, string.Join("\n", lines));
        Assert.StartsWith("Deployment default/why: ", lines[why], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingAWaitClosesItsWatchAndChangesNothing()
    {
        await _gateway.ApplyAsync(Deployment("ctrlc", 2, "nginx:broken", "25%", "25%"), new ApplyOptions(), CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        var wait = _gateway.WaitAsync(DeploymentKind, "default", "ctrlc", RolloutStatus.Evaluate, TimeSpan.FromMinutes(5), null, cts.Token);
        // A guard against a hang, not a timing assertion: an ignored cancellation would wait the full five minutes.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(60)));
        // The fake logs a watch when its stream closes: the cancelled wait closed it instead of leaving it open.
        await KubeOpsPS.Tests.FakeApiServer.FakeHttp.Eventually(
            () => Task.FromResult(_fake.Requests.Any(r => r.Query.Contains("watch=true", StringComparison.Ordinal) && r.Query.Contains("metadata.name%3Dctrlc", StringComparison.Ordinal))),
            closed => closed, "the cancelled watch to close");
        var live = (V1Deployment?)await _gateway.GetAsync(DeploymentKind, "default", "ctrlc", CancellationToken.None);
        Assert.Equal("nginx:broken", live!.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public void TheChangeCarriesOnlyTheFieldsItSets()
    {
        var change = RollingUpdateBuilder.Build(Deployment("x", 2, "a:1", "1", "0"), new RollingUpdateOptions { SingleImage = "a:2", MaxSurge = "50%", ChangeCause = "why" });
        Assert.Equal("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x","namespace":"default","annotations":{"kubernetes.io/change-cause":"why"}},"spec":{"template":{"spec":{"containers":[{"name":"web","image":"a:2"}]}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"50%"}}}}""", change.ToJsonString());
        Assert.Throws<KoValidationException>(() => RollingUpdateBuilder.Build(Deployment("x", 2, "a:1", "1", "0"), new RollingUpdateOptions { SingleImage = "a:2", MaxUnavailable = "150%" }));
        Assert.Throws<KoValidationException>(() => RollingUpdateBuilder.Build(Deployment("x", 2, "a:1", "1", "0"), new RollingUpdateOptions { Images = new Dictionary<string, string> { ["nope"] = "a:2" } }));
        Assert.Throws<KoValidationException>(() => RollingUpdateBuilder.Build(Deployment("x", 2, "a:1", "1", "0"), new RollingUpdateOptions()));
    }
}
