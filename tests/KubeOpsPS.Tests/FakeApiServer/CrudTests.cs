using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Objects, CRUD and errors: M-1..M-13, E-1.</summary>
public sealed partial class CrudTests(FakeClusterFixture f) : IClassFixture<FakeClusterFixture>
{
    private readonly HttpClient _h = f.Http;

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")] private static partial Regex Rfc3339();

    [Fact]
    public async Task CreateFillsServerMetadata()
    {
        var ns = await _h.Ns();
        var r = await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web"), ua: "kubernetes-csharp/21.0.8+75f253d651");
        Assert.Equal(201, r.Code);
        Assert.True(Guid.TryParse(r.Str("metadata.uid"), out _));
        Assert.True(long.TryParse(r.Rv, out _));
        Assert.Matches(Rfc3339(), r.Str("metadata.creationTimestamp"));
        Assert.Equal(ns, r.Str("metadata.namespace"));
        Assert.Equal(1, r.Node("metadata.generation")!.GetValue<long>());
        Assert.Null(r.Node("metadata.selfLink"));
        Assert.Equal("Deployment", r.Str("kind"));
        Assert.Equal("apps/v1", r.Str("apiVersion"));
        var mf = r.Node("metadata.managedFields.0")!;
        Assert.Equal("kubernetes-csharp", mf["manager"]!.GetValue<string>());
        Assert.Equal("Update", mf["operation"]!.GetValue<string>());
        Assert.Equal("FieldsV1", mf["fieldsType"]!.GetValue<string>());
        var cm = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("c"));
        Assert.Null(cm.Node("metadata.generation"));
        Assert.True(long.Parse(cm.Rv) > long.Parse(r.Rv), "one resourceVersion counter for every kind");
    }

    [Fact]
    public async Task GenerationBumpsOnSpecOrDeploymentAnnotationsOnly()
    {
        var ns = await _h.Ns();
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web"));
        var lab = await _h.Patch(path, J("""{"metadata":{"labels":{"x":"y"}}}"""), "application/merge-patch+json");
        Assert.Equal(1, lab.Node("metadata.generation")!.GetValue<long>());
        var ann = await _h.Patch(path, J("""{"metadata":{"annotations":{"x":"y"}}}"""), "application/merge-patch+json");
        Assert.Equal(2, ann.Node("metadata.generation")!.GetValue<long>());
        var spec = await _h.Patch(path, J("""{"spec":{"replicas":3}}"""), "application/merge-patch+json");
        Assert.Equal(3, spec.Node("metadata.generation")!.GetValue<long>());
        var st = await _h.Patch(path + "/status", J("""{"status":{"replicas":7}}"""), "application/merge-patch+json");
        Assert.Equal(3, st.Node("metadata.generation")!.GetValue<long>());

        // Other kinds: annotations do not bump, spec does.
        var ing = J("""{"metadata":{"name":"i"},"spec":{"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}""");
        var ipath = $"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses/i";
        Assert.Equal(201, (await _h.Post($"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses", ing)).Code);
        Assert.Equal(1, (await _h.Patch(ipath, J("""{"metadata":{"annotations":{"x":"y"}}}"""), "application/merge-patch+json")).Node("metadata.generation")!.GetValue<long>());
        Assert.Equal(2, (await _h.Patch(ipath, J("""{"spec":{"rules":[{"host":"b.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}"""), "application/merge-patch+json")).Node("metadata.generation")!.GetValue<long>());

        // Deletion with a finalizer: +1 when deletionTimestamp is set.
        await _h.Patch(ipath, J("""{"metadata":{"finalizers":["example.com/hold"]}}"""), "application/merge-patch+json");
        var del = await _h.Delete(ipath);
        Assert.Equal(200, del.Code);
        Assert.NotNull(del.Node("metadata.deletionTimestamp"));
        Assert.Equal(3, del.Node("metadata.generation")!.GetValue<long>());
    }

    [Fact]
    public async Task StatusBelongsToTheStatusSubresource()
    {
        var ns = await _h.Ns();
        var body = Deployment("web");
        body["status"] = J("""{"replicas":9}""");
        var created = await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", body);
        Assert.Null(created.Node("status.replicas"));
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        // Status through /status: spec and labels are kept.
        var cur = (await _h.Get(path)).Obj;
        cur["status"] = J("""{"replicas":42,"observedGeneration":77}""");
        cur["spec"]!["replicas"] = 5;
        cur["metadata"]!["labels"]!["sneaky"] = "yes";
        cur["metadata"]!.AsObject().Remove("resourceVersion");
        var st = await _h.Put(path + "/status", cur);
        Assert.Equal(200, st.Code);
        Assert.Equal(42, st.Node("status.replicas")!.GetValue<int>());
        Assert.Equal(2, st.Node("spec.replicas")!.GetValue<int>());
        Assert.Null(st.Node("metadata.labels.sneaky"));
        // PUT on the main resource keeps the old status.
        var main = (await _h.Get(path)).Obj;
        var mainStatusReplicas = main["status"]?["replicas"]?.GetValue<int>();
        main["status"] = J("""{"replicas":1234}""");
        main["spec"]!["replicas"] = 4;
        var put = await _h.Put(path, main);
        Assert.Equal(4, put.Node("spec.replicas")!.GetValue<int>());
        Assert.NotEqual(1234, put.Node("status.replicas")?.GetValue<int>());
        Assert.Equal(mainStatusReplicas, put.Node("status.replicas")?.GetValue<int>());
        Assert.Contains(put.Node("metadata.managedFields")!.AsArray(), e => e!["subresource"]?.GetValue<string>() == "status");
    }

    [Fact]
    public async Task GenerateNameAddsFiveCharactersAndANameIsRequired()
    {
        var ns = await _h.Ns();
        var r = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", J("""{"metadata":{"generateName":"gen-"},"data":{}}"""));
        Assert.Equal(201, r.Code);
        Assert.Matches("^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$", r.Str("metadata.name"));
        var none = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", J("""{"metadata":{},"data":{}}"""));
        IsStatus(none, 422, "Invalid", "metadata.name: Required value: name or generateName is required");
    }

    [Fact]
    public async Task DefaultsAreFilledOnEveryWrite()
    {
        var ns = await _h.Ns();
        var d = await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", J("""
            {"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},
             "spec":{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80}]},{"name":"e","image":"nginx:1.2"}]}}}}
            """));
        Assert.Equal(1, d.Node("spec.replicas")!.GetValue<int>());
        Assert.Equal("RollingUpdate", d.Str("spec.strategy.type"));
        Assert.Equal("25%", d.Str("spec.strategy.rollingUpdate.maxSurge"));
        Assert.Equal("25%", d.Str("spec.strategy.rollingUpdate.maxUnavailable"));
        Assert.Equal(10, d.Node("spec.revisionHistoryLimit")!.GetValue<int>());
        Assert.Equal(600, d.Node("spec.progressDeadlineSeconds")!.GetValue<int>());
        var ps = "spec.template.spec.";
        Assert.Equal("Always", d.Str(ps + "restartPolicy"));
        Assert.Equal(30, d.Node(ps + "terminationGracePeriodSeconds")!.GetValue<int>());
        Assert.Equal("ClusterFirst", d.Str(ps + "dnsPolicy"));
        Assert.Equal("default-scheduler", d.Str(ps + "schedulerName"));
        Assert.Equal("{}", d.Node(ps + "securityContext")!.ToJsonString());
        Assert.Equal("/dev/termination-log", d.Str(ps + "containers.0.terminationMessagePath"));
        Assert.Equal("File", d.Str(ps + "containers.0.terminationMessagePolicy"));
        Assert.Equal("Always", d.Str(ps + "containers.0.imagePullPolicy"));
        Assert.Equal("IfNotPresent", d.Str(ps + "containers.1.imagePullPolicy"));
        Assert.Equal("TCP", d.Str(ps + "containers.0.ports.0.protocol"));

        var sts = await _h.Post($"/apis/apps/v1/namespaces/{ns}/statefulsets", J("""
            {"metadata":{"name":"s"},"spec":{"serviceName":"s","selector":{"matchLabels":{"a":"s"}},"template":{"metadata":{"labels":{"a":"s"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}}
            """));
        Assert.Equal("OrderedReady", sts.Str("spec.podManagementPolicy"));
        Assert.Equal("RollingUpdate", sts.Str("spec.updateStrategy.type"));
        Assert.Equal(0, sts.Node("spec.updateStrategy.rollingUpdate.partition")!.GetValue<int>());
        Assert.Equal("Retain", sts.Str("spec.persistentVolumeClaimRetentionPolicy.whenDeleted"));
        var sts2 = await _h.Post($"/apis/apps/v1/namespaces/{ns}/statefulsets", J("""
            {"metadata":{"name":"s2"},"spec":{"serviceName":"s","updateStrategy":{"type":"RollingUpdate"},"selector":{"matchLabels":{"a":"s"}},"template":{"metadata":{"labels":{"a":"s"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}}
            """));
        Assert.Null(sts2.Node("spec.updateStrategy.rollingUpdate"));

        var ds = await _h.Post($"/apis/apps/v1/namespaces/{ns}/daemonsets", J("""
            {"metadata":{"name":"ds"},"spec":{"selector":{"matchLabels":{"a":"d"}},"template":{"metadata":{"labels":{"a":"d"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}}
            """));
        Assert.Equal(1, ds.Node("spec.updateStrategy.rollingUpdate.maxUnavailable")!.GetValue<int>());
        Assert.Equal(0, ds.Node("spec.updateStrategy.rollingUpdate.maxSurge")!.GetValue<int>());

        var svc = await _h.Post($"/api/v1/namespaces/{ns}/services", J("""{"metadata":{"name":"svc"},"spec":{"ports":[{"port":80}]}}"""));
        Assert.Equal("ClusterIP", svc.Str("spec.type"));
        Assert.Equal("None", svc.Str("spec.sessionAffinity"));
        Assert.Equal("TCP", svc.Str("spec.ports.0.protocol"));
        Assert.Equal(80, svc.Node("spec.ports.0.targetPort")!.GetValue<int>());
        Assert.True(System.Net.IPAddress.TryParse(svc.Str("spec.clusterIP"), out _), svc.Text);
        Assert.Equal(svc.Str("spec.clusterIP"), svc.Str("spec.clusterIPs.0"));
        Assert.Equal("IPv4", svc.Str("spec.ipFamilies.0"));
        Assert.Equal("SingleStack", svc.Str("spec.ipFamilyPolicy"));
        Assert.Equal("Cluster", svc.Str("spec.internalTrafficPolicy"));
        var np = await _h.Post($"/api/v1/namespaces/{ns}/services", J("""{"metadata":{"name":"np"},"spec":{"type":"NodePort","ports":[{"port":80}]}}"""));
        Assert.InRange(np.Node("spec.ports.0.nodePort")!.GetValue<int>(), 30000, 32767);
        Assert.Equal("Cluster", np.Str("spec.externalTrafficPolicy"));

        var sec = await _h.Post($"/api/v1/namespaces/{ns}/secrets", J("""{"metadata":{"name":"sec"},"stringData":{"a":"hello"}}"""));
        Assert.Equal("Opaque", sec.Str("type"));
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("hello")), sec.Str("data.a"));
        Assert.Null(sec.Node("stringData"));

        var n = await _h.Get($"/api/v1/namespaces/{ns}");
        Assert.Equal("kubernetes", n.Str("spec.finalizers.0"));
        Assert.Equal("Active", n.Str("status.phase"));
        Assert.Equal(ns, n.Node("metadata.labels")!["kubernetes.io/metadata.name"]!.GetValue<string>());
    }

    [Fact]
    public async Task QuantitiesComeBackCanonical()
    {
        var ns = await _h.Ns();
        var d = Deployment("q");
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = J("""{"requests":{"cpu":"0.5","memory":"1024Mi"},"limits":{"cpu":"1000m","memory":"2048Mi"}}""");
        d["spec"]!["strategy"] = J("""{"rollingUpdate":{"maxSurge":1,"maxUnavailable":"50%"}}""");
        var r = await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", d);
        var res = "spec.template.spec.containers.0.resources.";
        Assert.Equal("500m", r.Str(res + "requests.cpu"));
        Assert.Equal("1Gi", r.Str(res + "requests.memory"));
        Assert.Equal("1", r.Str(res + "limits.cpu"));
        Assert.Equal("2Gi", r.Str(res + "limits.memory"));
        Assert.Equal(1, r.Node("spec.strategy.rollingUpdate.maxSurge")!.GetValue<int>());
        Assert.Equal("50%", r.Str("spec.strategy.rollingUpdate.maxUnavailable"));
    }

    [Fact]
    public async Task GetAndNotFoundNameThePluralResource()
    {
        var ns = await _h.Ns();
        IsStatus(await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web"), 404, "NotFound");
        var r = await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal("deployments.apps \"web\" not found", r.Str("message"));
        Assert.Equal("web", r.Str("details.name"));
        Assert.Equal("apps", r.Str("details.group"));
        Assert.Equal("deployments", r.Str("details.kind"));
        var c = await _h.Get($"/api/v1/namespaces/{ns}/configmaps/x");
        Assert.Equal("configmaps \"x\" not found", c.Str("message"));
        Assert.Null(c.Node("details.group"));
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("x"));
        var got = await _h.Get($"/api/v1/namespaces/{ns}/configmaps/x");
        Assert.Equal("ConfigMap", got.Str("kind"));
        Assert.Equal("v1", got.Str("apiVersion"));
    }

    [Fact]
    public async Task ListItemsCarryNoKindAndMissingNamespacesListEmpty()
    {
        var ns = await _h.Ns();
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("a"));
        var l = await _h.Get($"/api/v1/namespaces/{ns}/configmaps?watch=false");
        Assert.Equal("ConfigMapList", l.Str("kind"));
        Assert.Equal("v1", l.Str("apiVersion"));
        Assert.True(long.TryParse(l.Str("metadata.resourceVersion"), out _));
        var item = l.Node("items.0")!.AsObject();
        Assert.False(item.ContainsKey("kind"));
        Assert.False(item.ContainsKey("apiVersion"));
        var empty = await _h.Get("/apis/apps/v1/namespaces/does-not-exist/deployments");
        Assert.Equal(200, empty.Code);
        Assert.Empty(empty.Node("items")!.AsArray());
    }

    [Fact]
    public async Task SelectorsFilterLists()
    {
        var ns = await _h.Ns();
        foreach (var (n, env, tier) in new[] { ("a", "prod", "web"), ("b", "dev", "web"), ("c", "prod", "db"), ("d", "", "") })
        {
            var cm = ConfigMap(n);
            if (env.Length > 0) cm["metadata"]!["labels"] = new JsonObject { ["env"] = env, ["tier"] = tier };
            await _h.Post($"/api/v1/namespaces/{ns}/configmaps", cm);
        }
        // The namespace's own kube-root-ca.crt (unlabelled) is left aside; the first != check shows it is listed.
        async Task<string> Names(string q) => string.Join(',', (await _h.Get($"/api/v1/namespaces/{ns}/configmaps?{q}")).Node("items")!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Where(n => n != "kube-root-ca.crt"));
        Assert.Equal("a,c", await Names("labelSelector=" + Uri.EscapeDataString("env=prod")));
        Assert.Equal("a,c", await Names("labelSelector=" + Uri.EscapeDataString("env==prod")));
        Assert.Contains("kube-root-ca.crt", (await _h.Get($"/api/v1/namespaces/{ns}/configmaps?labelSelector=" + Uri.EscapeDataString("env!=prod"))).Text);
        Assert.Equal("b,d", await Names("labelSelector=" + Uri.EscapeDataString("env!=prod")));
        Assert.Equal("a,b", await Names("labelSelector=" + Uri.EscapeDataString("tier in (web, x)")));
        Assert.Equal("c,d", await Names("labelSelector=" + Uri.EscapeDataString("tier notin (web)")));
        Assert.Equal("a,b,c", await Names("labelSelector=env"));
        Assert.Equal("d", await Names("labelSelector=" + Uri.EscapeDataString("!env")));
        Assert.Equal("a", await Names("labelSelector=" + Uri.EscapeDataString("env=prod,tier=web")));
        Assert.Equal("b", await Names("fieldSelector=" + Uri.EscapeDataString("metadata.name=b")));
        Assert.Equal("a,c,d", await Names("fieldSelector=" + Uri.EscapeDataString("metadata.name!=b")));
        IsStatus(await _h.Get($"/api/v1/namespaces/{ns}/configmaps?labelSelector=" + Uri.EscapeDataString("env in prod")), 400, "BadRequest");
        IsStatus(await _h.Get($"/api/v1/namespaces/{ns}/configmaps?fieldSelector=" + Uri.EscapeDataString("data.k=v")), 400, "BadRequest", "field label not supported: data.k");
    }

    [Fact]
    public async Task LimitAndContinuePageWithTheFirstListVersion()
    {
        var ns = await _h.Ns();
        for (var i = 0; i < 5; i++) await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap($"c{i}"));
        var p1 = await _h.Get($"/api/v1/namespaces/{ns}/configmaps?limit=2");
        Assert.Equal(2, p1.Node("items")!.AsArray().Count);
        var token = p1.Str("metadata.continue")!;
        var rv = p1.Str("metadata.resourceVersion");
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("zz"));
        var p2 = await _h.Get($"/api/v1/namespaces/{ns}/configmaps?limit=2&continue={Uri.EscapeDataString(token)}");
        Assert.Equal(rv, p2.Str("metadata.resourceVersion"));
        var p3 = await _h.Get($"/api/v1/namespaces/{ns}/configmaps?limit=2&continue={Uri.EscapeDataString(p2.Str("metadata.continue")!)}");
        var names = new[] { p1, p2, p3 }.SelectMany(p => p.Node("items")!.AsArray()).Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["c0", "c1", "c2", "c3", "c4", "kube-root-ca.crt"], names);
        Assert.Null(p3.Node("metadata.continue"));
        IsStatus(await _h.Get($"/api/v1/namespaces/{ns}/configmaps?limit=2&continue=bm9wZQ"), 410, "Expired");
    }

    [Fact]
    public async Task PostErrors()
    {
        var ns = await _h.Ns();
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web"));
        var dup = await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web"));
        IsStatus(dup, 409, "AlreadyExists", "deployments.apps \"web\" already exists");
        Assert.Equal("deployments", dup.Str("details.kind"));
        var other = ConfigMap("x"); other["metadata"]!["namespace"] = "elsewhere";
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/configmaps", other), 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
        var withRv = ConfigMap("y"); withRv["metadata"]!["resourceVersion"] = "5";
        var rvr = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", withRv);
        Assert.True(rvr.Code is 400 or 422, rvr.Text);
        Assert.Contains("resourceVersion should not be set on objects to be created", rvr.Str("message"));
        var missing = await _h.Post("/api/v1/namespaces/nope-ns/configmaps", ConfigMap("z"));
        IsStatus(missing, 404, "NotFound", "namespaces \"nope-ns\" not found");
        Assert.Equal("namespaces", missing.Str("details.kind"));
        Assert.Equal("nope-ns", missing.Str("details.name"));
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/configmaps/x", ConfigMap("x")), 405, "MethodNotAllowed");
        IsStatus(await _h.Send("POST", $"/api/v1/namespaces/{ns}/configmaps", "{not json"), 400, "BadRequest");
    }

    [Fact]
    public async Task TerminatingNamespacesRefuseNewContent()
    {
        var ns = await _h.Ns();
        var cm = ConfigMap("held"); cm["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", cm);
        var del = await _h.Delete($"/api/v1/namespaces/{ns}");
        Assert.Equal(200, del.Code);
        Assert.Equal("Namespace", del.Str("kind"));
        Assert.Equal("Terminating", del.Str("status.phase"));
        var r = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("new"));
        IsStatus(r, 403, "Forbidden", $"because it is being terminated");
        Assert.Equal("NamespaceTerminating", r.Str("details.causes.0.reason"));
        // Contents are deleted; the namespace goes once the finalizer is removed.
        await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/held", J("""{"metadata":{"finalizers":null}}"""), "application/merge-patch+json");
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}"), r => r.Code == 404, "namespace gone");
    }

    [Fact]
    public async Task PutRules()
    {
        var ns = await _h.Ns();
        var path = $"/api/v1/namespaces/{ns}/configmaps/c";
        IsStatus(await _h.Put(path, ConfigMap("c")), 404, "NotFound");
        var created = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("c"));
        IsStatus(await _h.Put(path, ConfigMap("d")), 400, "BadRequest", "the name of the object (d) does not match the name on the URL (c)");
        var unconditional = await _h.Put(path, ConfigMap("c", value: "v2"));
        Assert.Equal(200, unconditional.Code);
        var stale = ConfigMap("c", value: "v3"); stale["metadata"]!["resourceVersion"] = created.Rv;
        IsStatus(await _h.Put(path, stale), 409, "Conflict", "Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again");
        var same = ConfigMap("c", value: "v2"); same["metadata"]!["resourceVersion"] = unconditional.Rv;
        var noop = await _h.Put(path, same);
        Assert.Equal(unconditional.Rv, noop.Rv);
        Assert.Equal(1, f.Cluster.WritesFor("configmaps", ns, "c") - 1);
    }

    [Fact]
    public async Task DeleteAnswersPerKindAndHonoursPreconditions()
    {
        var ns = await _h.Ns();
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("c"));
        var bad = await _h.Delete($"/api/v1/namespaces/{ns}/configmaps/c", J("""{"preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}"""));
        IsStatus(bad, 409, "Conflict");
        var st = await _h.Delete($"/api/v1/namespaces/{ns}/configmaps/c", J("""{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}"""));
        Assert.Equal(200, st.Code);
        Assert.Equal("Status", st.Str("kind"));
        Assert.Equal("Success", st.Str("status"));
        Assert.Equal("configmaps", st.Str("details.kind"));
        Assert.Equal("c", st.Str("details.name"));
        Assert.NotNull(st.Str("details.uid"));
        IsStatus(await _h.Delete($"/api/v1/namespaces/{ns}/configmaps/c"), 404, "NotFound");

        await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d", replicas: 0));
        var dd = await _h.Delete($"/apis/apps/v1/namespaces/{ns}/deployments/d?propagationPolicy=Foreground&gracePeriodSeconds=0");
        Assert.True(dd.Str("kind") is "Status" or "Deployment", dd.Text);

        await _h.Post($"/api/v1/namespaces/{ns}/services", J("""{"metadata":{"name":"s"},"spec":{"ports":[{"port":80}]}}"""));
        var sd = await _h.Delete($"/api/v1/namespaces/{ns}/services/s");
        Assert.Equal("Service", sd.Str("kind"));
        Assert.Equal("s", sd.Str("metadata.name"));
    }

    [Fact]
    public async Task FinalizersDelayDeletionUntilRemoved()
    {
        var ns = await _h.Ns();
        var cm = ConfigMap("f"); cm["metadata"]!["finalizers"] = new JsonArray("example.com/x");
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", cm);
        var path = $"/api/v1/namespaces/{ns}/configmaps/f";
        var del = await _h.Delete(path);
        Assert.Equal(200, del.Code);
        Assert.Equal("ConfigMap", del.Str("kind"));
        Assert.NotNull(del.Node("metadata.deletionTimestamp"));
        Assert.Equal(0, del.Node("metadata.deletionGracePeriodSeconds")!.GetValue<int>());
        Assert.Equal(200, (await _h.Get(path)).Code);
        var rm = await _h.Patch(path, J("""{"metadata":{"finalizers":null}}"""), "application/merge-patch+json");
        Assert.Equal(200, rm.Code);
        Assert.Equal(404, (await _h.Get(path)).Code);
    }

    [Fact]
    public async Task DryRunStoresNothing()
    {
        var ns = await _h.Ns();
        var before = (await _h.Get($"/api/v1/namespaces/{ns}/configmaps")).Str("metadata.resourceVersion");
        var r = await _h.Post($"/api/v1/namespaces/{ns}/configmaps?dryRun=All", ConfigMap("dry"));
        Assert.Equal(201, r.Code);
        Assert.Equal(404, (await _h.Get($"/api/v1/namespaces/{ns}/configmaps/dry")).Code);
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/configmaps?dryRun=All", ConfigMap("BAD")), 422, "Invalid");
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/configmaps?dryRun=Yes", ConfigMap("dry")), 422, "Invalid", "dryRun");
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("real"));
        var rv = (await _h.Get($"/api/v1/namespaces/{ns}/configmaps/real")).Rv;
        var put = await _h.Put($"/api/v1/namespaces/{ns}/configmaps/real?dryRun=All", ConfigMap("real", value: "changed"));
        Assert.Equal("changed", put.Str("data.k"));
        var patch = await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/real?dryRun=All", J("""{"data":{"k":"p"}}"""), "application/merge-patch+json");
        Assert.Equal("p", patch.Str("data.k"));
        var del = await _h.Delete($"/api/v1/namespaces/{ns}/configmaps/real?dryRun=All");
        Assert.Equal(200, del.Code);
        var after = await _h.Get($"/api/v1/namespaces/{ns}/configmaps/real");
        Assert.Equal("v", after.Str("data.k"));
        Assert.Equal(rv, after.Rv);
        Assert.Equal(1, f.Cluster.WritesFor("configmaps", ns, "real"));
        Assert.NotNull(before);
    }

    [Fact]
    public async Task GarbageCollectionRemovesDependentsOfDeletedOwners()
    {
        var ns = await _h.Ns();
        var owner = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("owner"));
        var dep = ConfigMap("dep");
        dep["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "owner", ["uid"] = owner.Str("metadata.uid") });
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", dep);
        var orphan = ConfigMap("orphan");
        orphan["metadata"]!["ownerReferences"] = dep["metadata"]!["ownerReferences"]!.DeepClone();
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", orphan);
        await _h.Delete($"/api/v1/namespaces/{ns}/configmaps/owner");
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/configmaps/dep"), r => r.Code == 404, "dependent collected");
    }

    [Fact]
    public async Task OrphanAndForegroundPropagation()
    {
        var ns = await _h.Ns();
        async Task<(string Uid, JsonArray Refs)> Pair(string name)
        {
            var owner = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap(name));
            var refs = new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = name, ["uid"] = owner.Str("metadata.uid"), ["blockOwnerDeletion"] = true });
            var dep = ConfigMap(name + "-dep"); dep["metadata"]!["ownerReferences"] = refs.DeepClone();
            await _h.Post($"/api/v1/namespaces/{ns}/configmaps", dep);
            return (owner.Str("metadata.uid")!, refs);
        }
        await Pair("o");
        var o = await _h.Delete($"/api/v1/namespaces/{ns}/configmaps/o", J("""{"propagationPolicy":"Orphan"}"""));
        Assert.Equal(200, o.Code);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/configmaps/o"), r => r.Code == 404, "owner gone");
        var kept = await _h.Get($"/api/v1/namespaces/{ns}/configmaps/o-dep");
        Assert.Equal(200, kept.Code);
        Assert.Null(kept.Node("metadata.ownerReferences"));

        await Pair("fg");
        var fg = await _h.Delete($"/api/v1/namespaces/{ns}/configmaps/fg", J("""{"propagationPolicy":"Foreground"}"""));
        Assert.Equal(200, fg.Code);
        Assert.Equal("ConfigMap", fg.Str("kind"));
        Assert.Contains("foregroundDeletion", fg.Node("metadata.finalizers")!.AsArray().Select(x => x!.GetValue<string>()));
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/configmaps/fg"), r => r.Code == 404, "foreground owner gone");
        Assert.Equal(404, (await _h.Get($"/api/v1/namespaces/{ns}/configmaps/fg-dep")).Code);
    }
}
