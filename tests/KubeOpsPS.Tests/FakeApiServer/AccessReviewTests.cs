using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The access-review APIs: kubectl auth can-i (with --list and --as) and whoami answer from the fake's RBAC as from a real cluster.</summary>
public sealed class AccessReviewTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private const string Rbac = "/apis/rbac.authorization.k8s.io/v1";
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public AccessReviewTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private Task<KubectlRun> Kubectl(params string[] args) => _kubectl.Run(args);

    /// <summary>A namespace where a fresh user may read and write configmaps and read pods/log, and the user's name.</summary>
    private async Task<(string Ns, string User)> Setup()
    {
        var ns = await _h.Ns("cani");
        var user = "u-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(201, (await _h.Post($"{Rbac}/namespaces/{ns}/roles", J("""{"metadata":{"name":"cm"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list","create"]},{"apiGroups":[""],"resources":["pods/log"],"verbs":["get"]}]}"""))).Code);
        Assert.Equal(201, (await _h.Post($"{Rbac}/namespaces/{ns}/rolebindings", J($$$$"""{"metadata":{"name":"cm"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"cm"},"subjects":[{"kind":"User","name":"{{{{user}}}}","apiGroup":"rbac.authorization.k8s.io"}]}"""))).Code);
        return (ns, user);
    }

    [Fact]
    public async Task CanIAnswersYesAndNoWithTheExitCodesOfARealCluster()
    {
        var (ns, user) = await Setup();
        var yes = await Kubectl("auth", "can-i", "create", "configmaps", "-n", ns, "--as", user);
        Assert.Equal((0, "yes"), (yes.Exit, yes.Out.Trim()));
        var no = await Kubectl("auth", "can-i", "delete", "configmaps", "-n", ns, "--as", user);
        Assert.Equal((1, "no"), (no.Exit, no.Out.Trim()));
        Assert.Equal("no", (await Kubectl("auth", "can-i", "get", "configmaps", "-n", "default", "--as", user)).Out.Trim());
        Assert.Equal("yes", (await Kubectl("auth", "can-i", "get", "pods", "--subresource=log", "-n", ns, "--as", user)).Out.Trim());
        Assert.Equal("no", (await Kubectl("auth", "can-i", "get", "pods", "-n", ns, "--as", user)).Out.Trim());
        Assert.Equal("yes", (await Kubectl("auth", "can-i", "get", "/healthz", "--as", user)).Out.Trim());
        Assert.Equal("no", (await Kubectl("auth", "can-i", "get", "/metrics", "--as", user)).Out.Trim());
        Assert.Equal("yes", (await Kubectl("auth", "can-i", "*", "*")).Out.Trim());
    }

    [Fact]
    public async Task CanIListShowsTheRulesOfTheNamespace()
    {
        var (ns, user) = await Setup();
        var list = await Kubectl("auth", "can-i", "--list", "-n", ns, "--as", user);
        Assert.True(list.Exit == 0, list.Err);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^configmaps\s+\[\]\s+\[\]\s+\[get list create\]$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^pods/log\s+\[\]\s+\[\]\s+\[get\]$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\[/healthz\]\s+\[\]\s+\[get\]$"));
        // Elsewhere the user has only the defaults.
        var other = await Kubectl("auth", "can-i", "--list", "-n", "default", "--as", user);
        Assert.DoesNotContain("configmaps", other.Out);
    }

    [Fact]
    public async Task SelfSubjectAccessReviewCarriesTheRbacReasonAndIsValidated()
    {
        var (ns, user) = await Setup();
        using var http = FakeHttp.Client(_f.Cluster, _f.Cluster.Access.Authenticator.TokenFor(user));
        var r = await http.Post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", J($$$$"""{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"{{{{ns}}}}","verb":"list","resource":"configmaps"}}}"""));
        Assert.Equal(201, r.Code);
        Assert.True(r.Node("status.allowed")!.GetValue<bool>());
        Assert.Equal($"RBAC: allowed by RoleBinding \"cm/{ns}\" of Role \"cm\" to User \"{user}\"", r.Str("status.reason"));
        Assert.Equal("list", r.Str("spec.resourceAttributes.verb"));
        var both = await http.Post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", J("""{"spec":{}}"""));
        IsStatus(both, 422, "Invalid", "exactly one of nonResourceAttributes or resourceAttributes must be specified");
        // Authorization comes first (a user may not list them: 403); for the admin the method is wrong (405).
        Assert.Equal(403, (await http.Get("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")).Code);
        IsStatus(await _h.Get("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"), 405, "MethodNotAllowed");
    }

    [Fact]
    public async Task SubjectAccessReviewNeedsItsOwnPermissionAndChecksTheNamedSubject()
    {
        var (ns, user) = await Setup();
        using var http = FakeHttp.Client(_f.Cluster, _f.Cluster.Access.Authenticator.TokenFor(user));
        var body = J($$$$"""{"spec":{"user":"{{{{user}}}}","resourceAttributes":{"namespace":"{{{{ns}}}}","verb":"get","resource":"configmaps"}}}""");
        var denied = await http.Post("/apis/authorization.k8s.io/v1/subjectaccessreviews", body);
        IsStatus(denied, 403, "Forbidden", $"subjectaccessreviews.authorization.k8s.io is forbidden: User \"{user}\" cannot create resource \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the cluster scope");
        var ok = await _h.Post("/apis/authorization.k8s.io/v1/subjectaccessreviews", body);
        Assert.True(ok.Node("status.allowed")!.GetValue<bool>());
        var groupOnly = await _h.Post("/apis/authorization.k8s.io/v1/subjectaccessreviews", J("""{"spec":{"groups":["system:masters"],"resourceAttributes":{"verb":"delete","resource":"nodes"}}}"""));
        Assert.True(groupOnly.Node("status.allowed")!.GetValue<bool>());
        IsStatus(await _h.Post("/apis/authorization.k8s.io/v1/subjectaccessreviews", J("""{"spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}""")), 422, "Invalid", "at least one of user or group must be specified");
        var local = await _h.Post($"/apis/authorization.k8s.io/v1/namespaces/{ns}/localsubjectaccessreviews", J($$$$"""{"spec":{"user":"{{{{user}}}}","resourceAttributes":{"namespace":"other","verb":"get","resource":"configmaps"}}}"""));
        IsStatus(local, 422, "Invalid", "must match metadata.namespace");
    }

    [Fact]
    public async Task TheReviewApisAreInDiscoveryAsCreateOnly()
    {
        var authz = await _h.Get("/apis/authorization.k8s.io/v1");
        foreach (var name in new[] { "selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews", "localsubjectaccessreviews" })
            Assert.Equal("[\"create\"]", authz.Node("resources")!.AsArray().Single(e => e!["name"]!.GetValue<string>() == name)!["verbs"]!.ToJsonString());
        var authn = await _h.Get("/apis/authentication.k8s.io/v1");
        Assert.Contains(authn.Node("resources")!.AsArray(), e => e!["name"]!.GetValue<string>() == "selfsubjectreviews");
        var core = await _h.Get("/api/v1");
        var token = core.Node("resources")!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "serviceaccounts/token")!;
        Assert.Equal(("TokenRequest", "authentication.k8s.io"), (token["kind"]!.GetValue<string>(), token["group"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TokenReviewSaysWhoATokenBelongsTo()
    {
        var token = _f.Cluster.Access.Authenticator.TokenFor("grace", ["qa"]);
        var r = await _h.Post("/apis/authentication.k8s.io/v1/tokenreviews", J($$$$"""{"spec":{"token":"{{{{token}}}}"}}"""));
        Assert.True(r.Node("status.authenticated")!.GetValue<bool>());
        Assert.Equal("grace", r.Str("status.user.username"));
        var bad = await _h.Post("/apis/authentication.k8s.io/v1/tokenreviews", J("""{"spec":{"token":"nope"}}"""));
        Assert.Null(bad.Node("status.authenticated"));
    }
}
