using System.Text;
using k8s.Models;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Ingress;

public class IngressBuilderTests
{
    private static IngressRuleOptions Rule(string? host = "dash.example.com", string path = "/", object? port = null, string service = "headlamp") =>
        new() { Host = host, Path = path, ServiceName = service, ServicePort = port ?? 80 };

    [Fact]
    public void BuildsAnIngressWithTodaysApiFieldByField()
    {
        var i = IngressBuilder.Build(new IngressOptions
        {
            Name = "dashboard", Namespace = "kube-system", IngressClassName = "nginx", TlsSecretName = "dash-tls",
            Rules = [Rule(), Rule(path: "/api", port: "http", service: "api")],
        });
        Assert.Equal("networking.k8s.io/v1", i.ApiVersion);
        Assert.Equal("Ingress", i.Kind);
        Assert.Equal("kube-system", i.Metadata.NamespaceProperty);
        Assert.Null(i.Metadata.Annotations); // no kubernetes.io/ingress.class annotation: spec.ingressClassName
        Assert.Equal("nginx", i.Spec.IngressClassName);
        var rule = Assert.Single(i.Spec.Rules);
        Assert.Equal("dash.example.com", rule.Host);
        Assert.Equal(2, rule.Http.Paths.Count);
        Assert.Equal("Prefix", rule.Http.Paths[0].PathType);
        Assert.Equal(80, rule.Http.Paths[0].Backend.Service.Port.Number);
        Assert.Null(rule.Http.Paths[0].Backend.Service.Port.Name);
        Assert.Equal("http", rule.Http.Paths[1].Backend.Service.Port.Name);
        Assert.Equal("api", rule.Http.Paths[1].Backend.Service.Name);
        var tls = Assert.Single(i.Spec.Tls);
        Assert.Equal("dash-tls", tls.SecretName);
        Assert.Equal(["dash.example.com"], tls.Hosts);
    }

    [Fact]
    public void WritesEachControllersBasicAuthAnnotations()
    {
        var community = IngressBuilder.Build(new IngressOptions { Name = "d", Rules = [Rule()], BasicAuthSecret = "dash-auth", Controller = IngressController.IngressNginx, BasicAuthRealm = "Dashboard" });
        Assert.Equal("basic", community.Metadata.Annotations["nginx.ingress.kubernetes.io/auth-type"]);
        Assert.Equal("dash-auth", community.Metadata.Annotations["nginx.ingress.kubernetes.io/auth-secret"]);
        Assert.Equal("auth-file", community.Metadata.Annotations["nginx.ingress.kubernetes.io/auth-secret-type"]);
        Assert.Equal("Dashboard", community.Metadata.Annotations["nginx.ingress.kubernetes.io/auth-realm"]);
        Assert.DoesNotContain(community.Metadata.Annotations.Keys, k => k.StartsWith("ingress.kubernetes.io/", StringComparison.Ordinal)); // the seed's dead prefix
        var f5 = IngressBuilder.Build(new IngressOptions { Name = "d", Rules = [Rule()], BasicAuthSecret = "dash-auth" });
        Assert.Equal("dash-auth", f5.Metadata.Annotations["nginx.org/basic-auth-secret"]);
        Assert.Equal("Authentication Required", f5.Metadata.Annotations["nginx.org/basic-auth-realm"]);
        Assert.Equal(2, f5.Metadata.Annotations.Count);
    }

    [Fact]
    public void StripsASubPathTheWayEachControllerDoes()
    {
        var community = IngressBuilder.Build(new IngressOptions { Name = "k", Rules = [Rule(path: "/kibana", service: "kibana")], StripPathPrefix = true, Controller = IngressController.IngressNginx });
        var p = community.Spec.Rules[0].Http.Paths[0];
        Assert.Equal("/kibana(/|$)(.*)", p.Path);
        Assert.Equal("ImplementationSpecific", p.PathType);
        Assert.Equal("/$2", community.Metadata.Annotations["nginx.ingress.kubernetes.io/rewrite-target"]);
        var f5 = IngressBuilder.Build(new IngressOptions { Name = "k", Rules = [Rule(path: "/kibana/", service: "kibana")], StripPathPrefix = true });
        Assert.Equal("/kibana/", f5.Spec.Rules[0].Http.Paths[0].Path);
        Assert.Equal("serviceName=kibana rewrite=/", f5.Metadata.Annotations["nginx.org/rewrites"]);
        Assert.Throws<KoValidationException>(() => IngressBuilder.Build(new IngressOptions { Name = "k", Rules = [Rule()], StripPathPrefix = true }));
    }

    [Fact]
    public void RefusesATlsCertificateThatDoesNotCoverTheHost()
    {
        var e = Assert.Throws<KoValidationException>(() => IngressBuilder.Build(new IngressOptions { Name = "d", Rules = [Rule(host: "other.example.com")], TlsSecretName = "t", TlsHosts = ["dash.example.com"] }));
        Assert.Contains("other.example.com", e.Message);
        // A wildcard covers one label.
        var ok = IngressBuilder.Build(new IngressOptions { Name = "d", Rules = [Rule(host: "a.example.com")], TlsSecretName = "t", TlsHosts = ["*.example.com"] });
        Assert.Equal(["*.example.com"], ok.Spec.Tls[0].Hosts);
        Assert.False(IngressBuilder.Covers("*.example.com", "a.b.example.com"));
        Assert.True(IngressBuilder.Covers("*.example.com", "A.example.com"));
    }

