using k8s;
using k8s.Models;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Workloads;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Ingress;

public class IngressControllerBundleTests
{
    [Fact]
    public void InstallsTheMaintainedControllerByDefaultOnTheSeedsPort()
    {
        var bundle = IngressControllerBundle.Build(new IngressControllerOptions { HttpPort = 8080, HttpsPort = 8443, WatchNamespace = "apps", Config = new Dictionary<string, string> { ["client-max-body-size"] = "20m" } });
        Assert.Equal(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "IngressClass", "Deployment", "Service"],
            bundle.Select(o => ((IKubernetesObject)o).Kind));
        var deployment = bundle.OfType<V1Deployment>().Single();
        Assert.Equal("nginx-ingress", deployment.Metadata.NamespaceProperty);
        var c = deployment.Spec.Template.Spec.Containers[0];
        Assert.StartsWith("nginx/nginx-ingress:5.", c.Image);
        Assert.Contains("-default-http-listener-port=8080", c.Args);
        Assert.Contains("-default-https-listener-port=8443", c.Args);
        Assert.Contains("-watch-namespace=apps", c.Args);
        Assert.Contains("-enable-custom-resources=false", c.Args); // no CRDs are installed
        Assert.Equal(8080, c.Ports.Single(p => p.Name == "http").ContainerPort);
        Assert.True(c.SecurityContext.RunAsNonRoot);
        Assert.False(c.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal("nginx.org/ingress-controller", bundle.OfType<V1IngressClass>().Single().Spec.Controller);
        Assert.Equal("20m", bundle.OfType<V1ConfigMap>().Single().Data["client-max-body-size"]);
        var svc = bundle.OfType<V1Service>().Single();
        Assert.Equal("NodePort", svc.Spec.Type);
        Assert.Equal("http", svc.Spec.Ports[0].TargetPort.Value);
    }

    [Fact]
    public void InstallsTheRetiredCommunityControllerWhenAsked()
    {
        var bundle = IngressControllerBundle.Build(new IngressControllerOptions
        {
            Controller = IngressController.IngressNginx, HttpPort = 8080, HostNetwork = true, DaemonSet = true, DefaultBackend = "web/fallback", AsDefaultClass = true,
        });
        var ds = bundle.OfType<V1DaemonSet>().Single();
        Assert.Equal("ingress-nginx", ds.Metadata.NamespaceProperty);
        var spec = ds.Spec.Template.Spec;
        Assert.True(spec.HostNetwork);
        Assert.Equal("ClusterFirstWithHostNet", spec.DnsPolicy);
        var c = spec.Containers[0];
        Assert.Equal("registry.k8s.io/ingress-nginx/controller:v1.15.1", c.Image);
        Assert.Contains("--http-port=8080", c.Args);
        Assert.Contains("--default-backend-service=web/fallback", c.Args);
        Assert.Contains("--controller-class=k8s.io/ingress-nginx", c.Args);
        Assert.Equal(8080, c.Ports.Single(p => p.Name == "http").HostPort);
        var cls = bundle.OfType<V1IngressClass>().Single();
        Assert.Equal("true", cls.Metadata.Annotations[IngressControllerBundle.DefaultClassAnnotation]);
        Assert.DoesNotContain(bundle, o => o is V1ValidatingWebhookConfiguration); // the IngressNightmare path is not installed
    }

    [Fact]
    public void SendsUnmatchedRequestsToTheUsersServiceOnTheMaintainedController()
    {
        var bundle = IngressControllerBundle.Build(new IngressControllerOptions { DefaultBackend = "fallback" });
        var catchAll = bundle.OfType<V1Ingress>().Single();
        Assert.Equal("nginx-ingress", catchAll.Metadata.NamespaceProperty);
        Assert.Equal("fallback", catchAll.Spec.DefaultBackend.Service.Name);
        Assert.Null(catchAll.Spec.Rules);
    }

