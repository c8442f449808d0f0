using System.Text;
using System.Text.Json.Nodes;
using global::FakeApiServer;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Authentication in the fake (tests/FakeApiServer/Auth): tokens, client certificates, TokenRequest, impersonation; kubectl as the independent client.</summary>
public sealed class AuthTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private const string Unauthorized = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""";
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly string _dir = Directory.CreateTempSubdirectory("fake-auth-").FullName;

    public AuthTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private string Config(string name) => Path.Combine(_dir, name + "-" + Guid.NewGuid().ToString("N")[..6]);

    private Task<KubectlRun> Kubectl(string kubeconfig, params string[] args) => FakeKubectl.Run(kubeconfig, _dir, "", args);

    private static async Task<Reply> As(FakeCluster c, string? authorization, string path)
    {
        using var http = new HttpClient { BaseAddress = c.BaseUri };
        if (authorization is not null) http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        return await http.Get(path);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("Bearer not-a-token-the-fake-issued")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")]
    public async Task AnonymousMalformedAndUnknownCredentialsGetTheRealUnauthorizedStatus(string? authorization)
    {
        foreach (var path in new[] { "/api/v1/namespaces", "/version", "/apis" })
        {
            var r = await As(_f.Cluster, authorization, path);
            Assert.Equal(401, r.Code);
            Assert.Equal(Unauthorized, r.Text);
        }
    }

    [Fact]
    public async Task ControlEndpointsNeedNoCredentials()
    {
        Assert.Equal(200, (await As(_f.Cluster, null, "/fake/faults")).Code);
        using var anon = new HttpClient { BaseAddress = _f.Cluster.BaseUri };
        var user = await anon.Post("/fake/users", J("""{"name":"carol","groups":["qa"]}"""));
        Assert.Equal(200, user.Code);
        Assert.Equal(["qa", "system:authenticated"], user.Node("groups")!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Contains("certificate-authority-data: ", user.Str("kubeconfig"));
        Assert.Equal(400, (await anon.Post("/fake/users", J("""{"groups":["qa"]}"""))).Code);
        // The token works: carol is authenticated (system:discovery lets every authenticated user read /version).
        Assert.Equal(200, (await As(_f.Cluster, "Bearer " + user.Str("token"), "/version")).Code);
    }

    [Fact]
    public async Task TheDefaultKubeconfigIsAClusterAdminAndKubectlWhoamiSaysSo()
    {
        var kc = _f.Cluster.WriteKubeConfig(Config("admin"));
        var who = await Kubectl(kc, "auth", "whoami", "-o", "json");
        Assert.True(who.Exit == 0, who.Err);
        var status = JsonNode.Parse(who.Out)!["status"]!["userInfo"]!;
        Assert.Equal("kubernetes-admin", status["username"]!.GetValue<string>());
        Assert.Equal(["system:masters", "system:authenticated"], status["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task ClientCertificatesAuthenticateAsCommonNameWithOrganizationsAsGroups()
    {
        var kc = _f.Cluster.WriteKubeConfigWithCertificate(Config("cert"), "dora", "ops", "dev");
        var who = await Kubectl(kc, "auth", "whoami");
        Assert.True(who.Exit == 0, who.Err);
        Assert.Matches(@"Username\s+dora", who.Out);
        Assert.Matches(@"Groups\s+\[ops dev system:authenticated\]", who.Out);
        // dora has no rights beyond the defaults: listing pods is refused with her name in the message.
        var pods = await Kubectl(kc, "get", "pods", "-n", "default");
        Assert.NotEqual(0, pods.Exit);
        Assert.Contains("User \"dora\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"", pods.Err);
    }

    [Fact]
    public async Task ACertificateFromAnotherCaIsNotAUser()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=mallory, O=system:masters", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var self = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var pfx = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(self.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        handler.ClientCertificates.Add(pfx);
        using var http = new HttpClient(handler) { BaseAddress = _f.Cluster.TlsBaseUri };
        var r = await http.Get("/api/v1/namespaces");
        Assert.Equal(401, r.Code);
        Assert.Equal(Unauthorized, r.Text);
    }

    private async Task<(string Ns, Reply Sa)> ServiceAccount(string name = "web")
    {
        var ns = await _h.Ns("sa");
        var sa = await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts", J($$$"""{"metadata":{"name":"{{{name}}}"}}"""));
        Assert.Equal(201, sa.Code);
        return (ns, sa);
    }

    [Fact]
    public async Task KubectlCreateTokenIssuesAServiceAccountTokenWithItsGroups()
    {
        var (ns, sa) = await ServiceAccount();
        var admin = _f.Cluster.WriteKubeConfig(Config("admin"));
        var created = await Kubectl(admin, "create", "token", "web", "-n", ns);
        Assert.True(created.Exit == 0, created.Err);
        var token = created.Out.Trim();
        Assert.Equal(3, token.Split('.').Length);
        var kc = _f.Cluster.WriteKubeConfigFor(Config("sa"), token);
        var who = await Kubectl(kc, "auth", "whoami", "-o", "json");
        Assert.True(who.Exit == 0, who.Err);
        var info = JsonNode.Parse(who.Out)!["status"]!["userInfo"]!;
        Assert.Equal($"system:serviceaccount:{ns}:web", info["username"]!.GetValue<string>());
        Assert.Equal(sa.Str("metadata.uid"), info["uid"]!.GetValue<string>());
        Assert.Equal(["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"], info["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.StartsWith("JTI=", info["extra"]!["authentication.kubernetes.io/credential-id"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenRequestDefaultsValidatesAndNeedsTheServiceAccount()
    {
        var (ns, _) = await ServiceAccount();
        var r = await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts/web/token", J("""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}"""));
        Assert.Equal(201, r.Code);
        Assert.Equal("TokenRequest", r.Str("kind"));
        Assert.Equal(3600, r.Node("spec.expirationSeconds")!.GetValue<long>());
        Assert.Equal("https://kubernetes.default.svc.cluster.local", r.Str("spec.audiences.0"));
        Assert.NotNull(r.Str("status.expirationTimestamp"));
        var shortLived = await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts/web/token", J("""{"spec":{"expirationSeconds":300}}"""));
        IsStatus(shortLived, 422, "Invalid", "TokenRequest.authentication.k8s.io \"web\" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes");
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts/ghost/token", J("""{"spec":{}}""")), 404, "NotFound", "serviceaccounts \"ghost\" not found");
        // A token for another audience is not accepted by the API server itself.
        var other = await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts/web/token", J("""{"spec":{"audiences":["vault"]}}"""));
        Assert.Equal(401, (await As(_f.Cluster, "Bearer " + other.Str("status.token"), "/version")).Code);
    }

    [Fact]
    public async Task ATokenIsRefusedOnceItsServiceAccountIsDeletedEvenIfOneOfTheSameNameReturns()
    {
        var (ns, _) = await ServiceAccount();
        var token = (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts/web/token", J("""{"spec":{}}"""))).Str("status.token");
        Assert.Equal(200, (await As(_f.Cluster, "Bearer " + token, "/version")).Code);
        Assert.Equal(200, (await _h.Delete($"/api/v1/namespaces/{ns}/serviceaccounts/web")).Code);
        Assert.Equal(Unauthorized, (await As(_f.Cluster, "Bearer " + token, "/version")).Text);
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts", J("""{"metadata":{"name":"web"}}"""))).Code);
        Assert.Equal(401, (await As(_f.Cluster, "Bearer " + token, "/version")).Code);
    }

    [Fact]
    public async Task ATokenExpiresOnTheFakesClock()
    {
        // 20 simulated minutes pass every real second: a 10-minute token lapses within a second.
        await using var fast = await FakeCluster.StartAsync(new FakeClusterOptions { ClockSpeed = 1200, ReconcileInterval = TimeSpan.FromMilliseconds(50) });
        using var http = FakeHttp.Client(fast);
        Assert.Equal(201, (await http.Post("/api/v1/namespaces/default/serviceaccounts", J("""{"metadata":{"name":"web"}}"""))).Code);
        var issued = await http.Post("/api/v1/namespaces/default/serviceaccounts/web/token", J("""{"spec":{"expirationSeconds":600}}"""));
        var token = issued.Str("status.token");
        var expires = DateTime.Parse(issued.Str("status.expirationTimestamp")!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expires - DateTime.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromDays(1));
        await Eventually(() => As(fast, "Bearer " + token, "/version"), r => r.Code == 401, "the token to expire", 10000);
    }

    [Fact]
    public async Task ImpersonationNeedsTheImpersonateVerb()
    {
        var admin = _f.Cluster.WriteKubeConfig(Config("admin"));
        var asBob = await Kubectl(admin, "auth", "whoami", "--as", "bob", "--as-group", "team-a");
        Assert.True(asBob.Exit == 0, asBob.Err);
        Assert.Matches(@"Username\s+bob", asBob.Out);
        Assert.Matches(@"Groups\s+\[team-a system:authenticated\]", asBob.Out);

        var erin = Config("erin");
        _f.Cluster.WriteKubeConfig(erin, "erin-" + Guid.NewGuid().ToString("N")[..6]);
        var name = (await Kubectl(erin, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")).Out;
        var denied = await Kubectl(erin, "get", "--raw", "/api/v1/namespaces", "--as", "bob");
        Assert.NotEqual(0, denied.Exit);
        Assert.Contains($"users \"bob\" is forbidden: User \"{name}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", denied.Err);

        // Grant impersonation of bob only (not of groups): --as works, --as-group is still refused.
        Assert.Equal(201, (await _h.Post("/apis/rbac.authorization.k8s.io/v1/clusterroles", J($$$"""{"metadata":{"name":"imp-{{{name}}}"},"rules":[{"apiGroups":[""],"resources":["users"],"verbs":["impersonate"],"resourceNames":["bob"]}]}"""))).Code);
        Assert.Equal(201, (await _h.Post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", J($$$"""{"metadata":{"name":"imp-{{{name}}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"imp-{{{name}}}"},"subjects":[{"kind":"User","name":"{{{name}}}","apiGroup":"rbac.authorization.k8s.io"}]}"""))).Code);
        var asBob2 = await Kubectl(erin, "auth", "whoami", "--as", "bob");
        Assert.True(asBob2.Exit == 0, asBob2.Err);
        Assert.Matches(@"Username\s+bob", asBob2.Out);
        var group = await Kubectl(erin, "get", "--raw", "/api/v1/namespaces", "--as", "bob", "--as-group", "system:masters");
        Assert.Contains($"groups \"system:masters\" is forbidden: User \"{name}\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope", group.Err);
        var alice = await Kubectl(erin, "get", "--raw", "/version", "--as", "alice");
        Assert.Contains("users \"alice\" is forbidden", alice.Err);
    }

    [Fact]
    public async Task ImpersonatingAServiceAccountChecksServiceaccountsAndGivesItsGroups()
    {
        var (ns, _) = await ServiceAccount();
        var r = await _h.Send("GET", "/version");
        Assert.Equal(200, r.Code);
        using var req = new HttpRequestMessage(HttpMethod.Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews") { Content = new StringContent("""{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""", Encoding.UTF8, "application/json") };
        req.Headers.Add("Impersonate-User", $"system:serviceaccount:{ns}:web");
        using var res = await _h.SendAsync(req);
        var body = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
        Assert.Equal(201, (int)res.StatusCode);
        Assert.Equal(["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"], body["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()));

        var token = _f.Cluster.Access.Authenticator.TokenFor("frank");
        using var frank = FakeHttp.Client(_f.Cluster, token);
        using var req2 = new HttpRequestMessage(HttpMethod.Get, "/version");
        req2.Headers.Add("Impersonate-User", $"system:serviceaccount:{ns}:web");
        using var res2 = await frank.SendAsync(req2);
        var denied = JsonNode.Parse(await res2.Content.ReadAsStringAsync())!;
        Assert.Equal(403, (int)res2.StatusCode);
        Assert.Equal($"serviceaccounts \"web\" is forbidden: User \"frank\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"{ns}\"", denied["message"]!.GetValue<string>());
        Assert.Equal("""{"name":"web","kind":"serviceaccounts"}""", denied["details"]!.ToJsonString());
    }
}