    [Theory]
    [InlineData("bad host", "/", 80, "svc", "-Host")]
    [InlineData("10.0.0.1", "/", 80, "svc", "-Host")]
    [InlineData("a.*.example.com", "/", 80, "svc", "-Host")]
    [InlineData("-leading.example.com", "/", 80, "svc", "-Host")]
    [InlineData("ok.example.com", "relative", 80, "svc", "-Path")]
    [InlineData("ok.example.com", "/has space", 80, "svc", "-Path")]
    [InlineData("ok.example.com", "/a?b", 80, "svc", "-Path")]
    [InlineData("ok.example.com", "/", 0, "svc", "-ServicePort")]
    [InlineData("ok.example.com", "/", 65536, "svc", "-ServicePort")]
    [InlineData("ok.example.com", "/", "Not_A_Name", "svc", "-ServicePort")]
    [InlineData("ok.example.com", "/", 80, "Bad_Service", "-ServiceName")]
    [InlineData("ok.example.com", "/", 80, "1starts-with-digit", "-ServiceName")]
    [InlineData("ok.example.com", "/", 80, "a.b", "-ServiceName")]
    public void RefusesBadRules(string host, string path, object port, string service, string field)
    {
        var e = Assert.Throws<KoValidationException>(() => IngressBuilder.Build(new IngressOptions { Name = "x", Rules = [Rule(host, path, port, service)] }));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void FoldsHostCaseAndRefusesDuplicatePaths()
    {
        Assert.Equal("dash.example.com", IngressBuilder.Build(new IngressOptions { Name = "x", Rules = [Rule(host: "Dash.EXAMPLE.com")] }).Spec.Rules[0].Host);
        Assert.Throws<KoValidationException>(() => IngressBuilder.Build(new IngressOptions { Name = "x", Rules = [Rule(), Rule(service: "other")] }));
        Assert.Throws<KoValidationException>(() => IngressBuilder.Build(new IngressOptions { Name = "x", Rules = [] }));
    }

    [Fact]
    public void ReadsAnIngressHashtableForInstallCmdlets()
    {
        var e = IngressExposure.FromMap(new System.Collections.Hashtable { ["host"] = "Mon.Example.com", ["TlsSecretName"] = "mon-tls", ["Controller"] = "ingressnginx" });
        Assert.Equal(new IngressExposure("mon.example.com", "mon-tls", null, null, IngressController.IngressNginx), e);
        var i = IngressBuilder.ForService(e, "grafana", "monitoring", "grafana", 3000, "/grafana");
        Assert.Equal("/grafana", i.Spec.Rules[0].Http.Paths[0].Path);
        Assert.Equal(3000, i.Spec.Rules[0].Http.Paths[0].Backend.Service.Port.Number);
        Assert.Equal("mon-tls", i.Spec.Tls[0].SecretName);
        Assert.Throws<KoValidationException>(() => IngressExposure.FromMap(new System.Collections.Hashtable { ["TlsSecretName"] = "x" }));
        Assert.Throws<KoValidationException>(() => IngressExposure.FromMap(new System.Collections.Hashtable { ["Host"] = "a.b", ["Colour"] = "x" }));
        Assert.Throws<KoValidationException>(() => IngressExposure.FromMap(new System.Collections.Hashtable { ["Host"] = "a.b", ["Controller"] = "Traefik" }));
    }
}

public class BasicAuthSecretBuilderTests
{
    [Fact]
    public void WritesEachControllersSecretFormatWithLfEndings()
    {
        var entries = new List<(string, string)> { ("alice", "$2y$10$a"), ("bob", "$6$s$b") };
        var f5 = BasicAuthSecretBuilder.Build(new BasicAuthSecretOptions { Name = "auth", Namespace = "web", Entries = entries });
        Assert.Equal("nginx.org/htpasswd", f5.Type);
        Assert.Equal("alice:$2y$10$a\nbob:$6$s$b\n", Encoding.UTF8.GetString(Assert.Single(f5.Data, d => d.Key == "htpasswd").Value));
        var community = BasicAuthSecretBuilder.Build(new BasicAuthSecretOptions { Name = "auth", Entries = entries, Controller = IngressController.IngressNginx });
        Assert.Equal("Opaque", community.Type);
        Assert.DoesNotContain("\r", Encoding.UTF8.GetString(community.Data["auth"]));
    }

    [Fact]
    public void AppendKeepsOtherUsersAndReplacesTheSameUser()
    {
        var existing = new V1Secret { Metadata = new V1ObjectMeta { Name = "auth", NamespaceProperty = "web" }, Data = new Dictionary<string, byte[]> { ["auth"] = Encoding.UTF8.GetBytes("alice:old\r\ncarol:keep\n") } };
        var s = BasicAuthSecretBuilder.Build(new BasicAuthSecretOptions { Name = "auth", Entries = [("alice", "new"), ("dave", "d")], Existing = existing, Controller = IngressController.IngressNginx });
        Assert.Equal("alice:new\ncarol:keep\ndave:d\n", Encoding.UTF8.GetString(s.Data["auth"]));
        Assert.Equal("web", s.Metadata.NamespaceProperty);
        Assert.Throws<KoValidationException>(() => BasicAuthSecretBuilder.Build(new BasicAuthSecretOptions { Name = "auth", Entries = [] }));
        Assert.Throws<KoValidationException>(() => BasicAuthSecretBuilder.Build(new BasicAuthSecretOptions { Name = "auth", Entries = [("a:b", "h")] }));
        var notAuth = new V1Secret { Metadata = new V1ObjectMeta { Name = "other" }, Data = new Dictionary<string, byte[]> { ["password"] = [1] } };
        Assert.Throws<KoValidationException>(() => BasicAuthSecretBuilder.Build(new BasicAuthSecretOptions { Name = "auth", Entries = [("a", "h")], Existing = notAuth }));
    }
}
