using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// PUT to an object that does not exist: the kinds whose registry strategy allows create on update (RBAC roles and
/// bindings, Services, Endpoints, Events, LimitRanges, Leases, RuntimeClasses) create it, every other kind is a 404.
/// </summary>
public sealed class CreateOnUpdateTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public CreateOnUpdateTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    [Fact]
    public async Task APutCreatesTheKindsThatAllowItAndIsANotFoundForTheOthers()
    {
        var ns = await _h.Ns("put");
        var role = await _h.Put($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles/r", J("""{"metadata":{"name":"r","resourceVersion":"12"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}"""));
        Assert.True(role.Code == 201, role.Text);
        Assert.NotEqual("12", role.Rv);
        Assert.Equal(200, (await _h.Get($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles/r")).Code);
        var lease = await _h.Put($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/l", J("""{"metadata":{"name":"l"},"spec":{"holderIdentity":"me"}}"""));
        Assert.True(lease.Code == 201, lease.Text);
        var svc = await _h.Put($"/api/v1/namespaces/{ns}/services/s", J("""{"metadata":{"name":"s"},"spec":{"ports":[{"port":80}]}}"""));
        Assert.True(svc.Code == 201, svc.Text);
        Assert.StartsWith("10.96.", svc.Str("spec.clusterIP"));
        Assert.Equal(201, (await _h.Put($"/apis/rbac.authorization.k8s.io/v1/clusterroles/{ns}-c", J($$"""{"metadata":{"name":"{{ns}}-c"},"rules":[]}"""))).Code);
        // A second PUT is an update.
        Assert.Equal(200, (await _h.Put($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/l", J("""{"metadata":{"name":"l"},"spec":{"holderIdentity":"you"}}"""))).Code);

        IsStatus(await _h.Put($"/api/v1/namespaces/{ns}/configmaps/m", ConfigMap("m")), 404, "NotFound", "configmaps \"m\" not found");
        IsStatus(await _h.Put($"/apis/apps/v1/namespaces/{ns}/deployments/d", Deployment("d")), 404, "NotFound", "deployments.apps \"d\" not found");
        IsStatus(await _h.Put($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices/e", J("""{"metadata":{"name":"e"},"addressType":"IPv4","endpoints":[]}""")), 404, "NotFound", "endpointslices.discovery.k8s.io \"e\" not found");
        IsStatus(await _h.Put($"/api/v1/namespaces/{ns}/services/s2/status", J("""{"metadata":{"name":"s2"}}""")), 404, "NotFound", "services \"s2\" not found");
        // The namespace must exist.
        IsStatus(await _h.Put("/apis/coordination.k8s.io/v1/namespaces/nowhere/leases/l", J("""{"metadata":{"name":"l"}}""")), 404, "NotFound", "namespaces \"nowhere\" not found");
    }

    [Fact]
    public async Task KubectlReplaceCreatesARoleAndFailsForAMissingConfigMap()
    {
        var ns = await _h.Ns("replace");
        var r = await _kubectl.In($$"""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: reader, namespace: {{ns}}}
            rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
            """, "replace", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        Assert.Equal("role.rbac.authorization.k8s.io/reader replaced", r.Out.Trim());
        Assert.Equal(200, (await _h.Get($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles/reader")).Code);
        r = await _kubectl.In($$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: m, namespace: {{ns}}}
            data: {k: v}
            """, "replace", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("Error from server (NotFound): error when replacing \"STDIN\": configmaps \"m\" not found", r.Err);
    }

    [Fact]
    public async Task CreatingByPutNeedsTheCreateVerb()
    {
        var ns = await _h.Ns("putauth");
        Assert.Equal(201, (await _h.Post($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", J("""{"metadata":{"name":"updater"},"rules":[{"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get","update"]}]}"""))).Code);
        Assert.Equal(201, (await _h.Post($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", J("""{"metadata":{"name":"updater"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"updater"},"subjects":[{"kind":"User","name":"carol","apiGroup":"rbac.authorization.k8s.io"}]}"""))).Code);
        using var carol = Client(_f.Cluster, _f.Cluster.Access.Authenticator.TokenFor("carol", []));
        var put = await carol.Put($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/l", J("""{"metadata":{"name":"l"}}"""));
        IsStatus(put, 403, "Forbidden", $"leases.coordination.k8s.io \"l\" is forbidden: User \"carol\" cannot create resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"{ns}\"");
        Assert.Equal(404, (await _h.Get($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/l")).Code);
        // Once it exists, update is enough.
        Assert.Equal(201, (await _h.Post($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", J("""{"metadata":{"name":"l"}}"""))).Code);
        Assert.Equal(200, (await carol.Put($"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/l", J("""{"metadata":{"name":"l"},"spec":{"holderIdentity":"carol"}}"""))).Code);
    }
}
