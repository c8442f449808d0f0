using System.Text.Json.Nodes;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Transport and discovery: T-1..T-4, D-1..D-5, health endpoints, seed (M-14).</summary>
public sealed class DiscoveryTests(FakeClusterFixture f) : IClassFixture<FakeClusterFixture>
{
    private readonly HttpClient _h = f.Http;

    [Fact]
    public async Task VersionSaysMinor32AndJsonWhateverTheAcceptHeader()
    {
        var r = await _h.Send("GET", "/version?timeout=5s", accept: "application/vnd.kubernetes.protobuf, */*");
        Assert.Equal(200, r.Code);
        Assert.Equal("application/json", r.ContentType);
        Assert.Equal("1", r.Str("major"));
        Assert.Equal("32", r.Str("minor"));
        Assert.StartsWith("v1.32.", r.Str("gitVersion"));
        foreach (var k in new[] { "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform" }) Assert.NotNull(r.Node(k));
    }

    [Theory]
    [InlineData("/nothing/here")]
    [InlineData("/api/v1/foos")]
    [InlineData("/apis/apps/v1/namespaces/default/foos/x")]
    [InlineData("/apis/nogroup.example.com/v1")]
    [InlineData("/apis/apps/v2/deployments")]
    public async Task UnknownPathsAreNotFoundStatuses(string path)
    {
        var r = await _h.Get(path);
        FakeHttp.IsStatus(r, 404, "NotFound", "the server could not find the requested resource");
        Assert.Equal("the server could not find the requested resource", r.Str("message"));
    }

    [Fact]
    public async Task ApiListsV1AndTheServerAddress()
    {
        var r = await _h.Get("/api");
        Assert.Equal("APIVersions", r.Str("kind"));
        Assert.Equal("v1", r.Str("versions.0"));
        Assert.Equal("0.0.0.0/0", r.Str("serverAddressByClientCIDRs.0.clientCIDR"));
        Assert.Equal($"127.0.0.1:{f.Cluster.Port}", r.Str("serverAddressByClientCIDRs.0.serverAddress"));
    }

    [Fact]
    public async Task EveryListedGroupVersionIsServed()
    {
        var r = await _h.Get("/apis");
        Assert.Equal("APIGroupList", r.Str("kind"));
        var groups = r.Node("groups")!.AsArray();
        var names = groups.Select(g => g!["name"]!.GetValue<string>()).ToList();
        foreach (var g in new[] { "apps", "networking.k8s.io", "batch", "storage.k8s.io", "rbac.authorization.k8s.io", "policy", "apiextensions.k8s.io", "gateway.networking.k8s.io" })
            Assert.Contains(g, names);
        foreach (var g in groups)
        {
            Assert.Equal(g!["preferredVersion"]!["groupVersion"]!.GetValue<string>(), g["versions"]![0]!["groupVersion"]!.GetValue<string>());
            foreach (var v in g["versions"]!.AsArray())
            {
                var gv = v!["groupVersion"]!.GetValue<string>();
                var list = await _h.Get($"/apis/{gv}");
                Assert.Equal(200, list.Code);
                Assert.Equal("APIResourceList", list.Str("kind"));
                Assert.Equal(gv, list.Str("groupVersion"));
                Assert.NotEmpty(list.Node("resources")!.AsArray());
            }
        }
    }

