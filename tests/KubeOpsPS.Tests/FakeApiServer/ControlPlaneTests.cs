using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The objects of a fresh control plane and the controllers that fill and drain namespaces.</summary>
public sealed class ControlPlaneTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public ControlPlaneTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    [Fact]
    public async Task DefaultHasServiceKubernetesWithItsEndpoints()
    {
        var svc = await _kubectl.Run("get", "svc", "kubernetes", "-n", "default", "-o", "jsonpath={.spec.clusterIP} {.spec.ports[0].port} {.spec.ports[0].targetPort}");
        Assert.True(svc.Exit == 0, svc.ToString());
        Assert.Equal("10.96.0.1 443 6443", svc.Out);
        var ep = await _kubectl.Run("get", "endpoints", "kubernetes", "-n", "default", "-o", "jsonpath={.subsets[0].ports[0].port}");
        Assert.Equal("6443", ep.Out);
        var slice = await _kubectl.Run("get", "endpointslices", "-n", "default", "-l", "kubernetes.io/service-name=kubernetes", "-o", "jsonpath={.items[*].metadata.name}");
        Assert.True(slice.Exit == 0, slice.ToString());
        Assert.Equal("kubernetes", slice.Out);
        var pcs = await _kubectl.Run("get", "priorityclasses", "-o", "name");
        Assert.Contains("priorityclass.scheduling.k8s.io/system-node-critical", pcs.Out);
    }

    [Fact]
    public async Task EveryNamespaceGetsTheDefaultServiceAccountAndTheRootCa()
    {
        var ns = await _h.Ns("cp");
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/serviceaccounts/default"), r => r.Code == 200, "default service account");
        var cm = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/configmaps/kube-root-ca.crt"), r => r.Code == 200, "root CA config map");
        using var ca = X509Certificate2.CreateFromPem(cm.Obj["data"]!["ca.crt"]!.GetValue<string>());
        Assert.Equal("CN=kubernetes", ca.Subject);
        // The controllers put back what a user removes or changes.
        Assert.Equal(200, (await _h.Delete($"/api/v1/namespaces/{ns}/serviceaccounts/default")).Code);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/serviceaccounts/default"), r => r.Code == 200, "default service account recreated");
        var changed = await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/kube-root-ca.crt", J("""{"data":{"ca.crt":"tampered"}}"""), "application/merge-patch+json");
        Assert.Equal(200, changed.Code);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/configmaps/kube-root-ca.crt"), r => r.Obj["data"]!["ca.crt"]!.GetValue<string>() == ca.ExportCertificatePem() + "\n", "root CA restored");
        // A pod that names no account runs as default.
        var pod = await _h.Post($"/api/v1/namespaces/{ns}/pods", J("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}"""));
        Assert.Equal("default", pod.Str("spec.serviceAccountName"));
        var sa = await _kubectl.Run("get", "sa,cm", "-n", ns, "-o", "name");
        Assert.Contains("serviceaccount/default", sa.Out);
        Assert.Contains("configmap/kube-root-ca.crt", sa.Out);
    }

    [Fact]
    public async Task ANamespaceDrainsThenGoesAndSaysWhatRemains()
    {
        var ns = await _h.Ns("cp");
        var held = ConfigMap("held");
        held["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/configmaps", held)).Code);
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("free"))).Code);
        var del = await _kubectl.Run("delete", "ns", ns, "--wait=false");
        Assert.True(del.Exit == 0, del.ToString());
        var terminating = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}"),
            r => r.Str("status.phase") == "Terminating" && (r.Node("status.conditions") as JsonArray)?.Any(c => c!["type"]!.GetValue<string>() == "NamespaceFinalizersRemaining" && c["status"]!.GetValue<string>() == "True") == true,
            "terminating with a finalizer remaining");
        var conditions = terminating.Node("status.conditions")!.AsArray();
        Assert.Equal("Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
            conditions.Single(c => c!["type"]!.GetValue<string>() == "NamespaceFinalizersRemaining")!["message"]!.GetValue<string>());
        Assert.Equal("Some resources are remaining: configmaps has 1 resource instances",
            conditions.Single(c => c!["type"]!.GetValue<string>() == "NamespaceContentRemaining")!["message"]!.GetValue<string>());
        Assert.Equal(404, (await _h.Get($"/api/v1/namespaces/{ns}/configmaps/free")).Code);
        // New content is refused while it terminates; the namespace goes once the finalizer is removed.
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("late")), 403, "Forbidden", "because it is being terminated");
        var release = await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/held", J("""{"metadata":{"finalizers":null}}"""), "application/merge-patch+json");
        Assert.Equal(200, release.Code);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}"), r => r.Code == 404, "namespace removed");
    }
}
