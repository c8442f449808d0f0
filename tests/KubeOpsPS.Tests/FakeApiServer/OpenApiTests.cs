namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>OpenAPI v3 schemas (kubectl explain) and v2 (kubectl's client-side validation of kind: List files).</summary>
public sealed class OpenApiTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public OpenApiTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private Task<KubectlRun> KubectlIn(string stdin, params string[] args) => _kubectl.In(stdin, args);

    private Task<KubectlRun> Kubectl(params string[] args) => _kubectl.Run(args);

    [Fact]
    public async Task KubectlExplainReadsTheV3Schemas()
    {
        var pods = await Kubectl("explain", "pods");
        Assert.True(pods.Exit == 0, pods.Err);
        Assert.Matches(@"KIND:\s+Pod\nVERSION:\s+v1", pods.Out);
        Assert.Contains("Pod is a collection of containers that can run on a host.", pods.Out);
        Assert.Matches(@"apiVersion\t<string>", pods.Out);
        Assert.Matches(@"spec\t<PodSpec>", pods.Out);
        Assert.DoesNotContain("Partial implementation", pods.Out);

        var template = await Kubectl("explain", "deploy.spec.template");
        Assert.True(template.Exit == 0, template.Err);
        Assert.Matches(@"GROUP:\s+apps\nKIND:\s+Deployment", template.Out);
        Assert.Contains("FIELD: template <PodTemplateSpec>", template.Out);
        var containers = await Kubectl("explain", "pod.spec.containers");
        Assert.Matches(@"name\t<string> -required-", containers.Out);
        Assert.Matches(@"ports\t<\[\]ContainerPort>", containers.Out);
        Assert.Matches(@"resources\t<ResourceRequirements>", containers.Out);
        var ingress = await Kubectl("explain", "ingress.spec.rules.http.paths.backend.service.port");
        Assert.True(ingress.Exit == 0, ingress.Err);
        Assert.Matches(@"number\t<integer>", ingress.Out);
    }

    [Fact]
    public async Task TheV3DocumentsCarryTheSpecsFacts()
    {
        var apps = await _h.Get("/openapi/v3/apis/apps/v1");
        Assert.Equal(200, apps.Code);
        var schemas = apps.Obj["components"]!["schemas"]!.AsObject();
        var deployment = schemas["io.k8s.api.apps.v1.Deployment"]!;
        Assert.Equal("apps", deployment["x-kubernetes-group-version-kind"]![0]!["group"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec", deployment["properties"]!["spec"]!["allOf"]![0]!["$ref"]!.GetValue<string>());
        var podSpec = schemas["io.k8s.api.core.v1.PodSpec"]!;
        var containers = podSpec["properties"]!["containers"]!;
        Assert.Equal("map", containers["x-kubernetes-list-type"]!.GetValue<string>());
        Assert.Equal("name", containers["x-kubernetes-list-map-keys"]![0]!.GetValue<string>());
        Assert.Equal("name", containers["x-kubernetes-patch-merge-key"]!.GetValue<string>());
        Assert.Equal("merge", containers["x-kubernetes-patch-strategy"]!.GetValue<string>());
        Assert.Contains("containers", podSpec["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("merge,retainKeys", podSpec["properties"]!["volumes"]!["x-kubernetes-patch-strategy"]!.GetValue<string>());
        var ports = schemas["io.k8s.api.core.v1.Container"]!["properties"]!["ports"]!;
        Assert.Equal(["containerPort", "protocol"], ports["x-kubernetes-list-map-keys"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal("int-or-string", schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["format"]!.GetValue<string>());
        Assert.Equal("date-time", schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]!["format"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString",
            schemas["io.k8s.api.apps.v1.RollingUpdateDeployment"]!["properties"]!["maxSurge"]!["allOf"]![0]!["$ref"]!.GetValue<string>());
        // The PATCH paths that declare fieldValidation (kubectl's server-side validation check) are still there.
        Assert.NotNull(apps.Obj["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]);

        var v2 = await _h.Get("/openapi/v2");
        Assert.Equal("2.0", v2.Str("swagger"));
        Assert.Equal("#/definitions/io.k8s.api.core.v1.PodSpec", v2.Obj["definitions"]!["io.k8s.api.core.v1.PodTemplateSpec"]!["properties"]!["spec"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientSideValidationOfAListFileUsesTheV2Schemas()
    {
        var ns = await _h.Ns("o");
        var list = $"""
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata:
                name: listed
                namespace: {ns}
              data:
                a: b
            """;
        var ok = await KubectlIn(list, "apply", "-f", "-");
        Assert.True(ok.Exit == 0, ok.Err);
        Assert.Contains("configmap/listed created", ok.Out);
        Assert.Contains(_f.Cluster.Requests, e => e.Path == "/openapi/v2" && e.Status == 200);

        var bad = await KubectlIn(list.Replace("name: listed", "name: bogus", StringComparison.Ordinal) + "\n  bogus: 1\n", "apply", "-f", "-");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("ValidationError(ConfigMap): unknown field \"bogus\" in io.k8s.api.core.v1.ConfigMap", bad.Err);
        Assert.Equal(404, (await _h.Get($"/api/v1/namespaces/{ns}/configmaps/bogus")).Code);
    }
}
