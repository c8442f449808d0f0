using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The everyday v1.32 API surface beyond the contract's tables, with the real kubectl as the client where it reaches.</summary>
public sealed class SurfaceTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public SurfaceTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    [Fact]
    public async Task ApiResourcesListsTheKindsOfAV132Cluster()
    {
        var r = await _kubectl.Run("api-resources");
        Assert.True(r.Exit == 0, r.ToString());
        var rows = r.Out.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(c => c.Length >= 4).ToList();
        bool Has(string name, string apiVersion, string kind) => rows.Any(c => c[0] == name && c.Contains(apiVersion) && c[^1] == kind);
        Assert.True(Has("resourcequotas", "v1", "ResourceQuota"), r.Out);
        Assert.True(Has("limitranges", "v1", "LimitRange"), r.Out);
        Assert.True(Has("replicationcontrollers", "v1", "ReplicationController"), r.Out);
        Assert.True(Has("podtemplates", "v1", "PodTemplate"), r.Out);
        Assert.True(Has("horizontalpodautoscalers", "autoscaling/v2", "HorizontalPodAutoscaler"), r.Out);
        Assert.True(Has("priorityclasses", "scheduling.k8s.io/v1", "PriorityClass"), r.Out);
        Assert.True(Has("leases", "coordination.k8s.io/v1", "Lease"), r.Out);
        Assert.True(Has("endpointslices", "discovery.k8s.io/v1", "EndpointSlice"), r.Out);
        Assert.True(Has("events", "events.k8s.io/v1", "Event"), r.Out);
        Assert.True(Has("certificatesigningrequests", "certificates.k8s.io/v1", "CertificateSigningRequest"), r.Out);
        Assert.True(Has("validatingwebhookconfigurations", "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"), r.Out);
        Assert.True(Has("runtimeclasses", "node.k8s.io/v1", "RuntimeClass"), r.Out);
        Assert.True(Has("flowschemas", "flowcontrol.apiserver.k8s.io/v1", "FlowSchema"), r.Out);
        Assert.DoesNotContain("couldn't get resource list", r.Err);
        var get = await _kubectl.Run("get", "quota,limits,rc,podtemplates,hpa,leases,endpointslices,events.events.k8s.io", "-A");
        Assert.True(get.Exit == 0, get.ToString());
    }

    [Fact]
    public async Task TheNewKindsAreAppliedWithTheirDefaults()
    {
        var ns = await _h.Ns("s");
        var yaml = $"""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {"{"}name: web, namespace: {ns}{"}"}
            spec:
              scaleTargetRef: {"{"}apiVersion: apps/v1, kind: Deployment, name: web{"}"}
              maxReplicas: 5
            ---
            apiVersion: v1
            kind: ReplicationController
            metadata: {"{"}name: old, namespace: {ns}{"}"}
            spec:
              replicas: 2
              template:
                metadata: {"{"}labels: {"{"}app: old{"}"}{"}"}
                spec: {"{"}containers: [{"{"}name: c, image: "nginx:1.27"{"}"}]{"}"}
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {"{"}name: q, namespace: {ns}{"}"}
            spec: {"{"}hard: {"{"}pods: "10", requests.cpu: "2"{"}"}{"}"}
            ---
            apiVersion: v1
            kind: LimitRange
            metadata: {"{"}name: l, namespace: {ns}{"}"}
            spec: {"{"}limits: [{"{"}type: Container, default: {"{"}cpu: 500m{"}"}{"}"}]{"}"}
            ---
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata: {"{"}name: lock, namespace: {ns}{"}"}
            spec: {"{"}holderIdentity: me, leaseDurationSeconds: 15{"}"}
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {"{"}name: {ns}-high{"}"}
            value: 1000
            """;
        var r = await _kubectl.In(yaml, "apply", "--server-side", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        Assert.Contains("horizontalpodautoscaler.autoscaling/web serverside-applied", r.Out);
        var hpa = await _h.Get($"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers/web");
        Assert.Equal(1, hpa.Node("spec.minReplicas")!.GetValue<int>());
        Assert.Equal(80, hpa.Node("spec.metrics.0.resource.target.averageUtilization")!.GetValue<int>());
        var pc = await _h.Get($"/apis/scheduling.k8s.io/v1/priorityclasses/{ns}-high");
        Assert.Equal("PreemptLowerPriority", pc.Str("preemptionPolicy"));
        var rc = await _h.Get($"/api/v1/namespaces/{ns}/replicationcontrollers/old");
        Assert.Equal("old", rc.Str("spec.selector.app"));
        Assert.Equal("old", rc.Str("metadata.labels.app"));
        // The replication manager runs the controller's pods like a ReplicaSet's.
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/replicationcontrollers/old"), x => x.Node("status.readyReplicas")?.GetValue<int>() == 2, "rc ready");
        var get = await _kubectl.Run("get", "hpa,rc,quota,limits,leases", "-n", ns, "-o", "name");
        Assert.True(get.Exit == 0, get.ToString());
        foreach (var n in new[] { "horizontalpodautoscaler.autoscaling/web", "replicationcontroller/old", "resourcequota/q", "limitrange/l", "lease.coordination.k8s.io/lock" })
            Assert.Contains(n, get.Out);
        // Applying the same again changes nothing.
        var again = await _kubectl.In(yaml, "apply", "--server-side", "-f", "-");
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Equal(hpa.Rv, (await _h.Get($"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers/web")).Rv);
    }

    [Fact]
    public async Task TheNewKindsAreValidatedAsARealServerDoes()
    {
        var ns = await _h.Ns("s");
        var hpa = J("""{"metadata":{"name":"h"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"minReplicas":3,"maxReplicas":2}}""");
        var bad = await _h.Post($"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers", hpa);
        IsStatus(bad, 422, "Invalid", "HorizontalPodAutoscaler.autoscaling \"h\" is invalid: spec.minReplicas: Invalid value: 3: must be less than or equal to maxReplicas");
        var pc = await _h.Post("/apis/scheduling.k8s.io/v1/priorityclasses", J("""{"metadata":{"name":"system-mine"},"value":5}"""));
        IsStatus(pc, 422, "Invalid", "priority class names with 'system-' prefix are reserved");
        var slice = await _h.Post($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", J("""{"metadata":{"name":"s"},"addressType":"IPv5","endpoints":[]}"""));
        IsStatus(slice, 422, "Invalid", "addressType: Unsupported value: \"IPv5\"");
        var rc = await _h.Post($"/api/v1/namespaces/{ns}/replicationcontrollers", J("""{"metadata":{"name":"r"},"spec":{"selector":{"app":"a"},"template":{"metadata":{"labels":{"app":"b"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}"""));
        IsStatus(rc, 422, "Invalid", "`selector` does not match template `labels`");
    }

    [Fact]
    public async Task EventsK8sIoEventsAreTheCoreEventsInAnotherShape()
    {
        var ns = await _h.Ns("s");
        var ev = J($$$"""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e1"},"eventTime":"2026-12-01T10:00:00.000000Z",
             "reportingController":"example.com/ctl","reportingInstance":"ctl-1","action":"Sync","reason":"Synced","type":"Normal",
             "note":"all good","regarding":{"kind":"Pod","namespace":"{{{ns}}}","name":"p"}}
            """);
        var created = await _h.Post($"/apis/events.k8s.io/v1/namespaces/{ns}/events", ev);
        Assert.Equal(201, created.Code);
        Assert.Equal("events.k8s.io/v1", created.Str("apiVersion"));
        Assert.Equal("all good", created.Str("note"));
        var core = await _h.Get($"/api/v1/namespaces/{ns}/events/e1");
        Assert.Equal("all good", core.Str("message"));
        Assert.Equal("p", core.Str("involvedObject.name"));
        Assert.Equal("example.com/ctl", core.Str("reportingComponent"));
        Assert.Null(core.Node("note"));
        // A core Event is listed through events.k8s.io with the new field names.
        var coreEv = J($$$"""{"metadata":{"name":"e2"},"involvedObject":{"kind":"Pod","namespace":"{{{ns}}}","name":"q"},"reason":"Pulled","message":"pulled it","type":"Normal","count":3}""");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/events", coreEv)).Code);
        var list = await _kubectl.Run("get", "events.events.k8s.io", "-n", ns, "-o", "json");
        Assert.True(list.Exit == 0, list.ToString());
        var items = JsonNode.Parse(list.Out)!["items"]!.AsArray();
        var e2 = items.Single(i => i!["metadata"]!["name"]!.GetValue<string>() == "e2")!;
        Assert.Equal("pulled it", e2["note"]!.GetValue<string>());
        Assert.Equal(3, e2["deprecatedCount"]!.GetValue<int>());
        Assert.Equal("q", e2["regarding"]!["name"]!.GetValue<string>());
        // events.k8s.io requires the reporting fields the core version leaves optional.
        ev["metadata"] = new JsonObject { ["name"] = "e3" };
        ev.Remove("reportingController");
        ev.Remove("action");
        var bad = await _h.Post($"/apis/events.k8s.io/v1/namespaces/{ns}/events", ev);
        IsStatus(bad, 422, "Invalid", "Event.events.k8s.io \"e3\" is invalid: [reportingController: Required value, action: Required value]");
    }

    [Fact]
    public async Task ApplyPruneWithTheDefaultAllowlistRemovesWhatLeftTheFiles()
    {
        var ns = await _h.Ns("s");
        string Cm(string name) => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app: x\ndata:\n  k: v\n";
        var both = await _kubectl.In(Cm("a") + "---\n" + Cm("b"), "apply", "-f", "-");
        Assert.True(both.Exit == 0, both.ToString());
        var pruned = await _kubectl.In(Cm("a"), "apply", "--prune", "-l", "app=x", "-n", ns, "-f", "-");
        Assert.True(pruned.Exit == 0, pruned.ToString());
        Assert.Contains("configmap/b pruned", pruned.Out);
        Assert.Equal(404, (await _h.Get($"/api/v1/namespaces/{ns}/configmaps/b")).Code);
        Assert.Equal(200, (await _h.Get($"/api/v1/namespaces/{ns}/configmaps/a")).Code);
        // kubectl lists every kind of its default allowlist, ReplicationControllers included.
        Assert.Contains(_f.Cluster.Requests, e => e.Path == $"/api/v1/namespaces/{ns}/replicationcontrollers" && e.Status == 200);
    }
}
