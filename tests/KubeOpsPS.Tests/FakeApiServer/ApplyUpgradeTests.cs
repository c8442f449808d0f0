using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Client-side to server-side apply, managedFields through JSON patch, the scale subresource and malformed patches, as a real server answers them.</summary>
public sealed class ApplyUpgradeTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public ApplyUpgradeTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private static string Yaml(string ns, string image, int replicas = 2) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: x
          namespace: {ns}
        spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: x
          template:
            metadata:
              labels:
                app: x
            spec:
              containers:
              - name: c
                image: {image}
        """;

    private static IEnumerable<string> Managers(Reply r) =>
        r.Node("metadata.managedFields")!.AsArray().Select(m => $"{m!["manager"]!.GetValue<string>()} {m["operation"]!.GetValue<string>()}");

    [Fact]
    public async Task ServerSideApplyTakesOverFromClientSideApplyWithoutAConflict()
    {
        var ns = await _h.Ns("ssa");
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/x";
        var csa = await _kubectl.In(Yaml(ns, "nginx:1.27"), "apply", "-f", "-");
        Assert.True(csa.Exit == 0, csa.ToString());
        Assert.Contains("kubectl-client-side-apply Update", Managers(await _h.Get(path)));
        // A changed field that kubectl-client-side-apply owns is no conflict for manager kubectl.
        var ssa = await _kubectl.In(Yaml(ns, "nginx:1.28"), "apply", "--server-side", "-f", "-");
        Assert.True(ssa.Exit == 0, ssa.ToString());
        Assert.Contains("deployment.apps/x serverside-applied", ssa.Out);
        Assert.DoesNotContain("rejected", ssa.Err);
        var live = await _h.Get(path);
        Assert.Equal("nginx:1.28", live.Str("spec.template.spec.containers.0.image"));
        // kubectl's migration patch moved the client-side manager's fields to kubectl.
        var managers = Managers(live).ToList();
        Assert.Contains("kubectl Apply", managers);
        Assert.DoesNotContain("kubectl-client-side-apply Update", managers);
        // The last-applied-configuration follows what was applied, so a later client-side apply compares with it.
        var lastApplied = JsonNode.Parse(live.Obj["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!.GetValue<string>())!;
        Assert.Equal("nginx:1.28", lastApplied["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Null(lastApplied["metadata"]!["annotations"]);
        var again = await _kubectl.In(Yaml(ns, "nginx:1.28", 3), "apply", "--server-side", "-f", "-");
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Equal(3, (await _h.Get(path)).Node("spec.replicas")!.GetValue<int>());
        // Another manager still conflicts on what kubectl now owns.
        var other = await _kubectl.In(Yaml(ns, "nginx:1.29", 3), "apply", "--server-side", "--field-manager", "someone-else", "-f", "-");
        Assert.NotEqual(0, other.Exit);
        Assert.Contains("conflict with \"kubectl\"", other.Err);
    }

    [Fact]
    public async Task DiffServerSideExitsOneOnADifferenceAndZeroWithout()
    {
        var ns = await _h.Ns("ssa");
        Assert.Equal(0, (await _kubectl.In(Yaml(ns, "nginx:1.27"), "apply", "-f", "-")).Exit);
        var differs = await _kubectl.In(Yaml(ns, "nginx:1.28"), "diff", "--server-side", "-f", "-");
        Assert.True(differs.Exit == 1, differs.ToString());
        Assert.Contains("+      - image: nginx:1.28", differs.Out);
        Assert.Equal("nginx:1.27", (await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/x")).Str("spec.template.spec.containers.0.image"));
        // Once applied server-side, the same configuration makes no difference. The diff waits for the rollout to
        // finish: while the controller still writes status, live and dry-run differ on a real cluster too.
        Assert.Equal(0, (await _kubectl.In(Yaml(ns, "nginx:1.28"), "apply", "--server-side", "-f", "-")).Exit);
        Assert.Equal(0, (await _kubectl.Run("rollout", "status", "deploy/x", "-n", ns, "--timeout=60s")).Exit);
        var same = await _kubectl.In(Yaml(ns, "nginx:1.28"), "diff", "--server-side", "-f", "-");
        Assert.True(same.Exit == 0, same.ToString());
    }

    [Fact]
    public async Task JsonPatchesAddressManagedFields()
    {
        var ns = await _h.Ns("ssa");
        var path = $"/api/v1/namespaces/{ns}/configmaps/c";
        var created = await _h.Apply(path, ConfigMap("c", typeMeta: true), "first");
        Assert.Equal(201, created.Code);
        var entry = (JsonObject)created.Node("metadata.managedFields.0")!.DeepClone();
        entry["manager"] = "second";
        var patch = new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = created.Rv },
            new JsonObject { ["op"] = "replace", ["path"] = "/metadata/managedFields", ["value"] = new JsonArray(entry) });
        var patched = await _h.Patch(path, patch, "application/json-patch+json");
        Assert.True(patched.Code == 200, patched.Text);
        Assert.Equal(["second Apply"], Managers(patched));
        // The new owner is the one that conflicts now.
        var conflict = await _h.Apply(path, ConfigMap("c", value: "other", typeMeta: true), "first");
        IsStatus(conflict, 409, "Conflict", "conflict with \"second\"");
        var stale = await _h.Patch(path, new JsonArray(new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = created.Rv }), "application/json-patch+json");
        Assert.Equal(422, stale.Code);
    }

    [Fact]
    public async Task ScaleTakesAnAutoscalingV1ScaleWithItsPreconditions()
    {
        var ns = await _h.Ns("ssa");
        Assert.Equal(0, (await _kubectl.In(Yaml(ns, "nginx:1.27"), "apply", "-f", "-")).Exit);
        var scaled = await _kubectl.Run("scale", "--current-replicas=2", "--replicas=1", "deploy/x", "-n", ns);
        Assert.True(scaled.Exit == 0, scaled.ToString());
        Assert.Contains("deployment.apps/x scaled", scaled.Out);
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/x";
        Assert.Equal(1, (await _h.Get(path)).Node("spec.replicas")!.GetValue<int>());
        Assert.Contains(_f.Cluster.Requests, e => e.Method == "PUT" && e.Path == path + "/scale" && e.Status == 200);
        var wrong = await _kubectl.Run("scale", "--current-replicas=5", "--replicas=3", "deploy/x", "-n", ns);
        Assert.NotEqual(0, wrong.Exit);
        Assert.Equal(1, (await _h.Get(path)).Node("spec.replicas")!.GetValue<int>());
        var scale = await _h.Get(path + "/scale");
        var stale = (JsonObject)scale.Obj.DeepClone();
        stale["metadata"]!["resourceVersion"] = "1";
        IsStatus(await _h.Put(path + "/scale", stale), 409, "Conflict");
        var negative = (JsonObject)scale.Obj.DeepClone();
        negative["spec"]!["replicas"] = -1;
        IsStatus(await _h.Put(path + "/scale", negative), 422, "Invalid", "Scale.autoscaling \"x\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
        var asDeployment = (JsonObject)scale.Obj.DeepClone();
        asDeployment["apiVersion"] = "apps/v1";
        IsStatus(await _h.Put(path + "/scale", asDeployment), 400, "BadRequest", "does not match the expected API version (autoscaling/v1)");
    }

    [Fact]
    public async Task MalformedPatchesGetTheServersDecodingErrors()
    {
        var ns = await _h.Ns("ssa");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("c"))).Code);
        var path = $"/api/v1/namespaces/{ns}/configmaps/c";
        IsStatus(await _h.Patch(path, J("""{"op":"add"}"""), "application/json-patch+json"), 400, "BadRequest", "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        IsStatus(await _h.Patch(path, "\"x\"", "application/merge-patch+json"), 400, "BadRequest", "json: cannot unmarshal string into Go value of type map[string]interface {}");
        IsStatus(await _h.Patch(path, "[1]", "application/strategic-merge-patch+json"), 400, "BadRequest", "json: cannot unmarshal array into Go value of type map[string]interface {}");
        var kubectl = await _kubectl.Run("patch", "cm", "c", "-n", ns, "--type=json", "-p", """{"op":"add"}""");
        Assert.Contains("Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch", kubectl.Err);
    }
}
