using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// The Events the scheduler and the simulated kubelet write about the pods it runs, as a v1.32 cluster words and
/// attributes them (scheduler through events.k8s.io; kubelet through the core recorder with source kubelet/node-1),
/// and the container waiting reasons of a broken image cycling ErrImagePull → ImagePullBackOff.
/// </summary>
public sealed class KubeletEventTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public KubeletEventTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private static string Str(JsonNode? e, string field) => e?[field]?.GetValue<string>() ?? "";

    private static IEnumerable<JsonNode> About(Reply events, string pod) =>
        Items(events).Where(e => Str(e!["involvedObject"], "name") == pod && Str(e!["involvedObject"], "kind") == "Pod").Select(e => e!);

    private async Task<List<string>> Pods(string ns) =>
        Items(await _h.Get($"/api/v1/namespaces/{ns}/pods")).Select(p => p!["metadata"]!["name"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task APodsEventsAreTheSchedulersAndTheKubeletsAsOnAV132Cluster()
    {
        var ns = await _h.Ns("kubeletev");
        // An image no other test uses, so that the node has yet to pull it (policy IfNotPresent by its tag).
        var image = $"registry.example.com/{ns}/web:1.0";
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web", image, 1))).Code);
        var pod = (await Eventually(() => Pods(ns), p => p.Count == 1, "one pod")).Single();
        var events = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"), r => About(r, pod).Any(e => Str(e, "reason") == "Started"), "the pod's Started event");
        var mine = About(events, pod).ToList();
        Assert.Equal(["Scheduled", "Pulling", "Pulled", "Created", "Started"], mine.OrderBy(e => Str(e["metadata"], "name"), StringComparer.Ordinal).Select(e => Str(e, "reason")));

        var scheduled = mine.Single(e => Str(e, "reason") == "Scheduled");
        Assert.Equal($"Successfully assigned {ns}/{pod} to node-1", Str(scheduled, "message"));
        Assert.Equal("Binding", Str(scheduled, "action"));
        Assert.Equal("default-scheduler", Str(scheduled, "reportingComponent"));
        Assert.Equal("default-scheduler-node-1", Str(scheduled, "reportingInstance"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", Str(scheduled, "eventTime"));
        Assert.Null(scheduled["firstTimestamp"]);
        Assert.Null(scheduled["count"]);
        Assert.Empty(scheduled["source"]!.AsObject());

        foreach (var e in mine.Where(e => Str(e, "reason") != "Scheduled"))
        {
            Assert.Equal("kubelet", Str(e["source"], "component"));
            Assert.Equal("node-1", Str(e["source"], "host"));
            Assert.Equal("kubelet", Str(e, "reportingComponent"));
            Assert.Equal("node-1", Str(e, "reportingInstance"));
            Assert.Equal("spec.containers{web}", Str(e["involvedObject"], "fieldPath"));
            Assert.Null(e["eventTime"]);
            Assert.Equal(1, e["count"]!.GetValue<long>());
        }
        string Message(string reason) => Str(mine.Single(e => Str(e, "reason") == reason), "message");
        Assert.Equal($"Pulling image \"{image}\"", Message("Pulling"));
        Assert.Matches($"^Successfully pulled image \"{Regex.Escape(image)}\" in (\\d+ms|[\\d.]+s) \\((\\d+ms|[\\d.]+s) including waiting\\)\\. Image size: \\d+ bytes\\.$", Message("Pulled"));
        Assert.Equal("Created container: web", Message("Created"));
        Assert.Equal("Started container web", Message("Started"));

        // The node has the image now: a second pod finds it there, a pod with policy Always pulls it again.
        Assert.Equal(200, (await _h.Patch($"/apis/apps/v1/namespaces/{ns}/deployments/web", J("""{"spec":{"replicas":2}}"""), "application/merge-patch+json")).Code);
        var second = (await Eventually(() => Pods(ns), p => p.Count == 2, "two pods")).Single(p => p != pod);
        events = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"), r => About(r, second).Any(e => Str(e, "reason") == "Started"), "the second pod's Started event");
        Assert.Equal(["Scheduled", "Pulled", "Created", "Started"], About(events, second).OrderBy(e => Str(e["metadata"], "name"), StringComparer.Ordinal).Select(e => Str(e, "reason")));
        Assert.Equal($"Container image \"{image}\" already present on machine", Str(About(events, second).Single(e => Str(e, "reason") == "Pulled"), "message"));
        var always = Deployment("always", image, 1);
        always["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"] = "Always";
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", always)).Code);
        var third = (await Eventually(() => Pods(ns), p => p.Count(n => n.StartsWith("always-", StringComparison.Ordinal)) == 1, "the Always pod")).Single(n => n.StartsWith("always-", StringComparison.Ordinal));
        events = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"), r => About(r, third).Any(e => Str(e, "reason") == "Started"), "the Always pod's Started event");
        Assert.StartsWith($"Successfully pulled image \"{image}\" in ", Str(About(events, third).Single(e => Str(e, "reason") == "Pulled"), "message"));

        // kubectl describe pod lists them with the component as From (the scheduler's reportingController, the kubelet's source).
        var described = await _kubectl.Run("describe", "pod", pod, "-n", ns);
        Assert.True(described.Exit == 0, described.ToString());
        var section = described.Out[described.Out.IndexOf("Events:", StringComparison.Ordinal)..];
        Assert.Matches(@"Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned " + Regex.Escape($"{ns}/{pod}") + " to node-1", section);
        Assert.Matches(@"Normal\s+Pulling\s+\S+\s+kubelet\s+Pulling image " + Regex.Escape($"\"{image}\""), section);
        Assert.Matches(@"Normal\s+Created\s+\S+\s+kubelet\s+Created container: web", section);
        Assert.Matches(@"Normal\s+Started\s+\S+\s+kubelet\s+Started container web", section);

        // Deleting the pod stops its container.
        Assert.Equal(200, (await _h.Delete($"/api/v1/namespaces/{ns}/pods/{pod}")).Code);
        events = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"), r => About(r, pod).Any(e => Str(e, "reason") == "Killing"), "the Killing event");
        var killing = About(events, pod).Single(e => Str(e, "reason") == "Killing");
        Assert.Equal("Stopping container web", Str(killing, "message"));
        Assert.Equal("Normal", Str(killing, "type"));
        Assert.Equal("kubelet", Str(killing["source"], "component"));
        var wide = await _kubectl.Run("get", "events", "-n", ns, "-o", "wide", "--field-selector", $"involvedObject.name={pod}");
        Assert.True(wide.Exit == 0, wide.ToString());
        Assert.Matches(@"Normal\s+Killing\s+pod/" + Regex.Escape(pod) + @"\s+spec\.containers\{web\}\s+kubelet, node-1\s+Stopping container web", wide.Out);
    }

    [Fact]
    public async Task ABrokenImageCyclesErrImagePullAndImagePullBackOffWithTheKubeletsEvents()
    {
        var ns = await _h.Ns("kubeletbad");
        await using var watch = await WatchStream.Open(_h, $"/api/v1/namespaces/{ns}/pods?watch=true");
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("bad", "nginx:broken", 1))).Code);
        // The pull fails (ErrImagePull), the next syncs find the image in back-off (ImagePullBackOff), then it is pulled again.
        var seen = new List<string>();
        var messages = new Dictionary<string, string>();
        await watch.Until(e =>
        {
            var waiting = e["object"]?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"];
            if (waiting?["reason"]?.GetValue<string>() is { } reason && reason != "ContainerCreating" && (seen.Count == 0 || seen[^1] != reason))
            {
                seen.Add(reason);
                messages[reason] = waiting["message"]?.GetValue<string>() ?? "";
            }
            return seen.Count >= 3;
        }, 20000);
        Assert.Equal(["ErrImagePull", "ImagePullBackOff", "ErrImagePull"], seen);
        const string pullError = "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:broken\": failed to resolve reference \"docker.io/library/nginx:broken\": docker.io/library/nginx:broken: not found";
        Assert.Equal(pullError, messages["ErrImagePull"]);
        Assert.Equal("Back-off pulling image \"nginx:broken\"", messages["ImagePullBackOff"]);

        var pod = (await Pods(ns)).Single();
        var events = About(await _h.Get($"/api/v1/namespaces/{ns}/events"), pod).ToList();
        JsonNode One(string type, string reason, string message) => Assert.Single(events, e => Str(e, "type") == type && Str(e, "reason") == reason && Str(e, "message") == message);
        Assert.True(One("Normal", "Pulling", "Pulling image \"nginx:broken\"")["count"]!.GetValue<long>() >= 2);
        Assert.True(One("Warning", "Failed", $"Failed to pull image \"nginx:broken\": {pullError}")["count"]!.GetValue<long>() >= 2);
        One("Warning", "Failed", "Error: ErrImagePull");
        One("Normal", "BackOff", "Back-off pulling image \"nginx:broken\"");
        One("Warning", "Failed", "Error: ImagePullBackOff");
        Assert.DoesNotContain(events, e => Str(e, "reason") is "Created" or "Started");

        var described = await _kubectl.Run("describe", "pod", pod, "-n", ns);
        Assert.True(described.Exit == 0, described.ToString());
        Assert.Matches(@"Normal\s+BackOff\s+.+kubelet\s+Back-off pulling image ""nginx:broken""", described.Out);
        Assert.Matches(@"Warning\s+Failed\s+.+kubelet\s+Error: ImagePullBackOff", described.Out);
        Assert.Matches(@"Warning\s+Failed\s+.+kubelet\s+Error: ErrImagePull", described.Out);
    }
}
