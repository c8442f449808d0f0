using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// autoscaling/v1 shows what only v2 has in the autoscaling.alpha.kubernetes.io annotations, as a v1.32 server does,
/// so that a v1 read then write (kubectl replace of a v1 object) keeps the v2 metrics and behavior.
/// </summary>
public sealed class HpaConversionTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public HpaConversionTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private static string Annotation(Reply r, string name) => r.Node("metadata.annotations")![$"autoscaling.alpha.kubernetes.io/{name}"]!.GetValue<string>();

    [Fact]
    public async Task TheV1ViewCarriesTheV2OnlyFieldsInAnnotationsAndARoundTripKeepsThem()
    {
        var ns = await _h.Ns("hpa");
        var v2 = $"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers";
        var created = await _h.Post(v2, J("""
            {"metadata":{"name":"web","annotations":{"team":"a"}},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5,
             "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}},
                        {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"200Mi"}}},
                        {"type":"Pods","pods":{"metric":{"name":"packets"},"target":{"type":"AverageValue","averageValue":"1k"}}}],
             "behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}}
            """));
        Assert.True(created.Code == 201, created.Text);
        var status = J("""
            {"metadata":{"name":"web"},"status":{"currentReplicas":1,"desiredReplicas":1,
             "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":30,"averageValue":"120m"}}}],
             "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-12-03T10:00:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"}]}}
            """);
        Assert.Equal(200, (await _h.Put($"{v2}/web/status", status)).Code);

        var v1 = await _h.Get($"/apis/autoscaling/v1/namespaces/{ns}/horizontalpodautoscalers/web");
        Assert.Equal(50, v1.Node("spec.targetCPUUtilizationPercentage")!.GetValue<int>());
        Assert.Null(v1.Node("spec.metrics"));
        Assert.Equal(30, v1.Node("status.currentCPUUtilizationPercentage")!.GetValue<int>());
        Assert.Equal("""[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"200Mi"}},{"type":"Pods","pods":{"metricName":"packets","targetAverageValue":"1k"}}]""", Annotation(v1, "metrics"));
        Assert.Equal("""{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}""", Annotation(v1, "behavior"));
        Assert.Equal("""[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":30,"currentAverageValue":"120m"}}]""", Annotation(v1, "current-metrics"));
        Assert.Equal("""[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-12-03T10:00:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"}]""", Annotation(v1, "conditions"));
        Assert.Equal("a", v1.Node("metadata.annotations")!["team"]!.GetValue<string>());
        // The v2 object has none of these annotations.
        var before = await _h.Get($"{v2}/web");
        Assert.Single(before.Node("metadata.annotations")!.AsObject());

        // kubectl reads the v1 object and writes it back whole.
        var json = await _kubectl.Run("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-n", ns, "-o", "json");
        Assert.True(json.Exit == 0, json.ToString());
        var replaced = await _kubectl.In(json.Out.Replace("\"maxReplicas\": 5", "\"maxReplicas\": 7", StringComparison.Ordinal), "replace", "-f", "-");
        Assert.True(replaced.Exit == 0, replaced.ToString());
        var after = await _h.Get($"{v2}/web");
        Assert.Equal(7, after.Node("spec.maxReplicas")!.GetValue<int>());
        // The other metrics come back first, the CPU target of the v1 field last.
        var metrics = after.Node("spec.metrics")!.AsArray();
        Assert.Equal(["memory", "packets", "cpu"], metrics.Select(m => m!["resource"]?["name"]?.GetValue<string>() ?? m!["pods"]!["metric"]!["name"]!.GetValue<string>()));
        Assert.Equal("200Mi", metrics[0]!["resource"]!["target"]!["averageValue"]!.GetValue<string>());
        Assert.Equal("AverageValue", metrics[1]!["pods"]!["target"]!["type"]!.GetValue<string>());
        Assert.Equal(60, after.Node("spec.behavior.scaleDown.stabilizationWindowSeconds")!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(before.Node("status"), after.Node("status")), after.Text);
        Assert.Single(after.Node("metadata.annotations")!.AsObject());

        // A v1 write without the annotations has only the v1 fields: the other metrics and the behavior go.
        var plain = (JsonObject)(await _h.Get($"/apis/autoscaling/v1/namespaces/{ns}/horizontalpodautoscalers/web")).Obj.DeepClone();
        plain["metadata"]!["annotations"] = new JsonObject { ["team"] = "a" };
        Assert.Equal(200, (await _h.Put($"/apis/autoscaling/v1/namespaces/{ns}/horizontalpodautoscalers/web", plain)).Code);
        var stripped = await _h.Get($"{v2}/web");
        Assert.Equal("cpu", stripped.Node("spec.metrics")!.AsArray().Single()!["resource"]!["name"]!.GetValue<string>());
        Assert.Null(stripped.Node("spec.behavior"));
    }
}
