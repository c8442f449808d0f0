using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FakeApiServer;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// The event recorders on the fake's clock, as client-go's core recorder: timestamps from the cluster's clock (so
/// Events age when a test advances it), the spam filter (25 Events per source and object, then one per 5 minutes),
/// and caches that forget their least recently used key. Each test runs its own cluster at the real clock's pace
/// (ClockSpeed 1), so that nothing but the test moves the clock.
/// </summary>
public sealed class EventRecorderTests
{
    private static async Task<FakeCluster> Start(int cacheEntries = 4096) => await FakeCluster.StartAsync(new FakeClusterOptions
    {
        ClockSpeed = 1, PodReadyDelay = TimeSpan.FromMilliseconds(200), ReconcileInterval = TimeSpan.FromMilliseconds(40), EventCacheEntries = cacheEntries,
    });

    private static void NoControllerErrors(FakeCluster c) => Assert.True(c.ControllerErrors.Count == 0, string.Join("\n", c.ControllerErrors));

    private static DateTime Time(JsonNode? n) => DateTime.Parse(n!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    private static IEnumerable<JsonNode> Reason(Reply events, string reason) => Items(events).Where(e => e!["reason"]!.GetValue<string>() == reason).Select(e => e!);

    private static async Task<string> OnlyPod(HttpClient h, string ns) =>
        Items(await Eventually(() => h.Get($"/api/v1/namespaces/{ns}/pods"), r => Items(r).Count == 1, "one pod")).Single()!["metadata"]!["name"]!.GetValue<string>();

    [Fact]
    public async Task EventsAreStampedByTheFakeClockSoTheyAgeWhenItIsAdvanced()
    {
        await using var c = await Start();
        using var h = Client(c);
        using var kubectl = new KubectlRunner(c);
        var ns = await h.Ns("evclock");
        Assert.Equal(201, (await h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web", "nginx:1.27", 1))).Code);
        var pod = await OnlyPod(h, ns);
        var events = await Eventually(() => h.Get($"/api/v1/namespaces/{ns}/events"), r => Reason(r, "Started").Any(), "the kubelet's Started event");
        var scaled = Reason(events, "ScalingReplicaSet").Single();
        var stamped = Time(scaled["lastTimestamp"]);
        Assert.InRange(c.Now - stamped, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(30));

        // kubectl describe ages Events by kubectl's own clock: at ClockSpeed 1 that is the fake's, so ages are real.
        var described = await kubectl.Run("describe", "pod", pod, "-n", ns);
        Assert.True(described.Exit == 0, described.ToString());
        Assert.Matches(@"Normal\s+Scheduled\s+\d+s\s+default-scheduler\s+Successfully assigned " + Regex.Escape($"{ns}/{pod}") + " to node-1", described.Out);
        Assert.Matches(@"Normal\s+Started\s+\d+s\s+kubelet\s+Started container web", described.Out);

        // Ten minutes pass on the cluster's clock: the server prints LAST SEEN by that clock, so kubectl get events shows them aged;
        // kubectl describe still ages them by the real clock (seconds), as it would against a real cluster whose clock ran ahead.
        var advanced = c.AdvanceClock(TimeSpan.FromMinutes(10));
        Assert.InRange(advanced - DateTime.UtcNow, TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(5));
        var listed = await kubectl.Run("get", "events", "-n", ns);
        Assert.True(listed.Exit == 0, listed.ToString());
        var row = Assert.Single(listed.Out.Split('\n'), l => l.Contains("ScalingReplicaSet", StringComparison.Ordinal));
        Assert.Equal("10m", Regex.Split(row.Trim(), @"\s{2,}")[0]);
        described = await kubectl.Run("describe", "pod", pod, "-n", ns);
        Assert.Matches(@"Normal\s+Scheduled\s+\d+s\s+default-scheduler", described.Out);

        // An Event written now is stamped ten minutes ahead of the real time: kubectl describe, ageing it by the real clock, prints <invalid>.
        Assert.Equal(200, (await h.Patch($"/apis/apps/v1/namespaces/{ns}/deployments/web", J("""{"spec":{"replicas":2}}"""), "application/merge-patch+json")).Code);
        events = await Eventually(() => h.Get($"/api/v1/namespaces/{ns}/events"), r => Reason(r, "ScalingReplicaSet").Count() == 2, "the scale-up event");
        var later = Reason(events, "ScalingReplicaSet").Single(e => e["message"]!.GetValue<string>().EndsWith("from 1 to 2", StringComparison.Ordinal));
        Assert.InRange(Time(later["firstTimestamp"]) - DateTime.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
        var deployment = await kubectl.Run("describe", "deployment", "web", "-n", ns);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+<invalid>\s+deployment-controller\s+Scaled up replica set web-\w+ from 1 to 2", deployment.Out);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+\d+s\s+deployment-controller\s+Scaled up replica set web-\w+ from 0 to 1", deployment.Out);
        NoControllerErrors(c);
    }

    [Fact]
    public async Task TheClockIsReadAndAdvancedThroughFakeClock()
    {
        await using var c = await Start();
        using var h = Client(c);
        var before = Time((await h.Get("/fake/clock")).Node("now"));
        var moved = await h.Post("/fake/clock", J("""{"advanceSeconds":3600}"""));
        Assert.Equal(200, moved.Code);
        Assert.InRange(Time(moved.Node("now")) - before, TimeSpan.FromHours(1), TimeSpan.FromHours(1) + TimeSpan.FromSeconds(30));
        Assert.InRange(c.Now - DateTime.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Equal(400, (await h.Post("/fake/clock", J("""{"advanceSeconds":-5}"""))).Code);
        Assert.Equal(400, (await h.Post("/fake/clock", J("""{"seconds":5}"""))).Code);
        NoControllerErrors(c);
    }

    [Fact]
    public async Task TheSpamFilterLetsAnObjectBurst25EventsThenOneEveryFiveMinutes()
    {
        await using var c = await Start();
        using var h = Client(c);
        var ns = await h.Ns("evspam");
        Assert.Equal(201, (await h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("burst", "nginx:1.27", 40))).Code);
        await Eventually(() => h.Get($"/api/v1/namespaces/{ns}/pods"), r => Items(r).Count == 40, "40 pods");
        var events = await h.Get($"/api/v1/namespaces/{ns}/events");
        // 40 SuccessfulCreate about the ReplicaSet: 9 own Events, then the combined one; the 25th write used the last
        // token, so the combined Event's count stops at 16 although 31 were seen.
        var creates = Reason(events, "SuccessfulCreate").Where(e => e["involvedObject"]!["kind"]!.GetValue<string>() == "ReplicaSet").ToList();
        Assert.Equal(10, creates.Count);
        Assert.Equal(25, creates.Sum(e => e["count"]!.GetValue<long>()));
        Assert.Equal(16, creates.Single(e => e["message"]!.GetValue<string>().StartsWith("(combined from similar events): ", StringComparison.Ordinal))["count"]!.GetValue<long>());

        // No token left: ten deletions write nothing.
        Assert.Equal(200, (await h.Patch($"/apis/apps/v1/namespaces/{ns}/deployments/burst", J("""{"spec":{"replicas":30}}"""), "application/merge-patch+json")).Code);
        await Eventually(() => h.Get($"/api/v1/namespaces/{ns}/pods"), r => Items(r).Count == 30, "30 pods");
        Assert.Empty(Reason(await h.Get($"/api/v1/namespaces/{ns}/events"), "SuccessfulDelete"));

        // Five minutes on the cluster's clock refill one token: of the next ten deletions one is written, and it carries
        // what the recorder counted meanwhile (the combined SuccessfulDelete was seen once before, so count 2).
        c.AdvanceClock(TimeSpan.FromMinutes(5));
        Assert.Equal(200, (await h.Patch($"/apis/apps/v1/namespaces/{ns}/deployments/burst", J("""{"spec":{"replicas":20}}"""), "application/merge-patch+json")).Code);
        await Eventually(() => h.Get($"/api/v1/namespaces/{ns}/pods"), r => Items(r).Count == 20, "20 pods");
        var deleted = Assert.Single(Reason(await h.Get($"/api/v1/namespaces/{ns}/events"), "SuccessfulDelete"));
        Assert.StartsWith("(combined from similar events): Deleted pod: burst-", deleted["message"]!.GetValue<string>());
        Assert.Equal(2, deleted["count"]!.GetValue<long>());
        Assert.Equal("replicaset-controller", deleted["source"]!["component"]!.GetValue<string>());
        NoControllerErrors(c);
    }

    [Fact]
    public async Task EachComponentsRecorderForgetsItsLeastRecentlyUsedKeys()
    {
        // Four keys per cache instead of 4096, so that a handful of other Events push one out.
        await using var c = await Start(cacheEntries: 4);
        using var h = Client(c);
        var ns = await h.Ns("evlru");
        async Task<Reply> Scaled(string name, int replicas, string message, int events = 1)
        {
            var path = $"/apis/apps/v1/namespaces/{ns}/deployments/{name}";
            var code = (await h.Get(path)).Code == 404 ? (await h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment(name, "nginx:1.27", replicas))).Code
                : (await h.Patch(path, J($$$"""{"spec":{"replicas":{{{replicas}}}}}"""), "application/merge-patch+json")).Code;
            Assert.True(code is 200 or 201, $"scaling {name}: {code}");
            return await Eventually(() => h.Get($"/api/v1/namespaces/{ns}/events"),
                r => Reason(r, "ScalingReplicaSet").Where(e => Regex.IsMatch(e["message"]!.GetValue<string>(), $"^Scaled (up|down) replica set {name}-\\w+ {message}$")).Sum(e => e["count"]!.GetValue<long>()) == events,
                $"{name}: {message} x{events}");
        }
        await Scaled("web", 1, "from 0 to 1");
        await Scaled("web", 2, "from 1 to 2");
        await Scaled("web", 1, "from 2 to 1");
        // Still known to the deployment controller's recorder: the repeat counts on the same Event.
        var events = await Scaled("web", 2, "from 1 to 2", events: 2);
        Assert.Single(Reason(events, "ScalingReplicaSet"), e => e["message"]!.GetValue<string>().EndsWith("from 1 to 2", StringComparison.Ordinal));
        // Four other deployments' Events push web's out of the four-key caches: the next repeat starts a new Event.
        foreach (var other in new[] { "a", "b", "c", "d" }) await Scaled(other, 1, "from 0 to 1");
        events = await Scaled("web", 1, "from 2 to 1", events: 2);
        var downs = Reason(events, "ScalingReplicaSet").Where(e => e["message"]!.GetValue<string>().EndsWith("from 2 to 1", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, downs.Count);
        Assert.All(downs, e => Assert.Equal(1, e["count"]!.GetValue<long>()));
        NoControllerErrors(c);
    }
}