    public static TheoryData<string, string, string, bool, string, string> Table => new()
    {
        // group/version, plural, kind, namespaced, shortNames, categories
        { "v1", "namespaces", "Namespace", false, "ns", "" },
        { "v1", "configmaps", "ConfigMap", true, "cm", "" },
        { "v1", "secrets", "Secret", true, "", "" },
        { "v1", "services", "Service", true, "svc", "all" },
        { "v1", "pods", "Pod", true, "po", "all" },
        { "v1", "serviceaccounts", "ServiceAccount", true, "sa", "" },
        { "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc", "" },
        { "v1", "persistentvolumes", "PersistentVolume", false, "pv", "" },
        { "v1", "nodes", "Node", false, "no", "" },
        { "v1", "events", "Event", true, "ev", "" },
        { "v1", "endpoints", "Endpoints", true, "ep", "" },
        { "apps/v1", "deployments", "Deployment", true, "deploy", "all" },
        { "apps/v1", "replicasets", "ReplicaSet", true, "rs", "all" },
        { "apps/v1", "statefulsets", "StatefulSet", true, "sts", "all" },
        { "apps/v1", "daemonsets", "DaemonSet", true, "ds", "all" },
        { "apps/v1", "controllerrevisions", "ControllerRevision", true, "", "" },
        { "networking.k8s.io/v1", "ingresses", "Ingress", true, "ing", "" },
        { "networking.k8s.io/v1", "ingressclasses", "IngressClass", false, "", "" },
        { "batch/v1", "jobs", "Job", true, "", "all" },
        { "batch/v1", "cronjobs", "CronJob", true, "cj", "all" },
        { "storage.k8s.io/v1", "storageclasses", "StorageClass", false, "sc", "" },
        { "rbac.authorization.k8s.io/v1", "roles", "Role", true, "", "" },
        { "rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true, "", "" },
        { "rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false, "", "" },
        { "rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", false, "", "" },
        { "policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb", "" },
        { "apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", false, "crd,crds", "" },
        { "gateway.networking.k8s.io/v1", "httproutes", "HTTPRoute", true, "", "" },
        { "gateway.networking.k8s.io/v1", "gateways", "Gateway", true, "gtw", "" },
        { "gateway.networking.k8s.io/v1", "gatewayclasses", "GatewayClass", false, "gc", "" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task ResourceListHasTheContractRow(string gv, string plural, string kind, bool namespaced, string shorts, string cats)
    {
        var r = await _h.Get(gv == "v1" ? "/api/v1" : $"/apis/{gv}");
        Assert.Equal("APIResourceList", r.Str("kind"));
        Assert.Equal("v1", r.Str("apiVersion"));
        var entry = r.Node("resources")!.AsArray().Single(e => e!["name"]!.GetValue<string>() == plural)!;
        Assert.Equal(kind.ToLowerInvariant(), entry["singularName"]!.GetValue<string>());
        Assert.Equal(namespaced, entry["namespaced"]!.GetValue<bool>());
        Assert.Equal(kind, entry["kind"]!.GetValue<string>());
        var verbs = entry["verbs"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
        var expected = kind == "Namespace"
            ? new[] { "create", "delete", "get", "list", "patch", "update", "watch" }
            : ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
        Assert.Equal(expected, verbs);
        Assert.Equal(shorts, string.Join(',', (entry["shortNames"] as JsonArray ?? []).Select(s => s!.GetValue<string>())));
        Assert.Equal(cats, string.Join(',', (entry["categories"] as JsonArray ?? []).Select(s => s!.GetValue<string>())));
    }

    [Fact]
    public async Task SubresourcesAreSeparateEntries()
    {
        var r = await _h.Get("/apis/apps/v1");
        var res = r.Node("resources")!.AsArray();
        var status = res.Single(e => e!["name"]!.GetValue<string>() == "deployments/status")!;
        Assert.Equal("", status["singularName"]!.GetValue<string>());
        Assert.Equal(["get", "patch", "update"], status["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
        var scale = res.Single(e => e!["name"]!.GetValue<string>() == "deployments/scale")!;
        Assert.Equal("autoscaling", scale["group"]!.GetValue<string>());
        Assert.Equal("v1", scale["version"]!.GetValue<string>());
        Assert.Equal("Scale", scale["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task AggregatedDiscoveryIsDeclinedWithPlainJson()
    {
        const string accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        foreach (var path in new[] { "/api", "/apis" })
        {
            var r = await _h.Send("GET", path, accept: accept);
            Assert.Equal("application/json", r.ContentType);
            Assert.DoesNotContain("apidiscovery", r.ContentType);
            Assert.NotEqual("APIGroupDiscoveryList", r.Str("kind"));
        }
    }

    [Fact]
    public async Task OpenApiV3DeclaresFieldValidationForEveryKind()
    {
        var root = await _h.Get("/openapi/v3");
        var paths = root.Node("paths")!.AsObject();
        Assert.True(paths.ContainsKey("api/v1"));
        Assert.True(paths.ContainsKey("apis/apps/v1"));
        var url = paths["apis/apps/v1"]!["serverRelativeURL"]!.GetValue<string>();
        Assert.StartsWith("/openapi/v3/apis/apps/v1?hash=", url);
        var doc = await _h.Get(url);
        Assert.Equal("3.0.0", doc.Str("openapi"));
        var patch = doc.Node("paths")!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Equal("Deployment", patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation" && p["in"]!.GetValue<string>() == "query");
        var core = await _h.Get(paths["api/v1"]!["serverRelativeURL"]!.GetValue<string>());
        Assert.NotNull(core.Node("paths")!["/api/v1/namespaces/{namespace}/configmaps/{name}"]);
        Assert.NotNull(core.Node("paths")!["/api/v1/namespaces/{name}"]);
        Assert.Equal(404, (await _h.Get("/openapi/v3/apis/nogroup.example.com/v1")).Code);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/livez")]
    public async Task HealthEndpointsSayOk(string path)
    {
        var r = await _h.Get(path);
        Assert.Equal(200, r.Code);
        Assert.Equal("ok", r.Text);
    }

    [Fact]
    public async Task SeedHasTheSystemNamespacesAndAReadyNode()
    {
        var ns = await _h.Get("/api/v1/namespaces");
        var names = ns.Node("items")!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToList();
        foreach (var n in new[] { "default", "kube-system", "kube-public", "kube-node-lease" }) Assert.Contains(n, names);
        var def = await _h.Get("/api/v1/namespaces/default");
        Assert.Equal("Active", def.Str("status.phase"));
        var node = await _h.Get("/api/v1/nodes/node-1");
        Assert.Equal(200, node.Code);
        Assert.Contains(node.Node("status.conditions")!.AsArray(), c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True");
    }
}
