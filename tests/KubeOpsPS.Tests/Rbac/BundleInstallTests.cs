using System.Text.Json.Nodes;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.CiCd;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Runtime.Install;
using KubeOpsPS.Tests.FakeApiServer;

namespace KubeOpsPS.Tests.Rbac;

/// <summary>
/// The install flow as an engine operation under the fake's RBAC: the up-front check lists every missing
/// permission and writes nothing; its verdict on RBAC objects is the API server's escalation check's (the server
/// refuses exactly what the check reports missing, and the alternative it names, escalate or bind, is enough).
/// </summary>
public sealed class BundleInstallTests(FakeClusterFixture f) : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ko-install-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private ClusterGateway As(string user) =>
        new(KubeConfigs.Connect(f.Cluster.WriteKubeConfig(Path.Combine(_dir, user), user), null, null, null, "/nonexistent"));

    /// <summary>A namespace name no test has used: the install creates it.</summary>
    private static string Fresh(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..16];

    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>The requests of <paramref name="user"/> that could have written something: every write but the access reviews (which store nothing).</summary>
    private IEnumerable<global::FakeApiServer.RequestLogEntry> WritesBy(string user) => f.Cluster.Requests
        .Where(r => r.User == user && WriteMethods.Contains(r.Method) && !r.Path.StartsWith("/apis/authorization.k8s.io/", StringComparison.Ordinal) && !r.Path.StartsWith("/apis/authentication.k8s.io/", StringComparison.Ordinal));

    /// <summary>A ClusterRole (bound cluster-wide to <paramref name="user"/>) with the given rules.</summary>
    private async Task Grant(string user, params JsonObject[] rules)
    {
        var name = "grant-" + user;
        var role = new JsonObject { ["apiVersion"] = "rbac.authorization.k8s.io/v1", ["kind"] = "ClusterRole", ["metadata"] = new JsonObject { ["name"] = name }, ["rules"] = new JsonArray(rules) };
        var put = await f.Http.Send("PATCH", $"/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}?fieldManager=test&force=true", role, "application/apply-patch+yaml");
        Assert.True(put.Code is 200 or 201, put.Text);
        var binding = new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1", ["kind"] = "ClusterRoleBinding", ["metadata"] = new JsonObject { ["name"] = name },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = name },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "User", ["apiGroup"] = "rbac.authorization.k8s.io", ["name"] = user }),
        };
        var b = await f.Http.Send("PATCH", $"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{name}?fieldManager=test&force=true", binding, "application/apply-patch+yaml");
        Assert.True(b.Code is 200 or 201, b.Text);
    }

    private static JsonObject Rule(string group, string resources, string verbs, params string[] names)
    {
        var rule = new JsonObject
        {
            ["apiGroups"] = new JsonArray((JsonNode)group),
            ["resources"] = new JsonArray(resources.Split(',').Select(r => (JsonNode?)r).ToArray()),
            ["verbs"] = new JsonArray(verbs.Split(',').Select(v => (JsonNode?)v).ToArray()),
        };
        if (names.Length > 0) rule["resourceNames"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray());
        return rule;
    }

    /// <summary>Rules for what applying the plan's objects takes (get, create, patch of each kind), none of what its RBAC objects grant.</summary>
    private static JsonObject[] ApplyRights(InstallPlan plan) => plan.Needs.Where(n => n.Instead is null && n.Request.Url is null)
        .GroupBy(n => (n.Request.Group, n.Request.Resource)).Select(g => Rule(g.Key.Group, g.Key.Resource, "get,create,patch")).ToArray();

    [Fact]
    public async Task A_user_without_rights_gets_every_missing_permission_in_one_error_and_nothing_is_written()
    {
        using var gateway = As("nobody-ci");
        var install = new BundleInstall(gateway);
        var plan = await install.PlanAsync(JenkinsBundle.Build(new JenkinsOptions { Namespace = Fresh("ci") }), [], default);
        var e = await Assert.ThrowsAsync<KoOperationException>(() => install.RunAsync(plan, "Install-KoJenkins", true, null, (_, _) => { }, default));
        Assert.Equal("InstallForbidden", e.ErrorId);
        Assert.StartsWith("User \"nobody-ci\" lacks ", e.Message);
        Assert.Contains("nothing was written", e.Message);
        // Every object's apply rights, and what its Role grants, each once.
        Assert.Contains("create namespaces (cluster scope)", e.Message);
        Assert.Contains("patch statefulsets.apps \"jenkins\" in namespace", e.Message);
        Assert.Contains("create pods/exec in namespace", e.Message);
        Assert.Contains("create pods in namespace \"" + plan.Objects.OfType<k8s.Models.V1Role>().Single().Metadata.NamespaceProperty + "\": for Role ", e.Message);
        Assert.Contains("\n  escalate roles.rbac.authorization.k8s.io \"jenkins-agents\"", e.Message);
        Assert.Contains("\n  bind roles.rbac.authorization.k8s.io \"jenkins-agents\"", e.Message);
        // Each missing permission is one line, however many objects need it.
        var lines = e.Message.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.Equal(lines.Count, lines.Distinct().Count());
        Assert.Empty(WritesBy("nobody-ci"));
        // One round: one review per distinct permission, no more.
        var reviews = f.Cluster.Requests.Count(r => r.User == "nobody-ci" && r.Path.EndsWith("/selfsubjectaccessreviews", StringComparison.Ordinal));
        Assert.Equal(plan.Reviews.Count, reviews);
    }

    [Fact]
    public async Task The_check_predicts_the_servers_escalation_check_and_escalate_with_bind_is_enough()
    {
        const string user = "ci-installer";
        using var gateway = As(user);
        var install = new BundleInstall(gateway);
        var ns = Fresh("ci");
        var plan = await install.PlanAsync(JenkinsBundle.Build(new JenkinsOptions { Namespace = ns }), [], default);
        await Grant(user, ApplyRights(plan));

        // May apply every kind, but does not hold what the Role grants: the check says which rules, and the server agrees.
        var (_, missing) = await install.CheckAsync(plan, default);
        Assert.NotEmpty(missing);
        Assert.All(missing, n => Assert.NotNull(n.Instead));
        Assert.Contains(missing, n => n.Request == new AccessRequest("create", "", "pods", ns, null, "exec"));
        var (unchecked_, _) = await install.RunAsync(plan, "Install-KoJenkins", false, null, (_, _) => { }, default);
        var refused = unchecked_.Where(r => r.Error is not null).ToList();
        Assert.Equal(["Role", "RoleBinding"], refused.Select(r => r.Kind).Order());
        Assert.Contains("attempting to grant RBAC permissions not currently held", refused.Single(r => r.Kind == "Role").Error!.Message);
        // With the Role in place (written by the admin), binding it is refused for the same reason.
        using (var admin = new ClusterGateway(KubeConfigs.Connect(f.Cluster.WriteKubeConfig(Path.Combine(_dir, "admin")), null, null, null, "/nonexistent")))
            await admin.ApplyAsync(plan.Objects.Single(o => o is k8s.Models.V1Role), new ApplyOptions(), default);
        var (again, _) = await install.RunAsync(plan, "Install-KoJenkins", false, null, (_, _) => { }, default);
        Assert.Contains("attempting to grant RBAC permissions not currently held", again.Single(r => r.Kind == "RoleBinding").Error!.Message);
    }

    [Fact]
    public async Task Escalate_and_bind_on_the_Role_by_name_are_enough_and_the_install_goes_through()
    {
        const string user = "ci-escalator";
        using var gateway = As(user);
        var install = new BundleInstall(gateway);
        var plan = await install.PlanAsync(JenkinsBundle.Build(new JenkinsOptions { Namespace = Fresh("ci") }), [], default);
        // What the check names instead of the Role's rules; the Role does not exist yet (an apply PATCH creates it,
        // and the server asks escalate with the name in its path).
        await Grant(user, [.. ApplyRights(plan), Rule("rbac.authorization.k8s.io", "roles", "escalate,bind", "jenkins-agents")]);
        var (_, missing) = await install.CheckAsync(plan, default);
        Assert.Empty(missing);
        var (applied, _) = await install.RunAsync(plan, "Install-KoJenkins", true, null, (_, _) => { }, default);
        Assert.All(applied, r => Assert.Null(r.Error));
    }

    [Fact]
    public async Task A_ClusterRole_is_checked_cluster_wide_and_holding_its_rules_in_one_namespace_is_not_enough()
    {
        const string user = "mon-installer";
        using var gateway = As(user);
        var install = new BundleInstall(gateway);
        var ns = Fresh("mon");
        var plan = await install.PlanAsync(MonitoringBundle.Build(new MonitoringOptions { Namespace = ns }), [], default);
        // Prometheus's ClusterRole lists nodes cluster-wide (and reads /metrics): the check asks at cluster scope.
        Assert.Contains(plan.Needs, n => n.Request == new AccessRequest("list", "", "nodes", null) && n.Instead is { Verb: "escalate", Resource: "clusterroles" });
        Assert.Contains(plan.Needs, n => n.Request.Url == "/metrics");
        await Grant(user, ApplyRights(plan));
        var (_, missing) = await install.CheckAsync(plan, default);
        Assert.Contains(missing, n => n.Request == new AccessRequest("list", "", "nodes", null));
        Assert.Contains(missing, n => n.Request.Url == "/metrics");
    }
}
