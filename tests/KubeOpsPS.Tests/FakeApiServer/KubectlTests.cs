using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The contract's acceptance recipes (section 8) with the real kubectl as an independent client.</summary>
public sealed class KubectlTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public KubectlTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private Task<KubectlRun> KubectlIn(string stdin, params string[] args) => _kubectl.In(stdin, args);

    private Task<KubectlRun> Kubectl(params string[] args) => _kubectl.Run(args);

    private static string DeployYaml(string ns, string name, string image, int replicas = 2, int? deadline = null) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {ns}
          labels:
            app: {name}
        spec:
          replicas: {replicas}
        {(deadline is null ? "" : $"  progressDeadlineSeconds: {deadline}")}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
              - name: web
                image: {image}
                resources:
                  requests:
                    cpu: "0.5"
                    memory: 1024Mi
        """;

    [Fact]
    public async Task GetSaysNoResourcesAndTheLogShowsKubectl132()
    {
        _f.Cluster.ClearRequests();
        var r = await Kubectl("get", "deploy", "-n", "nowhere-ns");
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("No resources found in nowhere-ns namespace.", r.Err + r.Out);
        var log = _f.Cluster.Requests;
        Assert.Contains(log, e => e.UserAgent.StartsWith("kubectl/v1.32.", StringComparison.Ordinal));
        Assert.Contains(log, e => e.Path == "/apis/apps/v1/namespaces/nowhere-ns/deployments" && e.Status == 200 && e.Query.Contains("limit=500"));
        Assert.DoesNotContain(log, e => e.Status >= 500);
        var ns = await _h.Ns("k");
        var ing = await Kubectl("get", "ingress", "-n", ns);
        Assert.True(ing.Exit == 0, ing.Err);
        var ingA = await Kubectl("get", "ing", "-A");
        Assert.True(ingA.Exit == 0, ingA.Err);
        Assert.DoesNotContain("couldn't get resource list", ing.Err + ingA.Err);
    }

    [Fact]
    public async Task ServerSideApplyIsIdempotentConflictsAndForces()
    {
        var ns = await _h.Ns("k");
        var yaml = DeployYaml(ns, "web", "nginx:1.27");
        var first = await KubectlIn(yaml, "apply", "--server-side", "-f", "-");
        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains("deployment.apps/web serverside-applied", first.Out);
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        var before = await Eventually(() => _h.Get(path), r => r.Node("status.availableReplicas")?.GetValue<int>() == 2 && RolledOut(r), "rollout");
        var writes = _f.Cluster.WritesFor("deployments", ns, "web");
        Assert.Equal(1, writes);
        var second = await KubectlIn(yaml, "apply", "--server-side", "-f", "-");
        Assert.True(second.Exit == 0, second.Err);
        Assert.Equal(before.Rv, (await _h.Get(path)).Rv);
        Assert.Equal(1, _f.Cluster.WritesFor("deployments", ns, "web"));
        Assert.Contains(_f.Cluster.Requests, e => e.Method == "PATCH" && e.Path == path && e.Query.Contains("fieldManager=kubectl") && e.Query.Contains("fieldValidation=Strict"));

        // -o json equals what was applied.
        var json = await Kubectl("get", "deploy", "web", "-n", ns, "-o", "json");
        var obj = JsonNode.Parse(json.Out)!;
        Assert.Equal("nginx:1.27", obj["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("500m", obj["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("1Gi", obj["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!["requests"]!["memory"]!.GetValue<string>());
        Assert.Equal(before.Str("metadata.uid"), obj["metadata"]!["uid"]!.GetValue<string>());

        // Another manager takes replicas; kubectl names it; --force-conflicts takes it back.
        var other = await _h.Send("PATCH", path + "?fieldManager=autoscaler", J("""{"spec":{"replicas":3}}"""), "application/merge-patch+json");
        Assert.Equal(200, other.Code);
        var conflict = await KubectlIn(yaml, "apply", "--server-side", "-f", "-");
        Assert.NotEqual(0, conflict.Exit);
        Assert.Contains("conflict", conflict.Err);
        Assert.Contains("autoscaler", conflict.Err);
        Assert.Contains(".spec.replicas", conflict.Err);
        Assert.Contains("--force-conflicts", conflict.Err);
        var forced = await KubectlIn(yaml, "apply", "--server-side", "--force-conflicts", "-f", "-");
        Assert.True(forced.Exit == 0, forced.Err);
        var after = await _h.Get(path);
        Assert.Equal(2, after.Node("spec.replicas")!.GetValue<int>());
        var mf = after.Node("metadata.managedFields")!.AsArray();
        Assert.NotNull(mf.Single(e => e!["manager"]!.GetValue<string>() == "kubectl")!["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.DoesNotContain(mf, e => e!["manager"]!.GetValue<string>() == "autoscaler" && e["fieldsV1"]?["f:spec"]?["f:replicas"] is not null);

        // A changed field is updated.
        var changed = await KubectlIn(DeployYaml(ns, "web", "nginx:1.28"), "apply", "--server-side", "-f", "-");
        Assert.True(changed.Exit == 0, changed.Err);
        Assert.Equal("nginx:1.28", (await _h.Get(path)).Str("spec.template.spec.containers.0.image"));
    }

    [Fact]
    public async Task RolloutStatusUndoHistoryAndDelete()
    {
        var ns = await _h.Ns("k");
        var applied = await KubectlIn(DeployYaml(ns, "web", "nginx:1.27"), "apply", "-f", "-");
        Assert.True(applied.Exit == 0, applied.Err);
        var status = await Kubectl("rollout", "status", "deploy/web", "-n", ns, "--timeout=60s");
        Assert.True(status.Exit == 0, status.Err);
        Assert.Contains("successfully rolled out", status.Out);
        if (status.Out.Contains("Waiting for", StringComparison.Ordinal))
        {
            // kubectl waited, so it followed the rollout by a watch; the fake logs a request when it ends.
            for (var i = 0; i < 40 && !_f.Cluster.Requests.Any(e => e.Query.Contains("watch=true") && e.Query.Contains("fieldSelector=metadata.name%3Dweb")); i++) await Task.Delay(50);
            Assert.Contains(_f.Cluster.Requests, e => e.Query.Contains("watch=true") && e.Query.Contains("fieldSelector=metadata.name%3Dweb"));
        }

        var set = await Kubectl("set", "image", "deploy/web", "web=nginx:1.28", "-n", ns);
        Assert.True(set.Exit == 0, set.Err);
        Assert.Equal(0, (await Kubectl("annotate", "deploy/web", "kubernetes.io/change-cause=to 1.28", "-n", ns)).Exit);
        Assert.Equal(0, (await Kubectl("rollout", "status", "deploy/web", "-n", ns, "--timeout=60s")).Exit);
        var history = await Kubectl("rollout", "history", "deploy/web", "-n", ns);
        Assert.True(history.Exit == 0, history.Err);
        Assert.Matches(@"(?m)^1\s", history.Out);
        Assert.Matches(@"(?m)^2\s+to 1\.28", history.Out);
        var undo = await Kubectl("rollout", "undo", "deploy/web", "-n", ns);
        Assert.True(undo.Exit == 0, undo.Err);
        Assert.Contains("rolled back", undo.Out);
        Assert.Equal(0, (await Kubectl("rollout", "status", "deploy/web", "-n", ns, "--timeout=60s")).Exit);
        Assert.Equal("nginx:1.27", (await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web")).Str("spec.template.spec.containers.0.image"));
        var history2 = await Kubectl("rollout", "history", "deploy/web", "-n", ns);
        Assert.Matches(@"(?m)^3\s", history2.Out);

        var del = await Kubectl("delete", "deploy", "web", "-n", ns);
        Assert.True(del.Exit == 0, del.Err);
        Assert.Contains("deleted", del.Out);
        await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/replicasets"), r => r.Node("items")!.AsArray().Count == 0, "replicasets collected");
    }

    [Fact]
    public async Task RolloutStatusFailsForABrokenImageOnAFastClock()
    {
        var ns = await _h.Ns("k");
        var applied = await KubectlIn(DeployYaml(ns, "bad", "nginx:broken", deadline: 20), "apply", "--server-side", "-f", "-");
        Assert.True(applied.Exit == 0, applied.Err);
        var status = await Kubectl("rollout", "status", "deploy/bad", "-n", ns, "--timeout=60s");
        Assert.NotEqual(0, status.Exit);
        Assert.Contains("deployment \"bad\" exceeded its progress deadline", status.Err);
        var pods = await Kubectl("get", "pods", "-n", ns, "-o", "jsonpath={.items[*].status.containerStatuses[*].state.waiting.reason}");
        Assert.Matches("ErrImagePull|ImagePullBackOff", pods.Out);
    }

    [Fact]
    public async Task IngressWithoutPathTypeIsRejected()
    {
        var ns = await _h.Ns("k");
        var yaml = $"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: {ns}
            spec:
              rules:
              - host: web.example.com
                http:
                  paths:
                  - path: /
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
            """;
        var r = await KubectlIn(yaml, "apply", "-f", "-");
        Assert.NotEqual(0, r.Exit);
        Assert.Contains("pathType", r.Err);
        Assert.Contains("Required value", r.Err);
        Assert.Contains(_f.Cluster.Requests, e => e.Method == "POST" && e.Path == $"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses" && e.Status == 422);
        var good = await KubectlIn(yaml.Replace("- path: /", "- path: /\n        pathType: Prefix"), "apply", "-f", "-");
        Assert.True(good.Exit == 0, good.Err);
        var get = await Kubectl("get", "ing", "-A");
        Assert.Contains("web", get.Out);
    }
}
