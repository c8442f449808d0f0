using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// The controllers' event recorder aggregates as client-go's does: a repeated Event is the same object with a higher
/// count and a later lastTimestamp, and the tenth similar message is combined; kubectl and the events.k8s.io/v1
/// view show it as they show a real cluster's.
/// </summary>
public sealed class EventAggregationTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public EventAggregationTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    [Fact]
    public async Task ARepeatedEventIsCountedOnOneEventThatKubectlShowsWithItsCount()
    {
        var ns = await _h.Ns("evagg");
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("bad", "nginx:broken", 1))).Code);
        // The kubelet retries the broken image on its back-off (10 s, 20 s, … on the fake's clock): each failure counts on one Event.
        static bool PullFailed(JsonNode? e) => e!["reason"]!.GetValue<string>() == "Failed" && e["message"]!.GetValue<string>().StartsWith("Failed to pull image \"nginx:broken\": ", StringComparison.Ordinal);
        var events = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"),
            r => Items(r).Any(e => PullFailed(e) && e!["count"]!.GetValue<long>() >= 3), "a Failed event counted three times");
        var ev = Assert.Single(Items(events), PullFailed)!;
        var pod = ev["involvedObject"]!["name"]!.GetValue<string>();
        var name = ev["metadata"]!["name"]!.GetValue<string>();
        Assert.Matches($"^{Regex.Escape(pod)}\\.[0-9a-f]{{16,}}$", name);
        var first = DateTime.Parse(ev["firstTimestamp"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var last = DateTime.Parse(ev["lastTimestamp"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.True(last > first, $"lastTimestamp {last:O} is after firstTimestamp {first:O}");
        var count = ev["count"]!.GetValue<long>();

        // events.k8s.io/v1 shows the same object: deprecatedCount and the deprecated timestamps, no series (the core recorder sets none).
        var v1 = await _h.Get($"/apis/events.k8s.io/v1/namespaces/{ns}/events/{name}");
        Assert.Equal(200, v1.Code);
        Assert.True(v1.Node("deprecatedCount")!.GetValue<long>() >= count);
        Assert.Equal(ev["firstTimestamp"]!.GetValue<string>(), v1.Str("deprecatedFirstTimestamp"));
        Assert.Null(v1.Node("series"));
        Assert.Equal(pod, v1.Str("regarding.name"));

        // kubectl get events -o wide: COUNT and NAME columns; kubectl events: "LAST (xN over FIRST)".
        var wide = await _kubectl.Run("get", "events", "-n", ns, "-o", "wide");
        Assert.True(wide.Exit == 0, wide.ToString());
        var row = Assert.Single(wide.Out.Split('\n'), l => l.Contains("Failed to pull image", StringComparison.Ordinal));
        var cells = Regex.Split(row.Trim(), @"\s{2,}");
        Assert.Equal(name, cells[^1]);
        Assert.True(long.Parse(cells[^2], System.Globalization.CultureInfo.InvariantCulture) >= count, row);
        var kevents = await _kubectl.Run("events", "-n", ns, "--for", $"pod/{pod}");
        Assert.True(kevents.Exit == 0, kevents.ToString());
        // kubectl ages Events by its own clock; this fixture's runs 20 times as fast, so the Events' times are ahead of it.
        var m = Regex.Match(kevents.Out, @"\(x(\d+) over (?:\d+s|<invalid>)\)\s+Warning\s+Failed\s+Pod/" + Regex.Escape(pod) + @"\s+Failed to pull image");
        Assert.True(m.Success, kevents.Out);
        Assert.True(long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= count, kevents.Out);
        var ek = await _kubectl.Run("get", "events.v1.events.k8s.io", "-n", ns, "-o", "wide");
        Assert.True(ek.Exit == 0, ek.ToString());
        // A real server prints events.k8s.io Events with the core printer: the same row, COUNT and NAME last.
        var ekCells = Regex.Split(Assert.Single(ek.Out.Split('\n'), l => l.Contains(name, StringComparison.Ordinal)).Trim(), @"\s{2,}");
        Assert.Equal(name, ekCells[^1]);
        Assert.True(long.Parse(ekCells[^2], System.Globalization.CultureInfo.InvariantCulture) >= count, ek.Out);
    }

    [Fact]
    public async Task TheTenthSimilarEventIsCombined()
    {
        var ns = await _h.Ns("evsim");
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("many", "nginx:1.27", 10))).Code);
        var events = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"),
            r => Items(r).Count(e => e!["reason"]!.GetValue<string>() == "SuccessfulCreate") == 10, "ten create events");
        var creates = Items(events).Where(e => e!["reason"]!.GetValue<string>() == "SuccessfulCreate").Select(e => e!["message"]!.GetValue<string>()).ToList();
        Assert.Equal(9, creates.Count(m => m.StartsWith("Created pod: many-", StringComparison.Ordinal)));
        Assert.Single(creates, m => m.StartsWith("(combined from similar events): Created pod: many-", StringComparison.Ordinal));
        var wide = await _kubectl.Run("get", "events", "-n", ns);
        Assert.True(wide.Exit == 0, wide.ToString());
        Assert.Contains("(combined from similar events): Created pod: many-", wide.Out);
    }
}
