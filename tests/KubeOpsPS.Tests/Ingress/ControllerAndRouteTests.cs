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
            "nginx.ingress.kubernetes.io/auth-realm", "nginx.ingress.kubernetes.io/auth-secret", "nginx.ingress.kubernetes.io/auth-secret-type",
            "nginx.ingress.kubernetes.io/auth-type", "nginx.ingress.kubernetes.io/proxy-body-size"], conversion.Untranslated);
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