    [Theory]
    [InlineData(0, 443, null, false, "-HttpPort")]
    [InlineData(8080, 8080, null, false, "-HttpsPort")]
    [InlineData(80, 443, 70000, false, "-NodePort")]
    [InlineData(80, 443, 30080, true, "-NodePort")]
    public void RefusesBadPorts(int http, int https, int? nodePort, bool hostNetwork, string field)
    {
        var e = Assert.Throws<KoValidationException>(() => IngressControllerBundle.Build(new IngressControllerOptions { HttpPort = http, HttpsPort = https, NodePort = nodePort, HostNetwork = hostNetwork }));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void RefusesOtherBadOptions()
    {
        Assert.Equal("-WatchNamespace", Assert.Throws<KoValidationException>(() => IngressControllerBundle.Build(new IngressControllerOptions { WatchNamespace = "Bad_NS" })).Field);
        Assert.Equal("-DefaultBackend", Assert.Throws<KoValidationException>(() => IngressControllerBundle.Build(new IngressControllerOptions { DefaultBackend = "a/b/c" })).Field);
        Assert.Equal("-Config", Assert.Throws<KoValidationException>(() => IngressControllerBundle.Build(new IngressControllerOptions { Config = new Dictionary<string, string> { ["bad key!"] = "x" } })).Field);
        Assert.Equal("-Replicas", Assert.Throws<KoValidationException>(() => IngressControllerBundle.Build(new IngressControllerOptions { Replicas = 0 })).Field);
        Assert.Equal("-ExternalIP", Assert.Throws<KoValidationException>(() => IngressControllerBundle.Build(new IngressControllerOptions { ExternalIPs = ["10.0.0"] })).Field);
    }
}

public class HttpRouteBuilderTests
{
    [Fact]
    public void BuildsAnHttpRouteOnTheGateway()
    {
        var route = Assert.Single(HttpRouteBuilder.Build(new HttpRouteOptions
        {
            Name = "web", Namespace = "shop", Rules = [new IngressRuleOptions { Host = "shop.example.com", Path = "/cart", PathType = "Exact", ServiceName = "cart", ServicePort = 8080 }],
        }));
        Assert.Equal("gateway.networking.k8s.io/v1", route.ApiVersion);
        Assert.Equal("HTTPRoute", route.Kind);
        var spec = route.Body["spec"]!;
        Assert.Equal("gateway", (string?)spec["parentRefs"]![0]!["name"]);
        Assert.Equal("gateway-system", (string?)spec["parentRefs"]![0]!["namespace"]);
        Assert.Equal("shop.example.com", (string?)spec["hostnames"]![0]);
        Assert.Equal("Exact", (string?)spec["rules"]![0]!["matches"]![0]!["path"]!["type"]);
        Assert.Equal(8080, (int)spec["rules"]![0]!["backendRefs"]![0]!["port"]!);
    }

    [Fact]
    public void TerminatesTlsOnAListenerSet()
    {
        var objects = HttpRouteBuilder.Build(new HttpRouteOptions
        {
            Name = "dash", Rules = [new IngressRuleOptions { Host = "dash.example.com", Path = "/ui", ServiceName = "headlamp", ServicePort = 80 }], TlsSecretName = "dash-tls", StripPathPrefix = true,
        });
        Assert.Equal(["ListenerSet", "HTTPRoute"], objects.Select(o => o.Kind));
        var listener = objects[0].Body["spec"]!["listeners"]![0]!;
        Assert.Equal("HTTPS", (string?)listener["protocol"]);
        Assert.Equal("dash-tls", (string?)listener["tls"]!["certificateRefs"]![0]!["name"]);
        var route = objects[1].Body["spec"]!;
        Assert.Equal("ListenerSet", (string?)route["parentRefs"]![0]!["kind"]);
        Assert.Equal("/", (string?)route["rules"]![0]!["filters"]![0]!["urlRewrite"]!["path"]!["replacePrefixMatch"]);
    }

    [Fact]
    public void RefusesWhatAnHttpRouteCannotSay()
    {
        IngressRuleOptions rule = new() { Host = "a.example.com", ServiceName = "svc", ServicePort = "http" };
        Assert.Equal("-ServicePort", Assert.Throws<KoValidationException>(() => HttpRouteBuilder.Build(new HttpRouteOptions { Name = "r", Rules = [rule] })).Field);
        Assert.Equal("-PathType", Assert.Throws<KoValidationException>(() => HttpRouteBuilder.Build(new HttpRouteOptions { Name = "r", Rules = [rule with { ServicePort = 80, PathType = "ImplementationSpecific" }] })).Field);
    }

