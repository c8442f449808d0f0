using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>CRDs become Established and their instances are served as the apiextensions server serves them.</summary>
public sealed class CustomResourceTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public CustomResourceTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private static string Crd(string group) => $$"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.{{group}}
        spec:
          group: {{group}}
          scope: Namespaced
          names: {plural: widgets, kind: Widget, shortNames: [wd]}
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
              scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1}
                      replicas: {type: integer, default: 1}
                      mode: {type: string, enum: [fast, slow], default: fast}
                  status:
                    type: object
                    properties:
                      replicas: {type: integer}
          - name: v1beta1
            served: true
            storage: false
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
        """;

    private static string Widget(string group, string ns, string name, string spec) =>
        $"apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec: {spec}\n";

    private async Task<string> Establish()
    {
        var group = $"g{Guid.NewGuid().ToString("N")[..8]}.example.com";
        var r = await _kubectl.In(Crd(group), "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        var wait = await _kubectl.Run("wait", "--for=condition=established", $"crd/widgets.{group}", "--timeout=30s");
        Assert.True(wait.Exit == 0, wait.ToString());
        await Eventually(() => _h.Get($"/apis/{group}/v1"), x => x.Code == 200, "the group served");
        return group;
    }

    [Fact]
    public async Task ACrdIsEstablishedAndItsInstancesAreServedWithDefaults()
    {
        var group = await Establish();
        var crd = await _h.Get($"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.{group}");
        var conditions = crd.Node("status.conditions")!.AsArray();
        Assert.Contains(conditions, c => c!["type"]!.GetValue<string>() == "NamesAccepted" && c["status"]!.GetValue<string>() == "True" && c["reason"]!.GetValue<string>() == "NoConflicts");
        Assert.Contains(conditions, c => c!["type"]!.GetValue<string>() == "Established" && c["status"]!.GetValue<string>() == "True");
        Assert.Equal("WidgetList", crd.Str("status.acceptedNames.listKind"));
        Assert.Equal("widget", crd.Str("spec.names.singular"));
        Assert.Equal("v1", crd.Str("status.storedVersions.0"));
        var resources = await _kubectl.Run("api-resources", "--api-group", group);
        Assert.Contains("widgets", resources.Out);
        var ns = await _h.Ns("cr");
        var applied = await _kubectl.In(Widget(group, ns, "w1", "{size: 3}"), "apply", "--server-side", "-f", "-");
        Assert.True(applied.Exit == 0, applied.ToString());
        var w = await _h.Get($"/apis/{group}/v1/namespaces/{ns}/widgets/w1");
        Assert.Equal(1, w.Node("spec.replicas")!.GetValue<int>());
        Assert.Equal("fast", w.Str("spec.mode"));
        var list = await _kubectl.Run("get", $"widgets.{group}", "-n", ns, "-o", "name");
        Assert.Equal($"widget.{group}/w1", list.Out.Trim());
        // The other served version shows the same object under its apiVersion.
        var beta = await _h.Get($"/apis/{group}/v1beta1/namespaces/{ns}/widgets/w1");
        Assert.Equal($"{group}/v1beta1", beta.Str("apiVersion"));
        Assert.Equal(3, beta.Node("spec.size")!.GetValue<int>());
    }

    [Fact]
    public async Task InstancesThatBreakTheSchemaAreRefusedAndUnknownFieldsPruned()
    {
        var group = await Establish();
        var ns = await _h.Ns("cr");
        var bad = await _kubectl.In(Widget(group, ns, "w2", "{size: 0, mode: medium}"), "apply", "-f", "-");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("spec.mode: Unsupported value: \"medium\": supported values: \"fast\", \"slow\"", bad.Err);
        Assert.Contains("spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1", bad.Err);
        var direct = await _h.Post($"/apis/{group}/v1/namespaces/{ns}/widgets", J($$$"""{"apiVersion":"{{{group}}}/v1","kind":"Widget","metadata":{"name":"w3"},"spec":{"size":"big"}}"""));
        IsStatus(direct, 422, "Invalid", $"Widget.{group} \"w3\" is invalid: spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\"");
        var missing = await _h.Post($"/apis/{group}/v1/namespaces/{ns}/widgets", J($$$"""{"apiVersion":"{{{group}}}/v1","kind":"Widget","metadata":{"name":"w4"},"spec":{}}"""));
        IsStatus(missing, 422, "Invalid", "spec.size: Required value");
        // kubectl asks for strict field validation: an unknown field is an error; without it, a warning and pruned.
        var strict = await _kubectl.In(Widget(group, ns, "w5", "{size: 2, extra: 1}"), "apply", "-f", "-");
        Assert.NotEqual(0, strict.Exit);
        Assert.Contains("strict decoding error: unknown field \"spec.extra\"", strict.Err);
        var lenient = await _h.Post($"/apis/{group}/v1/namespaces/{ns}/widgets", J($$$"""{"apiVersion":"{{{group}}}/v1","kind":"Widget","metadata":{"name":"w6"},"spec":{"size":2,"extra":1}}"""));
        Assert.Equal(201, lenient.Code);
        Assert.Null(lenient.Node("spec.extra"));
        Assert.Contains("unknown field \\\"spec.extra\\\"", string.Join(" ", lenient.Headers.GetValues("Warning")));
    }

    [Fact]
    public async Task StatusAndScaleSubresourcesAndCleanupOnDelete()
    {
        var group = await Establish();
        var ns = await _h.Ns("cr");
        var path = $"/apis/{group}/v1/namespaces/{ns}/widgets/w1";
        var created = await _h.Post($"/apis/{group}/v1/namespaces/{ns}/widgets", J($$$"""{"apiVersion":"{{{group}}}/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":1},"status":{"replicas":9}}"""));
        Assert.Equal(201, created.Code);
        Assert.Null(created.Node("status"));
        var st = (JsonObject)created.Obj.DeepClone();
        st["status"] = new JsonObject { ["replicas"] = 2 };
        Assert.Equal(2, (await _h.Put(path + "/status", st)).Node("status.replicas")!.GetValue<int>());
        var scaled = await _kubectl.Run("scale", $"widgets.{group}/w1", "-n", ns, "--replicas=4");
        Assert.True(scaled.Exit == 0, scaled.ToString());
        Assert.Equal(4, (await _h.Get(path)).Node("spec.replicas")!.GetValue<int>());
        var scale = await _h.Get(path + "/scale");
        Assert.Equal(2, scale.Node("status.replicas")!.GetValue<int>());
        // Deleting the CRD deletes its instances, then the CRD, then the API.
        var del = await _kubectl.Run("delete", "crd", $"widgets.{group}", "--timeout=30s");
        Assert.True(del.Exit == 0, del.ToString());
        await Eventually(() => _h.Get($"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.{group}"), r => r.Code == 404, "crd removed");
        Assert.Equal(404, (await _h.Get(path)).Code);
        var groups = await _h.Get("/apis");
        Assert.DoesNotContain(group, groups.Text);
    }

    [Fact]
    public async Task ACrdWithoutSchemasOrWithAWrongNameIsRefused()
    {
        var noSchema = await _h.Post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", J("""
            {"metadata":{"name":"things.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},
             "versions":[{"name":"v1","served":true,"storage":true}]}}
            """));
        IsStatus(noSchema, 422, "Invalid", "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required");
        var wrongName = await _h.Post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", J("""
            {"metadata":{"name":"thing.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},
             "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}
            """));
        IsStatus(wrongName, 422, "Invalid", "metadata.name: Invalid value: \"thing.example.com\": must be spec.names.plural+\".\"+spec.group");
    }
}
