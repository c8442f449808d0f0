using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Simulated controllers on a fast clock: R-1..R-14, PVC binding, garbage collection.</summary>
public sealed class ControllerTests(FakeClusterFixture f) : IClassFixture<FakeClusterFixture>
{
    private readonly HttpClient _h = f.Http;

    private static int I(Reply r, string path) => r.Node(path)?.GetValue<int>() ?? 0;

    private static JsonObject? Cond(Reply d, string type) =>
        (d.Node("status.conditions") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]!.GetValue<string>() == type);

    private static bool RolledOut(Reply d) =>
        d.Node("status.observedGeneration")?.GetValue<long>() >= d.Node("metadata.generation")!.GetValue<long>()
        && I(d, "status.updatedReplicas") == I(d, "spec.replicas") && I(d, "status.replicas") == I(d, "spec.replicas")
        && I(d, "status.availableReplicas") == I(d, "spec.replicas");

    private async Task<List<JsonObject>> ReplicaSets(string ns, string deploy) =>
        (await _h.Get($"/apis/apps/v1/namespaces/{ns}/replicasets?labelSelector=app%3D{deploy}")).Node("items")!.AsArray().Cast<JsonObject>().ToList();

    private static int Revision(JsonObject rs) => int.Parse(rs["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>());

    [Fact]
    public async Task DeploymentRollsOutThroughAnOwnedReplicaSetAndPods()
    {
        var ns = await _h.Ns("r");
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        var created = await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web", replicas: 3));
        Assert.Null(created.Node("status.observedGeneration"));
        var d = await Eventually(() => _h.Get(path), RolledOut, "rollout");
        Assert.Equal(1, d.Node("metadata.generation")!.GetValue<long>());
        Assert.Equal("1", d.Node("metadata.annotations")!["deployment.kubernetes.io/revision"]!.GetValue<string>());
        Assert.Equal(3, I(d, "status.readyReplicas"));
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."), (Cond(d, "Available")!["status"]!.GetValue<string>(), Cond(d, "Available")!["reason"]!.GetValue<string>(), Cond(d, "Available")!["message"]!.GetValue<string>()));
        var rs = Assert.Single(await ReplicaSets(ns, "web"));
        var rsName = rs["metadata"]!["name"]!.GetValue<string>();
        Assert.Equal($"ReplicaSet \"{rsName}\" has successfully progressed.", Cond(d, "Progressing")!["message"]!.GetValue<string>());
        Assert.Equal("NewReplicaSetAvailable", Cond(d, "Progressing")!["reason"]!.GetValue<string>());
        var hash = rs["metadata"]!["labels"]!["pod-template-hash"]!.GetValue<string>();
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", hash);
        Assert.Equal($"web-{hash}", rsName);
        Assert.Equal(hash, rs["spec"]!["selector"]!["matchLabels"]!["pod-template-hash"]!.GetValue<string>());
        Assert.Equal(hash, rs["spec"]!["template"]!["metadata"]!["labels"]!["pod-template-hash"]!.GetValue<string>());
        var owner = rs["metadata"]!["ownerReferences"]![0]!;
        Assert.Equal(("apps/v1", "Deployment", "web", d.Str("metadata.uid"), true, true),
            (owner["apiVersion"]!.GetValue<string>(), owner["kind"]!.GetValue<string>(), owner["name"]!.GetValue<string>(), owner["uid"]!.GetValue<string>(), owner["controller"]!.GetValue<bool>(), owner["blockOwnerDeletion"]!.GetValue<bool>()));
        var ann = rs["metadata"]!["annotations"]!;
        Assert.Equal("1", ann["deployment.kubernetes.io/revision"]!.GetValue<string>());
        Assert.Equal("3", ann["deployment.kubernetes.io/desired-replicas"]!.GetValue<string>());
        Assert.Equal("4", ann["deployment.kubernetes.io/max-replicas"]!.GetValue<string>());
        Assert.Equal(3, rs["status"]!["readyReplicas"]!.GetValue<int>());
        Assert.Equal(3, rs["status"]!["fullyLabeledReplicas"]!.GetValue<int>());
        var pods = (await _h.Get($"/api/v1/namespaces/{ns}/pods?labelSelector=pod-template-hash%3D{hash}")).Node("items")!.AsArray();
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.StartsWith(rsName + "-", p!["metadata"]!["name"]!.GetValue<string>());
            Assert.Equal(rs["metadata"]!["uid"]!.GetValue<string>(), p["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
            Assert.Equal("Running", p["status"]!["phase"]!.GetValue<string>());
            Assert.Contains(p["status"]!["conditions"]!.AsArray(), c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True");
        });

        // A spec change is observed asynchronously: the write's own answer is not yet observed.
        var patched = await _h.Patch(path, J("""{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}"""), "application/strategic-merge-patch+json");
        Assert.True(patched.Node("status.observedGeneration")!.GetValue<long>() < patched.Node("metadata.generation")!.GetValue<long>());
        // Rolling update invariants while it runs: Σ spec.replicas ≤ replicas + surge (25% of 3 rounds up to 1).
        var maxTotal = 0;
        await Eventually(async () =>
        {
            var sets = await ReplicaSets(ns, "web");
            maxTotal = Math.Max(maxTotal, sets.Sum(s => s["spec"]!["replicas"]!.GetValue<int>()));
            return await _h.Get(path);
        }, r => RolledOut(r) && r.Node("metadata.annotations")!["deployment.kubernetes.io/revision"]!.GetValue<string>() == "2", "second rollout");
        Assert.InRange(maxTotal, 3, 4);
        var two = await ReplicaSets(ns, "web");
        Assert.Equal(2, two.Count);
        var old = two.Single(s => Revision(s) == 1);
        Assert.Equal(0, old["spec"]!["replicas"]!.GetValue<int>());

        // Rollback as kubectl does it: a JSON patch of the old template; the old ReplicaSet is reused as revision 3.
        var tmpl = old["spec"]!["template"]!.DeepClone().AsObject();
        tmpl["metadata"]!["labels"]!.AsObject().Remove("pod-template-hash");
        var undo = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = tmpl });
        Assert.Equal(200, (await _h.Patch(path, undo, "application/json-patch+json")).Code);
        await Eventually(() => _h.Get(path), r => RolledOut(r) && r.Node("metadata.annotations")!["deployment.kubernetes.io/revision"]!.GetValue<string>() == "3", "rollback");
        var back = (await ReplicaSets(ns, "web")).Single(s => s["metadata"]!["name"]!.GetValue<string>() == old["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(3, Revision(back));
        Assert.Equal("1", back["metadata"]!["annotations"]!["deployment.kubernetes.io/revision-history"]!.GetValue<string>());
        Assert.Equal(3, back["spec"]!["replicas"]!.GetValue<int>());

        // Garbage collection: the ReplicaSets and pods go with the Deployment.
        await _h.Delete(path, J("""{"propagationPolicy":"Background"}"""));
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/pods"), r => r.Node("items")!.AsArray().Count == 0, "pods collected");
        Assert.Empty(await ReplicaSets(ns, "web"));
    }

    [Fact]
    public async Task BrokenImagesNeverBecomeReadyAndTheDeadlinePasses()
    {
        var ns = await _h.Ns("r");
        var d = Deployment("bad", image: "registry.example.com/team/app:v2-broken", replicas: 2);
        d["spec"]!["progressDeadlineSeconds"] = 20; // 1 s of real time at clock speed 20
        d["metadata"]!["annotations"] = new JsonObject { ["kubernetes.io/change-cause"] = "ship v2" };
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", d);
        var r = await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/bad"),
            x => Cond(x, "Progressing")?["reason"]?.GetValue<string>() == "ProgressDeadlineExceeded", "progress deadline");
        var p = Cond(r, "Progressing")!;
        Assert.Equal("False", p["status"]!.GetValue<string>());
        Assert.Matches("^ReplicaSet \"bad-[a-z0-9]+\" has timed out progressing\\.$", p["message"]!.GetValue<string>());
        Assert.Equal(0, I(r, "status.availableReplicas"));
        Assert.Equal("False", Cond(r, "Available")!["status"]!.GetValue<string>());
        Assert.Equal("MinimumReplicasUnavailable", Cond(r, "Available")!["reason"]!.GetValue<string>());
        var pods = (await _h.Get($"/api/v1/namespaces/{ns}/pods")).Node("items")!.AsArray();
        Assert.NotEmpty(pods);
        // The kubelet alternates between pulling (ErrImagePull) and waiting out the back-off (ImagePullBackOff).
        Assert.All(pods, pod => Assert.Contains(pod!["status"]!["containerStatuses"]![0]!["state"]!["waiting"]!["reason"]!.GetValue<string>(), new[] { "ErrImagePull", "ImagePullBackOff" }));
        var rs = Assert.Single(await ReplicaSets(ns, "bad"));
        Assert.Equal("ship v2", rs["metadata"]!["annotations"]!["kubernetes.io/change-cause"]!.GetValue<string>());
        var events = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"), x => x.Node("items")!.AsArray().Count > 0, "events");
        Assert.Contains(events.Node("items")!.AsArray(), e => e!["type"]!.GetValue<string>() == "Warning" && e["involvedObject"]!["kind"]!.GetValue<string>() == "Pod");
        // A good image then completes the rollout.
        await _h.Patch($"/apis/apps/v1/namespaces/{ns}/deployments/bad", J("""{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}"""), "application/strategic-merge-patch+json");
        await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/bad"), RolledOut, "recovered rollout");
    }

    [Fact]
    public async Task OldReplicaSetsBeyondTheHistoryLimitAreDeleted()
    {
        var ns = await _h.Ns("r");
        var d = Deployment("h", replicas: 1);
        d["spec"]!["revisionHistoryLimit"] = 1;
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", d);
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/h";
        foreach (var tag in new[] { "1.1", "1.2", "1.3" })
        {
            await Eventually(() => _h.Get(path), RolledOut, "rollout");
            await _h.Patch(path, J("""{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:TAG"}]}}}}""".Replace("TAG", tag)), "application/strategic-merge-patch+json");
        }
        await Eventually(() => _h.Get(path), r => RolledOut(r) && r.Node("metadata.annotations")!["deployment.kubernetes.io/revision"]!.GetValue<string>() == "4", "last rollout");
        var sets = await Eventually(() => ReplicaSets(ns, "h"), s => s.Count == 2, "history limit");
        Assert.Equal([3, 4], sets.Select(Revision).Order());
    }

    [Fact]
    public async Task RecreateScalesDownBeforeUp()
    {
        var ns = await _h.Ns("r");
        var d = Deployment("rc", replicas: 2);
        d["spec"]!["strategy"] = J("""{"type":"Recreate"}""");
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", d);
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/rc";
        await Eventually(() => _h.Get(path), RolledOut, "rollout");
        await _h.Patch(path, J("""{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}}"""), "application/strategic-merge-patch+json");
        var sawBoth = false;
        await Eventually(async () =>
        {
            var sets = await ReplicaSets(ns, "rc");
            if (sets.Count(s => (s["status"]?["replicas"]?.GetValue<int>() ?? 0) > 0) > 1) sawBoth = true;
            return await _h.Get(path);
        }, r => RolledOut(r) && r.Node("metadata.annotations")!["deployment.kubernetes.io/revision"]!.GetValue<string>() == "2", "recreate rollout");
        Assert.False(sawBoth, "old and new pods never run together under Recreate");
    }

    [Fact]
    public async Task StatefulSetsMakeOrderedPodsClaimsAndRevisions()
    {
        var ns = await _h.Ns("r");
        Assert.Equal(201, (await _h.Post("/apis/storage.k8s.io/v1/storageclasses", J("""{"metadata":{"name":"sts-class"},"provisioner":"fake.example.com","reclaimPolicy":"Retain"}"""))).Code);
        var sts = J("""
            {"metadata":{"name":"db"},"spec":{"replicas":2,"serviceName":"db","selector":{"matchLabels":{"app":"db"}},
             "template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"c","image":"postgres:17","volumeMounts":[{"name":"data","mountPath":"/data"}]}]}},
             "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"storageClassName":"sts-class","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
            """);
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/statefulsets", sts);
        var path = $"/apis/apps/v1/namespaces/{ns}/statefulsets/db";
        var s = await Eventually(() => _h.Get(path), r => I(r, "status.readyReplicas") == 2 && r.Str("status.currentRevision") == r.Str("status.updateRevision") && r.Str("status.updateRevision") is not null, "statefulset ready");
        Assert.Equal(1, s.Node("status.observedGeneration")!.GetValue<long>());
        Assert.Equal(2, I(s, "status.currentReplicas"));
        Assert.Equal(2, I(s, "status.updatedReplicas"));
        Assert.Equal(2, I(s, "status.availableReplicas"));
        Assert.NotNull(s.Node("status.collisionCount"));
        var rev1 = s.Str("status.updateRevision")!;
        Assert.StartsWith("db-", rev1);
        var cr = await _h.Get($"/apis/apps/v1/namespaces/{ns}/controllerrevisions/{rev1}");
        Assert.Equal(1, cr.Node("revision")!.GetValue<long>());
        Assert.Equal(s.Str("metadata.uid"), cr.Str("metadata.ownerReferences.0.uid"));
        foreach (var i in new[] { 0, 1 })
        {
            var pod = await _h.Get($"/api/v1/namespaces/{ns}/pods/db-{i}");
            Assert.Equal(200, pod.Code);
            Assert.Equal(rev1, pod.Node("metadata.labels")!["controller-revision-hash"]!.GetValue<string>());
            var pvc = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/persistentvolumeclaims/data-db-{i}"), r => r.Str("status.phase") == "Bound", "claim bound");
            Assert.Equal($"pvc-{pvc.Str("metadata.uid")}", pvc.Str("spec.volumeName"));
        }
        var upd = await _h.Patch(path, J("""{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"postgres:18"}]}}}}"""), "application/strategic-merge-patch+json");
        Assert.True(upd.Code == 200, upd.Text);
        var s2 = await Eventually(() => _h.Get(path), r => r.Str("status.updateRevision") != rev1 && r.Str("status.currentRevision") == r.Str("status.updateRevision") && I(r, "status.readyReplicas") == 2 && I(r, "status.updatedReplicas") == 2, "statefulset update");
        var cr2 = await _h.Get($"/apis/apps/v1/namespaces/{ns}/controllerrevisions/{s2.Str("status.updateRevision")}");
        Assert.Equal(2, cr2.Node("revision")!.GetValue<long>());
        Assert.Equal("postgres:18", (await _h.Get($"/api/v1/namespaces/{ns}/pods/db-0")).Str("spec.containers.0.image"));
        await _h.Delete(path);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/pods"), r => r.Node("items")!.AsArray().Count == 0, "pods collected");
        Assert.Equal(200, (await _h.Get($"/api/v1/namespaces/{ns}/persistentvolumeclaims/data-db-0")).Code);
        Assert.Equal(200, (await _h.Get($"/api/v1/namespaces/{ns}/persistentvolumeclaims/data-db-1")).Code);
    }

    [Fact]
    public async Task DaemonSetsRunOnMatchingNodes()
    {
        var ns = await _h.Ns("r");
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/daemonsets", J("""{"metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"a":"d"}},"template":{"metadata":{"labels":{"a":"d"}},"spec":{"containers":[{"name":"c","image":"fluent-bit:3"}]}}}}"""));
        var ds = await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/daemonsets/agent"), r => I(r, "status.numberAvailable") == 1, "daemonset available");
        Assert.Equal(1, I(ds, "status.desiredNumberScheduled"));
        Assert.Equal(1, I(ds, "status.currentNumberScheduled"));
        Assert.Equal(1, I(ds, "status.updatedNumberScheduled"));
        Assert.Equal(1, I(ds, "status.numberReady"));
        Assert.Equal(0, I(ds, "status.numberMisscheduled"));
        Assert.Equal(1, ds.Node("status.observedGeneration")!.GetValue<long>());
        var pods = (await _h.Get($"/api/v1/namespaces/{ns}/pods")).Node("items")!.AsArray();
        Assert.Equal("node-1", Assert.Single(pods)!["spec"]!["nodeName"]!.GetValue<string>());
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/daemonsets", J("""{"metadata":{"name":"none"},"spec":{"selector":{"matchLabels":{"a":"n"}},"template":{"metadata":{"labels":{"a":"n"}},"spec":{"nodeSelector":{"gpu":"yes"},"containers":[{"name":"c","image":"x:1"}]}}}}"""));
        var none = await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/daemonsets/none"), r => r.Node("status.observedGeneration") is not null, "observed");
        Assert.Equal(0, I(none, "status.desiredNumberScheduled"));
    }

    [Fact]
    public async Task ClaimsBindToProvisionedVolumesWithTheClassReclaimPolicy()
    {
        var ns = await _h.Ns("r");
        await _h.Post("/apis/storage.k8s.io/v1/storageclasses", J("""{"metadata":{"name":"keep"},"provisioner":"fake.example.com","reclaimPolicy":"Retain"}"""));
        await _h.Post("/apis/storage.k8s.io/v1/storageclasses", J("""{"metadata":{"name":"standard","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"fake.example.com"}"""));
        async Task<Reply> Claim(string name, string? cls)
        {
            var pvc = J("""{"metadata":{"name":"NAME"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"2Gi"}}}}""".Replace("NAME", name));
            if (cls is not null) pvc["spec"]!["storageClassName"] = cls;
            return await _h.Post($"/api/v1/namespaces/{ns}/persistentvolumeclaims", pvc);
        }
        // The claim nobody can provision comes first: once the later ones are bound, the controller has passed over it.
        await Claim("nowhere", "no-such-class");
        var keep = await Claim("keep", "keep");
        var dflt = await Claim("dflt", null);
        var k = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/persistentvolumeclaims/keep"), r => r.Str("status.phase") == "Bound", "keep bound");
        var pvName = $"pvc-{keep.Str("metadata.uid")}";
        Assert.Equal(pvName, k.Str("spec.volumeName"));
        Assert.Equal("2Gi", k.Str("status.capacity.storage"));
        var pv = await _h.Get($"/api/v1/persistentvolumes/{pvName}");
        Assert.Equal("Retain", pv.Str("spec.persistentVolumeReclaimPolicy"));
        Assert.Equal("Bound", pv.Str("status.phase"));
        Assert.Equal("keep", pv.Str("spec.claimRef.name"));
        var d = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/persistentvolumeclaims/dflt"), r => r.Str("status.phase") == "Bound", "default bound");
        Assert.Equal("standard", d.Str("spec.storageClassName"));
        var dpv = $"pvc-{dflt.Str("metadata.uid")}";
        Assert.Equal("Delete", (await _h.Get($"/api/v1/persistentvolumes/{dpv}")).Str("spec.persistentVolumeReclaimPolicy"));
        var nowhere = await _h.Get($"/api/v1/namespaces/{ns}/persistentvolumeclaims/nowhere");
        Assert.Equal("Pending", nowhere.Str("status.phase"));
        Assert.Null(nowhere.Str("spec.volumeName"));
        Assert.DoesNotContain($"pvc-{nowhere.Str("metadata.uid")}", (await _h.Get("/api/v1/persistentvolumes")).Node("items")!.AsArray().Select(v => v?["metadata"]?["name"]?.GetValue<string>()));

        var deletedClaim = await _h.Delete($"/api/v1/namespaces/{ns}/persistentvolumeclaims/keep");
        Assert.Equal("PersistentVolumeClaim", deletedClaim.Str("kind"));
        await Eventually(() => _h.Get($"/api/v1/persistentvolumes/{pvName}"), r => r.Str("status.phase") == "Released", "released");
        await _h.Delete($"/api/v1/namespaces/{ns}/persistentvolumeclaims/dflt");
        await Eventually(() => _h.Get($"/api/v1/persistentvolumes/{dpv}"), r => r.Code == 404, "deleted volume");
    }
}
