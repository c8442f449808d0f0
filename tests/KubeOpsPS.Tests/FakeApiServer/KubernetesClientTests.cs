using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>What KubernetesClient 21.x needs from the server (K-1..K-9), driven through the real client and a kubeconfig.</summary>
public sealed class KubernetesClientTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly FakeClusterFixture _f;
    private readonly string _dir = Directory.CreateTempSubdirectory("fake-kc-").FullName;
    private readonly Kubernetes _k;

    public KubernetesClientTests(FakeClusterFixture f)
    {
        _f = f;
        var path = f.Cluster.WriteKubeConfig(Path.Combine(_dir, "config"));
        _k = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
    }

    public void Dispose()
    {
        _k.Dispose();
        Directory.Delete(_dir, true);
    }

    private static V1Deployment Deploy(string name, string image = "nginx:1.27", int replicas = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = image }] },
            },
        },
    };

    [Fact]
    public async Task KubeconfigNamesTheFakeContext()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(_dir, "config"));
        Assert.Contains($"server: https://127.0.0.1:{_f.Cluster.TlsBaseUri.Port}", text);
        Assert.Contains("token: fake-token", text);
        var cfg = KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.Combine(_dir, "config"));
        Assert.Equal("fake", cfg.CurrentContext);
        Assert.Equal("default", cfg.Namespace);
        Assert.Equal("fake-token", cfg.AccessToken);
    }

    [Fact]
    public async Task CrudThroughTheClient()
    {
        var ns = await _f.Http.Ns("kc");
        _f.Cluster.ClearRequests();
        var cm = await _k.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);
        Assert.Equal(ns, cm.Metadata.NamespaceProperty);
        Assert.NotNull(cm.Metadata.CreationTimestamp);
        Assert.Equal("kubernetes-csharp", cm.Metadata.ManagedFields.Single().Manager);
        var list = await _k.CoreV1.ListNamespacedConfigMapAsync(ns);
        Assert.Equal(["c", "kube-root-ca.crt"], list.Items.Select(i => i.Metadata.Name));
        Assert.Null(list.Items[0].Kind);
        cm.Data["a"] = "2";
        var replaced = await _k.CoreV1.ReplaceNamespacedConfigMapAsync(cm, "c", ns);
        Assert.Equal("2", replaced.Data["a"]);
        var merged = await _k.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"b":"3"}}""", V1Patch.PatchType.MergePatch), "c", ns);
        Assert.Equal("3", merged.Data["b"]);
        var jp = await _k.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""[{"op":"remove","path":"/data/b"}]""", V1Patch.PatchType.JsonPatch), "c", ns);
        Assert.False(jp.Data.ContainsKey("b"));
        var status = await _k.CoreV1.DeleteNamespacedConfigMapAsync("c", ns);
        Assert.Equal("Success", status.Status);
        Assert.Equal("configmaps", status.Details.Kind);

        var log = _f.Cluster.Requests;
        Assert.All(log, r => Assert.StartsWith("kubernetes-csharp/", r.UserAgent));
        Assert.Contains(log, r => r.Method == "GET" && r.Query.Contains("watch=false"));
        Assert.Contains(log, r => r.Method == "PATCH" && r.Status == 200);
    }

    [Fact]
    public async Task ServerSideApplyThroughTheClient()
    {
        var ns = (await _k.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = "kc-" } })).Metadata.Name;
        var d = Deploy("web");
        d.ApiVersion = "apps/v1";
        d.Kind = "Deployment";
        var applied = await _k.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(d, V1Patch.PatchType.ApplyPatch), "web", ns, fieldManager: "kubeops", force: true);
        Assert.Equal("kubeops", applied.Metadata.ManagedFields.Single().Manager);
        Assert.Equal(1, applied.Metadata.Generation);
        Assert.Equal("25%", applied.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        await _k.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", ns);
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => _k.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(d, V1Patch.PatchType.ApplyPatch), "web", ns, fieldManager: "kubeops", force: false));
        Assert.Equal(HttpStatusCode.Conflict, ex.Response.StatusCode);
        var st = KubernetesJson.Deserialize<V1Status>(ex.Response.Content);
        Assert.Equal("Conflict", st.Reason);
        Assert.Contains(".spec.replicas", st.Message);
        Assert.Equal("FieldManagerConflict", st.Details.Causes.Single().Reason);
        // force=false on a non-apply patch is still "force specified".
        var forced = await Assert.ThrowsAsync<HttpOperationException>(() => _k.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "web", ns, force: false));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forced.Response.StatusCode);
    }

    [Fact]
    public async Task ErrorsAreStatusBodiesTheGatewayCanParse()
    {
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => _k.AppsV1.ReadNamespacedDeploymentAsync("missing", "default"));
        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
        var st = KubernetesJson.Deserialize<V1Status>(ex.Response.Content);
        Assert.Equal("NotFound", st.Reason);
        Assert.Equal(404, st.Code);
        Assert.Equal("deployments", st.Details.Kind);
        Assert.Equal("apps", st.Details.Group);
    }

    [Fact]
    public async Task DeletedPodsAndServicesComeBackAsObjects()
    {
        var ns = (await _k.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = "kc-" } })).Metadata.Name;
        await _k.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "s" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, ns);
        using var http = Client(_f.Cluster);
        var raw = await http.Delete($"/api/v1/namespaces/{ns}/services/s");
        Assert.Equal("Service", raw.Str("kind"));
        await _k.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:1" }] } }, ns);
        var pod = await _k.CoreV1.DeleteNamespacedPodAsync("p", ns);
        Assert.Equal("p", pod.Metadata.Name);
    }

    [Fact]
    public async Task WatchThroughTheClientDeliversEventsErrorsAndBookmarks()
    {
        var ns = await _f.Http.Ns("kc");
        await _k.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, ns);
        var events = new List<(WatchEventType, string)>();
        var got = new TaskCompletionSource();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watch = Task.Run(async () =>
        {
            await foreach (var (type, item) in _k.CoreV1.WatchListNamespacedConfigMapAsync(ns, cancellationToken: cts.Token))
            {
                lock (events) events.Add((type, item.Metadata.Name));
                if (item.Metadata.Name == "b" && type == WatchEventType.Modified) { got.TrySetResult(); break; }
            }
        });
        await FakeHttp.Eventually(() => Task.FromResult(events.Count), c => c >= 2, "initial ADDED (a and the namespace's kube-root-ca.crt)");
        await _k.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b" } }, ns);
        await _k.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"x":"1"}}""", V1Patch.PatchType.MergePatch), "b", ns);
        await got.Task.WaitAsync(cts.Token);
        await watch;
        Assert.Equal([(WatchEventType.Added, "a"), (WatchEventType.Added, "kube-root-ca.crt"), (WatchEventType.Added, "b"), (WatchEventType.Modified, "b")], events);
    }
}