    [Fact]
    public void ConvertsAnIngressAndReportsWhatHasNoEquivalent()
    {
        var ingress = IngressBuilder.Build(new IngressOptions
        {
            Name = "kibana", Namespace = "logging", Controller = IngressController.IngressNginx, StripPathPrefix = true, BasicAuthSecret = "auth", TlsSecretName = "tls",
            Rules = [new IngressRuleOptions { Host = "logs.example.com", Path = "/kibana", ServiceName = "kibana", ServicePort = 5601 }],
            Annotations = new Dictionary<string, string> { ["nginx.ingress.kubernetes.io/proxy-body-size"] = "10m" },
        });
        var conversion = HttpRouteBuilder.FromIngress(ingress);
        Assert.Equal("Ingress logging/kibana", conversion.Source);
        Assert.Equal(["ListenerSet", "HTTPRoute"], conversion.Objects.Select(o => o.Kind));
        var rule = conversion.Objects[1].Body["spec"]!["rules"]![0]!;
        Assert.Equal("/kibana", (string?)rule["matches"]![0]!["path"]!["value"]);
        Assert.Equal("URLRewrite", (string?)rule["filters"]![0]!["type"]);
        Assert.Equal([
            "nginx.ingress.kubernetes.io/proxy-body-size",
            "basic auth (nginx.ingress.kubernetes.io/auth-type, nginx.ingress.kubernetes.io/auth-secret, nginx.ingress.kubernetes.io/auth-secret-type, nginx.ingress.kubernetes.io/auth-realm; "
            + "-Implementation EnvoyGateway or NginxGatewayFabric converts it to that implementation's resource)"], conversion.Untranslated);
        Assert.Empty(conversion.Notes);
    }

    private static V1Ingress KibanaWithAuth(IngressController controller) => IngressBuilder.Build(new IngressOptions
    {
        Name = "kibana", Namespace = "logging", Controller = controller, StripPathPrefix = true, BasicAuthSecret = "kibana-auth", TlsSecretName = "tls",
        Rules = [new IngressRuleOptions { Host = "logs.example.com", Path = "/kibana", ServiceName = "kibana", ServicePort = 5601 }],
    });

