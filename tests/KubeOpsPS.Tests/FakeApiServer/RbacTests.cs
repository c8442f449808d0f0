using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The fake's RBAC authorizer, default roles, aggregation and escalation prevention against the real server's rules and wording.</summary>
public sealed class RbacTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private const string Rbac = "/apis/rbac.authorization.k8s.io/v1";
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly List<HttpClient> _clients = [];

    public RbacTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
    }

    public void Dispose() => _clients.ForEach(c => c.Dispose());

    /// <summary>A client for a fresh user (unique name) in the given groups.</summary>
    private (HttpClient Http, string Name) User(params string[] groups)
    {
        var name = "u-" + Guid.NewGuid().ToString("N")[..8];
        var http = FakeHttp.Client(_f.Cluster, _f.Cluster.Access.Authenticator.TokenFor(name, groups));
        _clients.Add(http);
        return (http, name);
    }

    private async Task Create(string path, string json)
    {
        var r = await _h.Post(path, J(json));
        Assert.True(r.Code == 201, r.Text);
    }

    private Task Role(string ns, string name, string rules) => Create($"{Rbac}/namespaces/{ns}/roles", $$$"""{"metadata":{"name":"{{{name}}}"},"rules":{{{rules}}}}""");
    private Task ClusterRole(string name, string rules, string labels = "{}") => Create($"{Rbac}/clusterroles", $$$"""{"metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"rules":{{{rules}}}}""");
    private static string Subject(string user) => $$$"""{"kind":"User","name":"{{{user}}}","apiGroup":"rbac.authorization.k8s.io"}""";
    private Task RoleBinding(string ns, string name, string kind, string role, string subject) =>
        Create($"{Rbac}/namespaces/{ns}/rolebindings", $$$"""{"metadata":{"name":"{{{name}}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"{{{kind}}}","name":"{{{role}}}"},"subjects":[{{{subject}}}]}""");
    private Task ClusterRoleBinding(string name, string role, string subject) =>
        Create($"{Rbac}/clusterrolebindings", $$$"""{"metadata":{"name":"{{{name}}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{{role}}}"},"subjects":[{{{subject}}}]}""");

    [Fact]
    public async Task AServiceAccountWithoutRightsGetsTheRealForbiddenStatus()
    {
        var ns = await _h.Ns("apps");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts", J("""{"metadata":{"name":"web"}}"""))).Code);
        var token = (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts/web/token", J("""{"spec":{}}"""))).Str("status.token");
        using var sa = FakeHttp.Client(_f.Cluster, token);
        var list = await sa.Get("/api/v1/namespaces/kube-system/secrets");
        Assert.Equal(403, list.Code);
        var expected = J($$$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets is forbidden: User \"system:serviceaccount:{{{ns}}}:web\" cannot list resource \"secrets\" in API group \"\" in the namespace \"kube-system\"","reason":"Forbidden","details":{"kind":"secrets"},"code":403}""");
        Assert.True(JsonNode.DeepEquals(expected, list.Obj), list.Text);
        var get = await sa.Get("/apis/apps/v1/namespaces/kube-system/deployments/coredns");
        Assert.Equal($"deployments.apps \"coredns\" is forbidden: User \"system:serviceaccount:{ns}:web\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"kube-system\"", get.Str("message"));
        Assert.Equal("""{"name":"coredns","group":"apps","kind":"deployments"}""", get.Node("details")!.ToJsonString());
        var nodes = await sa.Get("/api/v1/nodes");
        Assert.Equal($"nodes is forbidden: User \"system:serviceaccount:{ns}:web\" cannot list resource \"nodes\" in API group \"\" at the cluster scope", nodes.Str("message"));
        var metrics = await sa.Get("/metrics");
        Assert.Equal($"forbidden: User \"system:serviceaccount:{ns}:web\" cannot get path \"/metrics\"", metrics.Str("message"));
        Assert.Equal("{}", metrics.Node("details")!.ToJsonString());
        // What every authenticated user may do: discovery, version, health, the self reviews.
        foreach (var path in new[] { "/api", "/apis", "/apis/apps/v1", "/version", "/healthz", "/openapi/v3" })
            Assert.True((await sa.Get(path)).Code == 200, path);
    }

    [Fact]
    public async Task ARoleBindingGrantsInItsNamespaceOnlyAndAClusterRoleBindingEverywhere()
    {
        var (http, user) = User();
        var a = await _h.Ns("rb");
        var b = await _h.Ns("rb");
        await Role(a, "cm-reader", """[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]""");
        await RoleBinding(a, "cm-reader", "Role", "cm-reader", Subject(user));
        Assert.Equal(200, (await http.Get($"/api/v1/namespaces/{a}/configmaps")).Code);
        Assert.Equal(403, (await http.Get($"/api/v1/namespaces/{b}/configmaps")).Code);
        Assert.Equal(403, (await http.Get("/api/v1/configmaps")).Code);
        Assert.Equal(403, (await http.Post($"/api/v1/namespaces/{a}/configmaps", ConfigMap("x"))).Code);
        // A ClusterRole bound by a RoleBinding is limited to that namespace; by a ClusterRoleBinding it is not.
        await ClusterRole($"pods-{user}", """[{"apiGroups":[""],"resources":["pods"],"verbs":["list"]}]""");
        await RoleBinding(b, "pods", "ClusterRole", $"pods-{user}", Subject(user));
        Assert.Equal(200, (await http.Get($"/api/v1/namespaces/{b}/pods")).Code);
        Assert.Equal(403, (await http.Get($"/api/v1/namespaces/{a}/pods")).Code);
        Assert.Equal(403, (await http.Get("/api/v1/pods")).Code);
        await ClusterRoleBinding($"pods-{user}", $"pods-{user}", Subject(user));
        Assert.Equal(200, (await http.Get("/api/v1/pods")).Code);
        Assert.Equal(200, (await http.Get($"/api/v1/namespaces/{a}/pods")).Code);
    }

    [Fact]
    public async Task GroupsAndServiceAccountSubjectsMatch()
    {
        var (http, _) = User("team-x");
        var ns = await _h.Ns("grp");
        await Role(ns, "svc", """[{"apiGroups":[""],"resources":["services"],"verbs":["*"]}]""");
        await RoleBinding(ns, "svc", "Role", "svc", """{"kind":"Group","name":"team-x","apiGroup":"rbac.authorization.k8s.io"}""");
        Assert.Equal(200, (await http.Get($"/api/v1/namespaces/{ns}/services")).Code);
        // A ServiceAccount subject without a namespace means the binding's namespace.
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts", J("""{"metadata":{"name":"bot"}}"""))).Code);
        await RoleBinding(ns, "bot", "Role", "svc", """{"kind":"ServiceAccount","name":"bot"}""");
        using var bot = FakeHttp.Client(_f.Cluster, (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts/bot/token", J("""{"spec":{}}"""))).Str("status.token"));
        Assert.Equal(200, (await bot.Get($"/api/v1/namespaces/{ns}/services")).Code);
        // Group system:serviceaccounts:NS covers every ServiceAccount of the namespace.
        await Role(ns, "cm", """[{"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]}]""");
        await RoleBinding(ns, "all-sa", "Role", "cm", $$$"""{"kind":"Group","name":"system:serviceaccounts:{{{ns}}}","apiGroup":"rbac.authorization.k8s.io"}""");
        Assert.Equal(200, (await bot.Get($"/api/v1/namespaces/{ns}/configmaps")).Code);
        Assert.Equal(403, (await http.Get($"/api/v1/namespaces/{ns}/configmaps")).Code);
    }

    [Fact]
    public async Task SubresourcesResourceNamesVerbsAndWildcardsMatchAsTheRealAuthorizer()
    {
        var (http, user) = User();
        var ns = await _h.Ns("sub");
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web", replicas: 0))).Code);
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("api", replicas: 0))).Code);
        await Role(ns, "scale", """[{"apiGroups":["apps"],"resources":["*/scale"],"verbs":["get","update"]},{"apiGroups":["apps"],"resources":["deployments"],"verbs":["get"],"resourceNames":["web"]}]""");
        await RoleBinding(ns, "scale", "Role", "scale", Subject(user));
        Assert.Equal(200, (await http.Get($"/apis/apps/v1/namespaces/{ns}/deployments/api/scale")).Code);
        Assert.Equal(200, (await http.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web")).Code);
        Assert.Equal(403, (await http.Get($"/apis/apps/v1/namespaces/{ns}/deployments/api")).Code);
        // resourceNames never allow a list, except one narrowed to the name by a field selector.
        Assert.Equal(403, (await http.Get($"/apis/apps/v1/namespaces/{ns}/deployments")).Code);
        Assert.Equal(403, (await http.Get($"/apis/apps/v1/namespaces/{ns}/deployments/api/status")).Code);
        var status = await http.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web/status");
        Assert.Equal($"deployments.apps \"web\" is forbidden: User \"{user}\" cannot get resource \"deployments/status\" in API group \"apps\" in the namespace \"{ns}\"", status.Str("message"));
        await Role(ns, "list-web", """[{"apiGroups":["apps"],"resources":["deployments"],"verbs":["list","watch"],"resourceNames":["web"]}]""");
        await RoleBinding(ns, "list-web", "Role", "list-web", Subject(user));
        Assert.Equal(200, (await http.Get($"/apis/apps/v1/namespaces/{ns}/deployments?fieldSelector=metadata.name%3Dweb")).Code);
        Assert.Equal(403, (await http.Get($"/apis/apps/v1/namespaces/{ns}/deployments?fieldSelector=metadata.name%3Dapi")).Code);
        // apiGroups "*" and verbs "*".
        await Role(ns, "any", """[{"apiGroups":["*"],"resources":["configmaps","ingresses"],"verbs":["*"]}]""");
        await RoleBinding(ns, "any", "Role", "any", Subject(user));
        Assert.Equal(201, (await http.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("c"))).Code);
        Assert.Equal(200, (await http.Delete($"/api/v1/namespaces/{ns}/configmaps/c")).Code);
        Assert.Equal(200, (await http.Get($"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses")).Code);
        Assert.Equal(403, (await http.Get($"/api/v1/namespaces/{ns}/secrets")).Code);
    }

    [Fact]
    public async Task WatchListDeleteCollectionAndNamespaceReadsAreSeparateVerbs()
    {
        var (http, user) = User();
        var ns = await _h.Ns("verbs");
        await Role(ns, "list-only", """[{"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]},{"apiGroups":[""],"resources":["namespaces"],"verbs":["get"]}]""");
        await RoleBinding(ns, "list-only", "Role", "list-only", Subject(user));
        Assert.Equal(200, (await http.Get($"/api/v1/namespaces/{ns}/configmaps")).Code);
        var watch = await http.Get($"/api/v1/namespaces/{ns}/configmaps?watch=true");
        Assert.Equal($"configmaps is forbidden: User \"{user}\" cannot watch resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"", watch.Str("message"));
        var dc = await http.Delete($"/api/v1/namespaces/{ns}/configmaps");
        Assert.Contains("cannot deletecollection resource \"configmaps\"", dc.Str("message"));
        // GET /api/v1/namespaces/NS is a request in namespace NS: a RoleBinding there lets the user read it.
        Assert.Equal(200, (await http.Get($"/api/v1/namespaces/{ns}")).Code);
        Assert.Equal(403, (await http.Get("/api/v1/namespaces/default")).Code);
    }

    [Fact]
    public async Task NonResourceUrlsNeedAClusterRoleBinding()
    {
        var (http, user) = User();
        await ClusterRole($"metrics-{user}", """[{"nonResourceURLs":["/metrics","/logs/*"],"verbs":["get"]}]""");
        await ClusterRoleBinding($"metrics-{user}", $"metrics-{user}", Subject(user));
        Assert.NotEqual(403, (await http.Get("/metrics")).Code);
        Assert.NotEqual(403, (await http.Get("/logs/kube-apiserver.log")).Code);
        Assert.Equal(403, (await http.Get("/debug/pprof")).Code);
    }

    [Fact]
    public async Task ABindingToAMissingRoleAddsTheResolutionError()
    {
        var (http, user) = User();
        var ns = await _h.Ns("missing");
        await RoleBinding(ns, "ghost", "Role", "ghost", Subject(user));
        var r = await http.Get($"/api/v1/namespaces/{ns}/pods");
        Assert.Equal($"pods is forbidden: User \"{user}\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\": RBAC: role.rbac.authorization.k8s.io \"ghost\" not found", r.Str("message"));
    }

    [Fact]
    public async Task DefaultClusterRolesAreAggregatedAndAggregationFollowsNewRoles()
    {
        var view = await _h.Get($"{Rbac}/clusterroles/view");
        Assert.Equal("rbac-defaults", view.Obj["metadata"]!["labels"]!["kubernetes.io/bootstrapping"]!.GetValue<string>());
        Assert.Equal("true", view.Obj["metadata"]!["labels"]!["rbac.authorization.k8s.io/aggregate-to-edit"]!.GetValue<string>());
        string Rules(Reply r) => r.Obj["rules"]!.ToJsonString();
        Assert.Contains("\"pods/log\"", Rules(view));
        var edit = await _h.Get($"{Rbac}/clusterroles/edit");
        Assert.Contains("\"secrets\"", Rules(edit));
        Assert.Contains("\"pods/log\"", Rules(edit));
        var admin = await _h.Get($"{Rbac}/clusterroles/admin");
        Assert.Contains("\"rolebindings\"", Rules(admin));
        Assert.Contains("\"pods/exec\"", Rules(admin));
        Assert.DoesNotContain("\"secrets\"", Rules(view));
        foreach (var name in new[] { "cluster-admin", "system:discovery", "system:basic-user", "system:public-info-viewer" })
        {
            Assert.Equal(200, (await _h.Get($"{Rbac}/clusterroles/{Uri.EscapeDataString(name)}")).Code);
            Assert.Equal(200, (await _h.Get($"{Rbac}/clusterrolebindings/{Uri.EscapeDataString(name)}")).Code);
        }
        // A new role labelled aggregate-to-view shows up in view, edit and admin.
        var (http, user) = User();
        await ClusterRole($"widgets-{user}", """[{"apiGroups":["example.com"],"resources":["widgets"],"verbs":["get"]}]""", """{"rbac.authorization.k8s.io/aggregate-to-view":"true"}""");
        foreach (var role in new[] { "view", "edit", "admin" })
            await Eventually(() => _h.Get($"{Rbac}/clusterroles/{role}"), r => Rules(r).Contains("\"widgets\"", StringComparison.Ordinal), $"{role} to aggregate widgets");
        var ns = await _h.Ns("agg");
        await RoleBinding(ns, "view", "ClusterRole", "view", Subject(user));
        Assert.Equal(200, (await http.Get($"/api/v1/namespaces/{ns}/pods")).Code);
        Assert.Equal(403, (await http.Get($"/api/v1/namespaces/{ns}/secrets")).Code);
        // Removing the label takes the rules away again.
        Assert.Equal(200, (await _h.Patch($"{Rbac}/clusterroles/widgets-{user}", J("""{"metadata":{"labels":{"rbac.authorization.k8s.io/aggregate-to-view":null}}}"""), "application/merge-patch+json")).Code);
        await Eventually(() => _h.Get($"{Rbac}/clusterroles/view"), r => !Rules(r).Contains("\"widgets\"", StringComparison.Ordinal), "view to drop widgets");
    }

    [Fact]
    public async Task CreatingARoleThatGrantsMoreThanTheAuthorHoldsIsForbidden()
    {
        var (http, user) = User();
        var ns = await _h.Ns("esc");
        await RoleBinding(ns, "admin", "ClusterRole", "admin", Subject(user));
        // Within admin's rights: fine.
        Assert.Equal(201, (await http.Post($"{Rbac}/namespaces/{ns}/roles", J("""{"metadata":{"name":"ok"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]}"""))).Code);
        // Nodes (cluster-scoped) and a verb admin lacks: refused, listing exactly the missing rules.
        var r = await http.Post($"{Rbac}/namespaces/{ns}/roles", J("""{"metadata":{"name":"too-much"},"rules":[{"apiGroups":[""],"resources":["configmaps","nodes"],"verbs":["get","list"]},{"apiGroups":["apps"],"resources":["deployments"],"verbs":["escalate"]}]}"""));
        Assert.Equal(403, r.Code);
        Assert.Equal($"roles.rbac.authorization.k8s.io \"too-much\" is forbidden: user \"{user}\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\" \"list\"]}}\n{{APIGroups:[\"apps\"], Resources:[\"deployments\"], Verbs:[\"escalate\"]}}", r.Str("message"));
        Assert.Equal("""{"name":"too-much","group":"rbac.authorization.k8s.io","kind":"roles"}""", r.Node("details")!.ToJsonString());
        Assert.Equal(404, (await _h.Get($"{Rbac}/namespaces/{ns}/roles/too-much")).Code);
        // Updating "ok" to grant secrets delete is fine (admin has it); to grant nodes is not.
        var upd = await http.Patch($"{Rbac}/namespaces/{ns}/roles/ok", J("""{"rules":[{"apiGroups":[""],"resources":["nodes"],"verbs":["get"]}]}"""), "application/merge-patch+json");
        Assert.Equal(403, upd.Code);
        // With the escalate verb on roles the same create passes.
        await Role(ns, "escalator", """[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles"],"verbs":["escalate"]}]""");
        await RoleBinding(ns, "escalator", "Role", "escalator", Subject(user));
        Assert.Equal(201, (await http.Post($"{Rbac}/namespaces/{ns}/roles", J("""{"metadata":{"name":"too-much"},"rules":[{"apiGroups":[""],"resources":["nodes"],"verbs":["get"]}]}"""))).Code);
    }

    [Fact]
    public async Task BindingARoleNeedsItsRulesOrTheBindVerbAndAggregationRulesNeedFullAuthority()
    {
        var (http, user) = User();
        var ns = await _h.Ns("bind");
        await RoleBinding(ns, "admin", "ClusterRole", "admin", Subject(user));
        // admin may bind edit and view (it holds their rules in the namespace) but not cluster-admin.
        Assert.Equal(201, (await http.Post($"{Rbac}/namespaces/{ns}/rolebindings", J($$$"""{"metadata":{"name":"team-edit"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},"subjects":[{"kind":"Group","name":"team","apiGroup":"rbac.authorization.k8s.io"}]}"""))).Code);
        var ca = await http.Post($"{Rbac}/namespaces/{ns}/rolebindings", J("""{"metadata":{"name":"team-root"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"Group","name":"team","apiGroup":"rbac.authorization.k8s.io"}]}"""));
        Assert.Equal(403, ca.Code);
        Assert.StartsWith($"rolebindings.rbac.authorization.k8s.io \"team-root\" is forbidden: user \"{user}\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}}", ca.Str("message"));
        var missing = await http.Post($"{Rbac}/namespaces/{ns}/rolebindings", J("""{"metadata":{"name":"x"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"nope"},"subjects":[{"kind":"Group","name":"team","apiGroup":"rbac.authorization.k8s.io"}]}"""));
        IsStatus(missing, 400, "BadRequest", "roles.rbac.authorization.k8s.io \"nope\" not found");
        // bind on clusterroles/cluster-admin lets the same binding through.
        await ClusterRole($"binder-{user}", """[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["clusterroles"],"verbs":["bind"],"resourceNames":["cluster-admin"]}]""");
        await ClusterRoleBinding($"binder-{user}", $"binder-{user}", Subject(user));
        Assert.Equal(201, (await http.Post($"{Rbac}/namespaces/{ns}/rolebindings", J("""{"metadata":{"name":"team-root"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"Group","name":"team","apiGroup":"rbac.authorization.k8s.io"}]}"""))).Code);
        // A ClusterRole with an aggregationRule: even a user allowed to create clusterroles needs full authority.
        await ClusterRole($"cr-writer-{user}", """[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["clusterroles"],"verbs":["create"]}]""");
        await ClusterRoleBinding($"cr-writer-{user}", $"cr-writer-{user}", Subject(user));
        var agg = await http.Post($"{Rbac}/clusterroles", J("""{"metadata":{"name":"agg-x"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"x":"y"}}]},"rules":[]}"""));
        IsStatus(agg, 403, "Forbidden", "clusterroles.rbac.authorization.k8s.io \"agg-x\" is forbidden: must have cluster-admin privileges to use the aggregationRule");
        // The cluster admin (system:masters) may do anything.
        Assert.Equal(201, (await _h.Post($"{Rbac}/clusterroles", J("""{"metadata":{"name":"agg-x"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"x":"y"}}]},"rules":[]}"""))).Code);
    }
}
