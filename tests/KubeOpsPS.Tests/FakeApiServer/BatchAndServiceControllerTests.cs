using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Endpoints/EndpointSlices for Services, controller Events, and the Job and CronJob controllers on the fake's clock.</summary>
public sealed class BatchAndServiceControllerTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public BatchAndServiceControllerTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    [Fact]
    public async Task AServiceGetsEndpointsAndASliceOfItsReadyPods()
    {
        var ns = await _h.Ns("ep");
        var d = Deployment("web");
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 8080 });
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", d)).Code);
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("bad", "nginx:broken", 1))).Code);
        var svc = J("""{"metadata":{"name":"web","labels":{"tier":"front"}},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}}""");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/services", svc)).Code);
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/services", J("""{"metadata":{"name":"bad"},"spec":{"selector":{"app":"bad"},"ports":[{"port":80}]}}"""))).Code);
        var ep = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/endpoints/web"), r => (r.Node("subsets.0.addresses") as JsonArray)?.Count == 2, "two ready addresses");
        Assert.Equal(8080, ep.Node("subsets.0.ports.0.port")!.GetValue<int>());
        Assert.Equal("http", ep.Str("subsets.0.ports.0.name"));
        Assert.Equal("Pod", ep.Str("subsets.0.addresses.0.targetRef.kind"));
        Assert.Equal("front", ep.Str("metadata.labels.tier"));
        var slices = await _h.Get($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector=" + Uri.EscapeDataString("kubernetes.io/service-name=web"));
        var slice = Items(slices).Single()!;
        Assert.StartsWith("web-", slice["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("endpointslice-controller.k8s.io", slice["metadata"]!["labels"]!["endpointslice.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal("Service", slice["metadata"]!["ownerReferences"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(2, slice["endpoints"]!.AsArray().Count(e => e!["conditions"]!["ready"]!.GetValue<bool>()));
        // A pod that never becomes ready is listed as not ready.
        var bad = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/endpoints/bad"), r => (r.Node("subsets.0.notReadyAddresses") as JsonArray)?.Count == 1, "a not-ready address");
        Assert.Null(bad.Node("subsets.0.addresses"));
        var kubectl = await _kubectl.Run("get", "endpoints", "web", "-n", ns, "-o", "jsonpath={.subsets[0].addresses[*].ip}");
        Assert.Equal(2, kubectl.Out.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        // Scaled to zero: no addresses; the Service gone: its Endpoints and slice go too.
        Assert.Equal(200, (await _h.Patch($"/apis/apps/v1/namespaces/{ns}/deployments/web", J("""{"spec":{"replicas":0}}"""), "application/merge-patch+json")).Code);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/endpoints/web"), r => r.Node("subsets") is null, "no subsets");
        Assert.Equal(200, (await _h.Delete($"/api/v1/namespaces/{ns}/services/web")).Code);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/endpoints/web"), r => r.Code == 404, "endpoints removed");
        await Eventually(() => _h.Get($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector=" + Uri.EscapeDataString("kubernetes.io/service-name=web")), r => Items(r).Count == 0, "slice removed");
    }

    [Fact]
    public async Task WorkloadControllersRecordTheirEvents()
    {
        var ns = await _h.Ns("ev");
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("web"))).Code);
        var events = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"),
            r => Items(r).Any(e => e!["reason"]!.GetValue<string>() == "ScalingReplicaSet") && Items(r).Count(e => e!["reason"]!.GetValue<string>() == "SuccessfulCreate") == 2, "scaling and create events");
        var rs = Items(await _h.Get($"/apis/apps/v1/namespaces/{ns}/replicasets")).Single()!["metadata"]!["name"]!.GetValue<string>();
        var scaling = Items(events).Single(e => e!["reason"]!.GetValue<string>() == "ScalingReplicaSet")!;
        Assert.Equal($"Scaled up replica set {rs} from 0 to 2", scaling["message"]!.GetValue<string>());
        Assert.Equal("deployment-controller", scaling["source"]!["component"]!.GetValue<string>());
        Assert.Equal("Deployment", scaling["involvedObject"]!["kind"]!.GetValue<string>());
        var create = Items(events).First(e => e!["reason"]!.GetValue<string>() == "SuccessfulCreate")!;
        Assert.StartsWith($"Created pod: {rs}-", create["message"]!.GetValue<string>());
        Assert.Equal("replicaset-controller", create["source"]!["component"]!.GetValue<string>());
        var kubectl = await _kubectl.Run("events", "-n", ns, "--for", "deployment/web");
        Assert.True(kubectl.Exit == 0, kubectl.ToString());
        Assert.Contains("ScalingReplicaSet", kubectl.Out);
        // Scaling down is recorded too.
        Assert.Equal(200, (await _h.Patch($"/apis/apps/v1/namespaces/{ns}/deployments/web", J("""{"spec":{"replicas":1}}"""), "application/merge-patch+json")).Code);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/events"), r => Items(r).Any(e => e!["message"]!.GetValue<string>() == $"Scaled down replica set {rs} from 2 to 1")
            && Items(r).Any(e => e!["reason"]!.GetValue<string>() == "SuccessfulDelete" && e["source"]!["component"]!.GetValue<string>() == "replicaset-controller"), "scale-down events");
    }

    private static string JobYaml(string ns, string name, string image, int completions, int backoffLimit, string restartPolicy = "Never") => $"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          completions: {completions}
          backoffLimit: {backoffLimit}
          template:
            spec:
              {(restartPolicy.Length > 0 ? "restartPolicy: " + restartPolicy : "")}
              containers:
              - name: work
                image: {image}
        """;

    [Fact]
    public async Task AJobGetsItsDefaultsAndRunsToCompletion()
    {
        var ns = await _h.Ns("job");
        var r = await _kubectl.In(JobYaml(ns, "pi", "perl:5.40", 2, 4), "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        var job = await _h.Get($"/apis/batch/v1/namespaces/{ns}/jobs/pi");
        var uid = job.Str("metadata.uid");
        Assert.Equal(1, job.Node("spec.parallelism")!.GetValue<int>());
        Assert.Equal(4, job.Node("spec.backoffLimit")!.GetValue<int>());
        Assert.Equal("NonIndexed", job.Str("spec.completionMode"));
        Assert.False(job.Node("spec.suspend")!.GetValue<bool>());
        Assert.Equal(uid, job.Obj["spec"]!["selector"]!["matchLabels"]!["batch.kubernetes.io/controller-uid"]!.GetValue<string>());
        var labels = job.Obj["spec"]!["template"]!["metadata"]!["labels"]!;
        Assert.Equal("pi", labels["job-name"]!.GetValue<string>());
        Assert.Equal("pi", labels["batch.kubernetes.io/job-name"]!.GetValue<string>());
        Assert.Equal(uid, labels["controller-uid"]!.GetValue<string>());
        var wait = await _kubectl.Run("wait", "--for=condition=complete", "job/pi", "-n", ns, "--timeout=60s");
        Assert.True(wait.Exit == 0, wait.ToString());
        var done = await _h.Get($"/apis/batch/v1/namespaces/{ns}/jobs/pi");
        Assert.Equal(2, done.Node("status.succeeded")!.GetValue<int>());
        Assert.NotNull(done.Str("status.completionTime"));
        var pods = Items(await _h.Get($"/api/v1/namespaces/{ns}/pods?labelSelector=job-name%3Dpi"));
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("Succeeded", p!["status"]!["phase"]!.GetValue<string>()));
        Assert.All(pods, p => Assert.Equal("Completed", p!["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["reason"]!.GetValue<string>()));
        var events = Items(await _h.Get($"/api/v1/namespaces/{ns}/events"));
        Assert.Contains(events, e => e!["reason"]!.GetValue<string>() == "Completed" && e["source"]!["component"]!.GetValue<string>() == "job-controller");
        // A Job whose pods would restart forever is refused, as the real validation does.
        var always = await _kubectl.In(JobYaml(ns, "loop", "perl:5.40", 1, 1, restartPolicy: ""), "apply", "-f", "-");
        Assert.NotEqual(0, always.Exit);
        Assert.Contains("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"", always.Err);
    }

    [Fact]
    public async Task ABrokenJobBacksOffThenFails()
    {
        var ns = await _h.Ns("job");
        await using var watch = await WatchStream.Open(_h, $"/apis/batch/v1/namespaces/{ns}/jobs?watch=true");
        var r = await _kubectl.In(JobYaml(ns, "bad", "busybox:broken", 1, 1), "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        // After the first failure the Job backs off: one failed pod, none active, not failed yet.
        await watch.Until(e => e["object"]!["status"] is JsonObject st && st["failed"]?.GetValue<int>() == 1 && st["active"] is null && st["conditions"] is null, 30000);
        var wait = await _kubectl.Run("wait", "--for=condition=failed", "job/bad", "-n", ns, "--timeout=60s");
        Assert.True(wait.Exit == 0, wait.ToString());
        var job = await _h.Get($"/apis/batch/v1/namespaces/{ns}/jobs/bad");
        Assert.Equal(2, job.Node("status.failed")!.GetValue<int>());
        var failed = job.Node("status.conditions")!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Failed")!;
        Assert.Equal("BackoffLimitExceeded", failed["reason"]!.GetValue<string>());
        Assert.Equal("Job has reached the specified backoff limit", failed["message"]!.GetValue<string>());
        var pods = Items(await _h.Get($"/api/v1/namespaces/{ns}/pods?labelSelector=job-name%3Dbad"));
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal(1, p!["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["exitCode"]!.GetValue<int>()));
        Assert.All(pods, p => Assert.Equal("Failed", p!["status"]!["phase"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ACronJobIsDefaultedAndRunsOnTheFakeClock()
    {
        var ns = await _h.Ns("cron");
        var yaml = $"""
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: tick
              namespace: {ns}
            spec:
              schedule: "* * * * *"
              jobTemplate:
                metadata:
                  labels:
                    team: ops
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - name: t
                        image: busybox:1.37
            """;
        var r = await _kubectl.In(yaml, "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        var cj = await _h.Get($"/apis/batch/v1/namespaces/{ns}/cronjobs/tick");
        Assert.Equal("Allow", cj.Str("spec.concurrencyPolicy"));
        Assert.False(cj.Node("spec.suspend")!.GetValue<bool>());
        Assert.Equal(3, cj.Node("spec.successfulJobsHistoryLimit")!.GetValue<int>());
        Assert.Equal(1, cj.Node("spec.failedJobsHistoryLimit")!.GetValue<int>());
        // One simulated minute passes in three seconds at the fixture's clock speed.
        var jobs = await Eventually(() => _h.Get($"/apis/batch/v1/namespaces/{ns}/jobs"), x => Items(x).Count >= 1, "a scheduled job", 30000);
        var job = Items(jobs)[0]!;
        Assert.Matches("^tick-[0-9]+$", job["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("CronJob", job["metadata"]!["ownerReferences"]![0]!["kind"]!.GetValue<string>());
        Assert.NotNull(job["metadata"]!["annotations"]!["batch.kubernetes.io/cronjob-scheduled-timestamp"]);
        Assert.Equal("ops", job["metadata"]!["labels"]!["team"]!.GetValue<string>()); // the job template's metadata is the Job's
        await Eventually(() => _h.Get($"/apis/batch/v1/namespaces/{ns}/cronjobs/tick"), x => x.Str("status.lastScheduleTime") is not null && x.Str("status.lastSuccessfulTime") is not null, "schedule and success recorded", 30000);
        var events = Items(await _h.Get($"/api/v1/namespaces/{ns}/events"));
        Assert.Contains(events, e => e!["reason"]!.GetValue<string>() == "SuccessfulCreate" && e["source"]!["component"]!.GetValue<string>() == "cronjob-controller");
        var bad = await _kubectl.In(yaml.Replace("\"* * * * *\"", "nope", StringComparison.Ordinal).Replace("name: tick", "name: nope", StringComparison.Ordinal), "apply", "-f", "-");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("spec.schedule: Invalid value: \"nope\": expected exactly 5 fields, found 1: nope", bad.Err);
    }
}