    [Fact]
    public void BasicAuthBecomesAnEnvoyGatewaySecurityPolicyOnTheRoute()
    {
        var conversion = HttpRouteBuilder.FromIngress(KibanaWithAuth(IngressController.IngressNginx), implementation: GatewayImplementation.EnvoyGateway);
        Assert.Equal(["ListenerSet", "HTTPRoute", "SecurityPolicy"], conversion.Objects.Select(o => o.Kind));
        var policy = conversion.Objects[2];
        Assert.Equal("gateway.envoyproxy.io/v1alpha1", policy.ApiVersion);
        Assert.Equal("logging", policy.Metadata.NamespaceProperty);
        var target = policy.Body["spec"]!["targetRefs"]![0]!;
        Assert.Equal(("gateway.networking.k8s.io", "HTTPRoute", "kibana"), ((string?)target["group"], (string?)target["kind"], (string?)target["name"]));
        Assert.Equal("kibana-auth", (string?)policy.Body["spec"]!["basicAuth"]!["users"]!["name"]);
        Assert.Empty(conversion.Untranslated);
        Assert.Contains(".htpasswd", Assert.Single(conversion.Notes), StringComparison.Ordinal);
        Assert.Contains("{SHA}", conversion.Notes[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IngressController.IngressNginx, false)]
    [InlineData(IngressController.NginxInc, true)]
    public void BasicAuthBecomesAnNginxGatewayFabricAuthenticationFilterEveryRuleReferences(IngressController controller, bool keyNote)
    {
        var conversion = HttpRouteBuilder.FromIngress(KibanaWithAuth(controller), implementation: GatewayImplementation.NginxGatewayFabric);
        Assert.Equal(["ListenerSet", "HTTPRoute", "AuthenticationFilter"], conversion.Objects.Select(o => o.Kind));
        var filter = conversion.Objects[2];
        Assert.Equal("gateway.nginx.org/v1alpha1", filter.ApiVersion);
        Assert.Equal("Basic", (string?)filter.Body["spec"]!["type"]);
        Assert.Equal("kibana-auth", (string?)filter.Body["spec"]!["basic"]!["secretRef"]!["name"]);
        Assert.False(string.IsNullOrEmpty((string?)filter.Body["spec"]!["basic"]!["realm"])); // required by the CRD
        foreach (var rule in conversion.Objects[1].Body["spec"]!["rules"]!.AsArray())
        {
            var filters = rule!["filters"]!.AsArray();
            var ext = filters.Single(f => (string?)f!["type"] == "ExtensionRef")!["extensionRef"]!;
            Assert.Equal(("gateway.nginx.org", "AuthenticationFilter", filter.Metadata.Name), ((string?)ext["group"], (string?)ext["kind"], (string?)ext["name"]));
            Assert.Contains(filters, f => (string?)f!["type"] == "URLRewrite");
        }
        Assert.Empty(conversion.Untranslated);
        Assert.Equal(keyNote, conversion.Notes.Single().Contains("copy it to 'auth'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/kibana(/|$)(.*)", "/$2", "/kibana", "ReplacePrefixMatch", "/")]
    [InlineData("/api(/|$)(.*)", "/v2/$2", "/api", "ReplacePrefixMatch", "/v2")]
    [InlineData("/app/(.*)", "/$1", "/app", "ReplacePrefixMatch", "/")]
    [InlineData("/old", "/new/index.html", "/old", "ReplaceFullPath", "/new/index.html")]
    [InlineData("/api(/|$)(.*)", "/v2$2", null, null, null)] // '/v2' glued to the rest: no prefix replacement says that
    [InlineData("/(api|web)/(.*)", "/$2", null, null, null)] // an alternation is not a literal prefix
    [InlineData("/a(/|$)(.*)", "/$2/$1", null, null, null)]
    public void RewriteTargetWithCaptureGroupsBecomesAUrlRewriteWhereOneCanSayIt(string path, string target, string? match, string? type, string? value)
    {
        var ingress = new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1", Kind = "Ingress",
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "web", Annotations = new Dictionary<string, string> { ["nginx.ingress.kubernetes.io/rewrite-target"] = target, ["nginx.ingress.kubernetes.io/use-regex"] = "true" } },
            Spec = new V1IngressSpec { Rules = [new V1IngressRule { Host = "a.example.com", Http = new V1HTTPIngressRuleValue { Paths = [new V1HTTPIngressPath { Path = path, PathType = "ImplementationSpecific", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "app", Port = new V1ServiceBackendPort { Number = 80 } } } }] } }] },
        };
        if (match is null)
        {
            var e = Assert.Throws<KoValidationException>(() => HttpRouteBuilder.FromIngress(ingress));
            Assert.Contains($"rewrite-target '{target}' for path '{path}' has no URLRewrite equivalent", e.Message, StringComparison.Ordinal);
            return;
        }
        var conversion = HttpRouteBuilder.FromIngress(ingress);
        Assert.Empty(conversion.Untranslated);
        var rule = conversion.Objects.Single().Body["spec"]!["rules"]![0]!;
        Assert.Equal(("PathPrefix", match), ((string?)rule["matches"]![0]!["path"]!["type"], (string?)rule["matches"]![0]!["path"]!["value"]));
        var rewrite = rule["filters"]!.AsArray().Single()!["urlRewrite"]!["path"]!;
        Assert.Equal(type, (string?)rewrite["type"]);
        Assert.Equal(value, (string?)rewrite[type == "ReplaceFullPath" ? "replaceFullPath" : "replacePrefixMatch"]);
    }

    // What Gateway API v1.6.1 serves (config/crd/standard, checked 2026-12-02): the group/version of each kind the
    // module writes, and the spec fields of ListenerSet and its listeners.
    private static readonly Dictionary<string, string> Served = new()
    {
        ["HTTPRoute"] = "gateway.networking.k8s.io/v1", ["ListenerSet"] = "gateway.networking.k8s.io/v1",
        ["SecurityPolicy"] = "gateway.envoyproxy.io/v1alpha1", ["AuthenticationFilter"] = "gateway.nginx.org/v1alpha1",
    };

    [Theory]
    [InlineData(GatewayImplementation.None)]
    [InlineData(GatewayImplementation.EnvoyGateway)]
    [InlineData(GatewayImplementation.NginxGatewayFabric)]
    public void EveryGatewayObjectUsesTheGroupVersionAndFieldsV16Serves(GatewayImplementation implementation)
    {
        var objects = HttpRouteBuilder.FromIngress(KibanaWithAuth(IngressController.IngressNginx), implementation: implementation).Objects;
        foreach (var o in objects)
        {
            Assert.Equal(Served[o.Kind], o.ApiVersion);
            Assert.DoesNotContain("x-k8s.io", o.ApiVersion, StringComparison.Ordinal);
        }
        var ls = objects.Single(o => o.Kind == "ListenerSet").Body["spec"]!.AsObject();
        Assert.Equal(["listeners", "parentRef"], ls.Select(p => p.Key).Order());
        Assert.Equal(("gateway.networking.k8s.io", "Gateway"), ((string?)ls["parentRef"]!["group"], (string?)ls["parentRef"]!["kind"]));
        foreach (var l in ls["listeners"]!.AsArray())
            Assert.Subset(new HashSet<string> { "name", "hostname", "port", "protocol", "tls", "allowedRoutes" }, l!.AsObject().Select(p => p.Key).ToHashSet());
        var route = objects.Single(o => o.Kind == "HTTPRoute").Body["spec"]!;
        Assert.Equal(("gateway.networking.k8s.io", "ListenerSet"), ((string?)route["parentRefs"]![0]!["group"], (string?)route["parentRefs"]![0]!["kind"]));
        foreach (var f in route["rules"]!.AsArray().SelectMany(r => r!["filters"]?.AsArray() ?? []))
            Assert.Contains((string?)f!["type"], new[] { "URLRewrite", "ExtensionRef", "RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "RequestMirror", "CORS" });
    }

    [Fact]
    public void ConvertsOneRoutePerHost()
    {
        var ingress = IngressBuilder.Build(new IngressOptions
        {
            Name = "sites", Rules = [new IngressRuleOptions { Host = "a.example.com", ServiceName = "a", ServicePort = 80 }, new IngressRuleOptions { Host = "b.example.com", ServiceName = "b", ServicePort = 80 }],
        });
        Assert.Equal(["sites-a", "sites-b"], HttpRouteBuilder.FromIngress(ingress).Objects.Select(o => o.Metadata.Name));
    }
}

public class ServiceBuilderTests
{
    [Fact]
    public void PutsANodePortServiceWithExternalIpsInFrontOfADeployment()
    {
        var d = DeploymentBuilder.Build(new DeploymentOptions { Name = "web", Image = "nginx:1.29", Ports = [8080], Namespace = "shop" });
        var (name, ns, selector, ports) = ServiceBuilder.Target(d);
        var s = ServiceBuilder.Build(new ServiceOptions { Name = name, Namespace = ns, Selector = selector, Type = "nodeport", ExternalIPs = ["192.168.1.10"], Ports = [new ServicePortOptions(80, ports[0], 30080)] });
        Assert.Equal("NodePort", s.Spec.Type);
        Assert.Equal("shop", s.Metadata.NamespaceProperty);
        Assert.Equal("web", s.Spec.Selector["app.kubernetes.io/name"]);
        Assert.Equal(["192.168.1.10"], s.Spec.ExternalIPs);
        Assert.Equal(30080, s.Spec.Ports[0].NodePort);
        Assert.Equal("8080", s.Spec.Ports[0].TargetPort.Value);
        var headless = ServiceBuilder.Build(new ServiceOptions { Name = "db", Type = "Headless", Selector = selector, Ports = [new ServicePortOptions(3306)] });
        Assert.Equal("None", headless.Spec.ClusterIP);
    }

    [Fact]
    public void RefusesBadServices()
    {
        var sel = new Dictionary<string, string> { ["app"] = "web" };
        Assert.Equal("-NodePort", Assert.Throws<KoValidationException>(() => ServiceBuilder.Build(new ServiceOptions { Name = "s", Selector = sel, Ports = [new ServicePortOptions(80, null, 30080)] })).Field);
        Assert.Equal("-Port", Assert.Throws<KoValidationException>(() => ServiceBuilder.Build(new ServiceOptions { Name = "s", Selector = sel, Ports = [] })).Field);
        Assert.Equal("-Port", Assert.Throws<KoValidationException>(() => ServiceBuilder.Build(new ServiceOptions { Name = "s", Selector = sel, Ports = [new ServicePortOptions(80), new ServicePortOptions(80)] })).Field);
        Assert.Equal("-Selector", Assert.Throws<KoValidationException>(() => ServiceBuilder.Build(new ServiceOptions { Name = "s", Selector = new Dictionary<string, string>(), Ports = [new ServicePortOptions(80)] })).Field);
        Assert.Equal("-ExternalIP", Assert.Throws<KoValidationException>(() => ServiceBuilder.Build(new ServiceOptions { Name = "s", Selector = sel, Ports = [new ServicePortOptions(80)], ExternalIPs = ["node-1"] })).Field);
        Assert.Equal("-Name", Assert.Throws<KoValidationException>(() => ServiceBuilder.Build(new ServiceOptions { Name = "1web", Selector = sel, Ports = [new ServicePortOptions(80)] })).Field);
        Assert.Throws<KoValidationException>(() => ServiceBuilder.Target(new V1ConfigMap()));
    }
}
