using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Server-side apply (S-1..S-7) and patches (P-1..P-6).</summary>
public sealed class ApplyPatchTests(FakeClusterFixture f) : IClassFixture<FakeClusterFixture>
{
    private readonly HttpClient _h = f.Http;

    private static string CmPath(string ns, string name) => $"/api/v1/namespaces/{ns}/configmaps/{name}";

    [Fact]
    public async Task ApplyPreconditionsInOrder()
    {
        var ns = await _h.Ns();
        var p = CmPath(ns, "c");
        var noManager = await _h.Send("PATCH", p, ConfigMap("c", typeMeta: true), "application/apply-patch+yaml");
        IsStatus(noManager, 422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        var wrongVersion = ConfigMap("c", typeMeta: true); wrongVersion["apiVersion"] = "v2";
        IsStatus(await _h.Apply(p, wrongVersion), 400, "BadRequest", "Incorrect version specified in apply patch. Specified patch version: v2, expected: v1");
        var noKind = ConfigMap("c"); noKind["apiVersion"] = "v1";
        IsStatus(await _h.Apply(p, noKind), 400, "BadRequest");
        var withMf = ConfigMap("c", typeMeta: true); withMf["metadata"]!["managedFields"] = JsonNode.Parse("""[{"manager":"x","operation":"Apply"}]""");
        IsStatus(await _h.Apply(p, withMf), 400, "BadRequest", "metadata.managedFields must be nil");
        IsStatus(await _h.Apply(CmPath(ns, "other"), ConfigMap("c", typeMeta: true)), 400, "BadRequest");
        var wrongNs = ConfigMap("c", typeMeta: true); wrongNs["metadata"]!["namespace"] = "elsewhere";
        IsStatus(await _h.Apply(p, wrongNs), 400, "BadRequest");
        var created = await _h.Apply(p, ConfigMap("c", typeMeta: true));
        Assert.Equal(201, created.Code);
        var stale = ConfigMap("c", value: "2", typeMeta: true); stale["metadata"]!["resourceVersion"] = "1";
        IsStatus(await _h.Apply(p, stale), 409, "Conflict");
        IsStatus(await _h.Apply($"/api/v1/namespaces/missing-ns/configmaps/c", ConfigMap("c", typeMeta: true)), 404, "NotFound", "namespaces \"missing-ns\" not found");
    }

    [Fact]
    public async Task ApplyCreatesThenUpdatesThenIsANoOp()
    {
        var ns = await _h.Ns();
        var p = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        var d = Deployment("web", replicas: 0, typeMeta: true);
        var c = await _h.Apply(p, d, "kubeops");
        Assert.Equal(201, c.Code);
        var mf = c.Node("metadata.managedFields")!.AsArray();
        Assert.Single(mf);
        Assert.Equal("kubeops", mf[0]!["manager"]!.GetValue<string>());
        Assert.Equal("Apply", mf[0]!["operation"]!.GetValue<string>());
        Assert.Equal("apps/v1", mf[0]!["apiVersion"]!.GetValue<string>());
        var fv1 = mf[0]!["fieldsV1"]!;
        Assert.NotNull(fv1["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"web\"}"]!["."]);
        Assert.NotNull(fv1["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"web\"}"]!["f:image"]);
        Assert.NotNull(fv1["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"web\"}"]!["f:ports"]!["k:{\"containerPort\":80,\"protocol\":\"TCP\"}"]);
        Assert.NotNull(fv1["f:metadata"]!["f:labels"]!["f:app"]);
        Assert.Null(fv1["f:metadata"]!["f:name"]);
        Assert.Null(fv1["f:status"]);
        var before = await Eventually(() => _h.Get(p), RolledOut, "the controller's last status write");
        var writes = f.Cluster.WritesFor("deployments", ns, "web");
        var again = await _h.Apply(p, d, "kubeops");
        Assert.Equal(200, again.Code);
        Assert.Equal(before.Rv, again.Rv);
        Assert.Equal(writes, f.Cluster.WritesFor("deployments", ns, "web"));
        Assert.Equal(before.Node("metadata.managedFields")!.ToJsonString(), again.Node("metadata.managedFields")!.ToJsonString());
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:1.28";
        var changed = await _h.Apply(p, d, "kubeops");
        Assert.Equal("nginx:1.28", changed.Str("spec.template.spec.containers.0.image"));
        Assert.Equal(writes + 1, f.Cluster.WritesFor("deployments", ns, "web"));
    }

    [Fact]
    public async Task ConflictsNameTheOtherManagerAndForceMovesOwnership()
    {
        var ns = await _h.Ns();
        var p = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        var d = Deployment("web", replicas: 0, typeMeta: true);
        await _h.Apply(p, d, "kubectl");
        // Another manager (an update through the scale subresource by the same name still counts as another manager).
        var scaled = await _h.Patch(p + "/scale", J("""{"spec":{"replicas":1}}"""), "application/merge-patch+json");
        Assert.Equal(200, scaled.Code);
        Assert.Equal("Scale", scaled.Str("kind"));
        var cur = await _h.Get(p);
        var scaleEntry = cur.Node("metadata.managedFields")!.AsArray().Single(e => e!["subresource"]?.GetValue<string>() == "scale")!;
        Assert.Equal("Update", scaleEntry["operation"]!.GetValue<string>());
        Assert.NotNull(scaleEntry["fieldsV1"]!["f:spec"]!["f:replicas"]);

        var conflict = await _h.Apply(p, d, "kubectl");
        IsStatus(conflict, 409, "Conflict", "Apply failed with 1 conflict: conflict with \"fake-tests\" with subresource \"scale\" using apps/v1: .spec.replicas");
        Assert.Equal("FieldManagerConflict", conflict.Str("details.causes.0.reason"));
        Assert.Equal(".spec.replicas", conflict.Str("details.causes.0.field"));

        // Two conflicts with an Update manager by merge patch.
        await _h.Patch(p, J("""{"metadata":{"labels":{"app":"other"}},"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:9"}]}}}}"""), "application/strategic-merge-patch+json");
        var two = await _h.Apply(p, d, "kubectl");
        IsStatus(two, 409, "Conflict", "Apply failed with 3 conflicts: ");
        Assert.Contains("conflicts with \"fake-tests\" using apps/v1:\n- .metadata.labels.app\n- .spec.template.spec.containers[name=\"web\"].image", two.Str("message"));

        // Same value: shared ownership, no conflict.
        var same = Deployment("web", replicas: 1, typeMeta: true);
        same["metadata"]!["labels"]!["app"] = "other";
        same["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:9";
        Assert.Equal(200, (await _h.Apply(p, same, "kubectl")).Code);

        var forced = await _h.Apply(p, d, "kubectl", force: true);
        Assert.Equal(200, forced.Code);
        Assert.Equal(0, forced.Node("spec.replicas")!.GetValue<int>());
        var entries = forced.Node("metadata.managedFields")!.AsArray();
        Assert.DoesNotContain(entries, e => e!["subresource"]?.GetValue<string>() == "scale");
        var mine = entries.Single(e => e!["manager"]!.GetValue<string>() == "kubectl" && e["operation"]!.GetValue<string>() == "Apply")!;
        Assert.NotNull(mine["fieldsV1"]!["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public async Task DroppingAFieldRemovesItUnlessAnotherManagerOwnsIt()
    {
        var ns = await _h.Ns();
        var p = CmPath(ns, "c");
        await _h.Apply(p, J("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1","b":"2"}},"data":{"x":"1","y":"2"}}"""), "m1");
        await _h.Apply(p, J("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"y":"2"}}"""), "m2");
        var r = await _h.Apply(p, J("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1"}},"data":{"x":"1"}}"""), "m1");
        Assert.Null(r.Node("metadata.labels.b"));
        Assert.Equal("2", r.Str("data.y"));
        Assert.Equal("1", r.Str("data.x"));

        // Re-defaulting: dropping replicas brings back 1.
        var dp = $"/apis/apps/v1/namespaces/{ns}/deployments/d";
        await _h.Apply(dp, Deployment("d", replicas: 0, typeMeta: true), "m1");
        var noReplicas = Deployment("d", typeMeta: true); noReplicas["spec"]!.AsObject().Remove("replicas");
        var re = await _h.Apply(dp, noReplicas, "m1");
        Assert.Equal(1, re.Node("spec.replicas")!.GetValue<int>());

        // Containers merge by name; a dropped container goes, an atomic list is replaced whole.
        var two = Deployment("d2", replicas: 0, typeMeta: true);
        two["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Add(J("""{"name":"side","image":"busybox:1","args":["a","b"]}"""));
        var d2 = $"/apis/apps/v1/namespaces/{ns}/deployments/d2";
        await _h.Apply(d2, two, "m1");
        var one = Deployment("d2", replicas: 0, typeMeta: true);
        var after = await _h.Apply(d2, one, "m1");
        Assert.Single(after.Node("spec.template.spec.containers")!.AsArray());
    }

    [Fact]
    public async Task ClearingManagedFields()
    {
        var ns = await _h.Ns();
        var p = CmPath(ns, "c");
        await _h.Apply(p, ConfigMap("c", typeMeta: true), "m1");
        var keep = await _h.Patch(p, J("""{"metadata":{"managedFields":[]}}"""), "application/merge-patch+json");
        Assert.NotEmpty(keep.Node("metadata.managedFields")!.AsArray());
        var clear = await _h.Patch(p, J("""{"metadata":{"managedFields":[{}]}}"""), "application/merge-patch+json");
        Assert.Null(clear.Node("metadata.managedFields"));
    }

    [Fact]
    public async Task PatchMediaTypesAndOptions()
    {
        var ns = await _h.Ns();
        var p = CmPath(ns, "c");
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("c"));
        IsStatus(await _h.Patch(p, J("""{"data":{"k":"x"}}"""), "application/xml"), 415, "UnsupportedMediaType");
        Assert.Equal(200, (await _h.Patch(p, J("""{"data":{"k":"x"}}"""), "application/merge-patch+json; charset=utf-8")).Code);
        IsStatus(await _h.Patch(p + "?force=false", J("""{"data":{"k":"x"}}"""), "application/merge-patch+json"), 422, "Invalid", "force: Forbidden: may not be specified for non-apply patch");
        IsStatus(await _h.Apply(CmPath(ns, "c2"), ConfigMap("c2", typeMeta: true), new string('m', 129)), 422, "Invalid", "fieldManager");
        IsStatus(await _h.Patch(CmPath(ns, "missing"), J("""{"data":{"k":"x"}}"""), "application/merge-patch+json"), 404, "NotFound");
        IsStatus(await _h.Patch($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes/r", J("{}"), "application/strategic-merge-patch+json"), 404, "NotFound");
        var route = J("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r"},"spec":{"hostnames":["a.example.com"]}}""");
        Assert.Equal(201, (await _h.Apply($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes/r", route)).Code);
        IsStatus(await _h.Patch($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes/r", J("{}"), "application/strategic-merge-patch+json"), 415, "UnsupportedMediaType");
    }

    [Fact]
    public async Task MergeAndJsonPatchSemantics()
    {
        var ns = await _h.Ns();
        var p = CmPath(ns, "c");
        var cm = J("""{"metadata":{"name":"c","labels":{"a":"1","b":"2"}},"data":{"x":"1","y":"2"}}""");
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", cm);
        var m = await _h.Patch(p, J("""{"metadata":{"labels":{"a":null,"c":"3"}},"data":{"y":"9"}}"""), "application/merge-patch+json");
        Assert.Null(m.Node("metadata.labels.a"));
        Assert.Equal("3", m.Str("metadata.labels.c"));
        Assert.Equal("9", m.Str("data.y"));
        var jp = await _h.Patch(p, JsonNode.Parse("""[{"op":"test","path":"/data/x","value":"1"},{"op":"replace","path":"/data/x","value":"10"},{"op":"add","path":"/metadata/labels/example.com~1w","value":"new"},{"op":"remove","path":"/data/y"}]""")!, "application/json-patch+json");
        Assert.Equal(200, jp.Code);
        Assert.Equal("10", jp.Str("data.x"));
        Assert.Null(jp.Node("data.y"));
        Assert.Equal("new", jp.Node("metadata.labels")!["example.com/w"]!.GetValue<string>());
        var failedTest = await _h.Patch(p, JsonNode.Parse("""[{"op":"test","path":"/data/x","value":"nope"}]""")!, "application/json-patch+json");
        Assert.Equal(422, failedTest.Code);
        var missingPath = await _h.Patch(p, JsonNode.Parse("""[{"op":"remove","path":"/data/nothing"}]""")!, "application/json-patch+json");
        Assert.Equal(422, missingPath.Code);
        IsStatus(await _h.Send("PATCH", p, """[{"op":"replace","path":""", "application/json-patch+json"), 400, "BadRequest");
        IsStatus(await _h.Patch(p, J("""{"op":"x"}"""), "application/json-patch+json"), 400, "BadRequest");
        var many = new JsonArray(Enumerable.Range(0, 10001).Select(_ => (JsonNode?)J("""{"op":"test","path":"/data/x","value":"10"}""")).ToArray());
        IsStatus(await _h.Patch(p, many, "application/json-patch+json"), 413, "RequestEntityTooLarge");
        // A resourceVersion in a patch is a precondition.
        IsStatus(await _h.Patch(p, J("""{"metadata":{"resourceVersion":"1"},"data":{"x":"2"}}"""), "application/merge-patch+json"), 409, "Conflict");
        // A patch that changes nothing writes nothing.
        var rv = (await _h.Get(p)).Rv;
        var same = await _h.Patch(p, J("""{"data":{"x":"10"}}"""), "application/merge-patch+json");
        Assert.Equal(rv, same.Rv);
        // Patched objects are validated like a PUT.
        IsStatus(await _h.Patch(p, J("""{"metadata":{"labels":{"bad key!":"x"}}}"""), "application/merge-patch+json"), 422, "Invalid");
    }

    [Fact]
    public async Task StrategicMergePatchMergesByKeyAndHonoursDirectives()
    {
        var ns = await _h.Ns();
        var p = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        var d = Deployment("web", replicas: 0);
        var c0 = d["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        c0["env"] = J("""{"a":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}""")["a"]!.DeepClone();
        c0["args"] = new JsonArray("x", "y");
        d["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Add(J("""{"name":"side","image":"busybox:1"}"""));
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", d);
        var r = await _h.Patch(p, J("""
            {"spec":{"template":{"spec":{"containers":[
               {"name":"web","image":"nginx:2","env":[{"name":"B","value":"20"},{"name":"C","value":"3"}],"args":["z"]},
               {"name":"side","$patch":"delete"}]}}}}
            """), "application/strategic-merge-patch+json");
        Assert.Equal(200, r.Code);
        var containers = r.Node("spec.template.spec.containers")!.AsArray();
        Assert.Single(containers);
        Assert.Equal("nginx:2", containers[0]!["image"]!.GetValue<string>());
        Assert.Equal(80, containers[0]!["ports"]![0]!["containerPort"]!.GetValue<int>());
        Assert.Equal("A=1,B=20,C=3", string.Join(',', containers[0]!["env"]!.AsArray().Select(e => $"{e!["name"]}={e["value"]}")));
        Assert.Equal("z", string.Join(',', containers[0]!["args"]!.AsArray().Select(a => a!.GetValue<string>())));
        var rep = await _h.Patch(p, J("""{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"only","image":"nginx:3"}]}}}}"""), "application/strategic-merge-patch+json");
        Assert.Equal("only", rep.Str("spec.template.spec.containers.0.name"));
        Assert.Null(rep.Node("spec.template.spec.containers.0.env"));
        Assert.Equal("Always", rep.Str("spec.template.spec.restartPolicy"));
        var svc = J("""{"metadata":{"name":"s"},"spec":{"ports":[{"name":"a","port":80},{"name":"b","port":443}]}}""");
        await _h.Post($"/api/v1/namespaces/{ns}/services", svc);
        var sp = await _h.Patch($"/api/v1/namespaces/{ns}/services/s", J("""{"spec":{"ports":[{"port":443,"targetPort":8443}]}}"""), "application/strategic-merge-patch+json");
        Assert.Equal(2, sp.Node("spec.ports")!.AsArray().Count);
        Assert.Equal(8443, sp.Node("spec.ports.1.targetPort")!.GetValue<int>());
        var fin = J("""{"metadata":{"finalizers":["a","b","c"]}}""");
        await _h.Patch(p, fin, "application/merge-patch+json");
        var del = await _h.Patch(p, J("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}"""), "application/strategic-merge-patch+json");
        Assert.Equal("a,c", string.Join(',', del.Node("metadata.finalizers")!.AsArray().Select(x => x!.GetValue<string>())));
        await _h.Patch(p, J("""{"metadata":{"finalizers":null}}"""), "application/merge-patch+json");
    }
}
