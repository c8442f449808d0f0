using FakeApiServer;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The controller loop (issue 23): idle once the controllers are done, woken by writes and by what comes due on the clock.</summary>
public sealed class ControllerLoopTests
{
    [Fact]
    public async Task TheLoopIdlesOnceTheControllersAreDoneAndWakesForWhatComesDueOnTheClock()
    {
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
        {
            ClockSpeed = 1, PodReadyDelay = TimeSpan.FromMilliseconds(200), ReconcileInterval = TimeSpan.FromMilliseconds(20),
        });
        using var h = FakeHttp.Client(cluster);
        var ns = await h.Ns("loop");
        Assert.Equal(201, (await h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web", replicas: 1))).Code);
        await Eventually(() => h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web"), RolledOut, "the rollout");
        await Idle(cluster);

        // A finished Job goes once its ttlSecondsAfterFinished has passed: only the clock moves meanwhile, nothing writes.
        var job = J("""{"metadata":{"name":"once"},"spec":{"ttlSecondsAfterFinished":3600,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.37"}]}}}}""");
        Assert.Equal(201, (await h.Post($"/apis/batch/v1/namespaces/{ns}/jobs", job)).Code);
        await Eventually(() => h.Get($"/apis/batch/v1/namespaces/{ns}/jobs/once"),
            r => (r.Node("status.conditions") as System.Text.Json.Nodes.JsonArray)?.Any(c => c?["type"]?.GetValue<string>() == "Complete") == true, "the Job complete");
        await Idle(cluster);
        Assert.Equal(200, (await h.Get($"/apis/batch/v1/namespaces/{ns}/jobs/once")).Code);
        cluster.AdvanceClock(TimeSpan.FromHours(2));
        await Eventually(() => h.Get($"/apis/batch/v1/namespaces/{ns}/jobs/once"), r => r.Code == 404, "the Job deleted after its TTL");
        Assert.True(cluster.ControllerErrors.Count == 0, string.Join("\n", cluster.ControllerErrors));
    }

    /// <summary>Waits until ten ticks of the loop in a row ran no pass.</summary>
    private static Task<bool> Idle(FakeCluster cluster) => Eventually(async () =>
    {
        var (ticks, passes) = cluster.ControllerLoop;
        while (cluster.ControllerLoop.Ticks < ticks + 10) await Task.Delay(20);
        return cluster.ControllerLoop.Passes == passes;
    }, idle => idle, "ten ticks of the controller loop without a pass");
}
