using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The ServiceAccount, LimitRanger and ResourceQuota admission plugins as kubectl meets them on a real cluster.</summary>
public sealed class AdmissionPluginTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public AdmissionPluginTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private static string Pod(string ns, string name, string extra = "", string resources = "") => $$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:{{{extra}}}
          containers:
          - name: app
            image: nginx:1.27{{{resources}}}
        """;

    [Fact]
    public async Task APodNamingAMissingServiceAccountIsRefusedAndOthersGetTheTokenVolume()
    {
        var ns = await _h.Ns("sa");
        var r = await _kubectl.In(Pod(ns, "p", "\n  serviceAccountName: missing"), "apply", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains($"Error from server (Forbidden): error when creating \"STDIN\": pods \"p\" is forbidden: error looking up service account {ns}/missing: serviceaccount \"missing\" not found", r.Err);
        r = await _kubectl.In(Pod(ns, "p"), "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        var pod = await _h.Get($"/api/v1/namespaces/{ns}/pods/p");
        Assert.Equal("default", pod.Str("spec.serviceAccountName"));
        var volume = pod.Node("spec.volumes.0")!;
        Assert.Matches("^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$", volume["name"]!.GetValue<string>());
        Assert.Equal(3607, volume["projected"]!["sources"]![0]!["serviceAccountToken"]!["expirationSeconds"]!.GetValue<int>());
        Assert.Equal("kube-root-ca.crt", volume["projected"]!["sources"]![1]!["configMap"]!["name"]!.GetValue<string>());
        Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount", pod.Str("spec.containers.0.volumeMounts.0.mountPath"));
        Assert.True(pod.Node("spec.containers.0.volumeMounts.0.readOnly")!.GetValue<bool>());
        // automountServiceAccountToken: false mounts nothing.
        r = await _kubectl.In(Pod(ns, "q", "\n  automountServiceAccountToken: false"), "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        Assert.Null((await _h.Get($"/api/v1/namespaces/{ns}/pods/q")).Node("spec.volumes"));
    }

    private const string Cpu = "\n    resources: {requests: {cpu: 600m}}";

    /// <summary>Waits until the quota controller has put the quota's spec.hard in its status, which is what the admission plugin reads.</summary>
    private Task<Reply> QuotaSeen(string ns, string name) =>
        Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/resourcequotas/{name}"), q => JsonNode.DeepEquals(q.Node("status.hard"), q.Node("spec.hard")) && q.Node("status.used") is not null, $"quota {name} synced");

    private async Task Created(string yaml)
    {
        var r = await _kubectl.In(yaml, "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
    }

    private async Task Refused(string yaml, string message)
    {
        var r = await _kubectl.In(yaml, "apply", "-f", "-");
        Assert.True(r.Exit == 1, r.ToString());
        Assert.Contains(message, r.Err);
    }

    [Fact]
    public async Task QuotaScopesAndScopeSelectorsChooseThePodsAQuotaCounts()
    {
        var ns = await _h.Ns("scopes");
        Assert.Equal(201, (await _h.Post("/apis/scheduling.k8s.io/v1/priorityclasses", J($$"""{"metadata":{"name":"{{ns}}-high"},"value":1000}"""))).Code);
        await Created($$"""
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: besteffort, namespace: {{ns}}}
            spec: {hard: {pods: "1"}, scopes: [BestEffort]}
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: high, namespace: {{ns}}}
            spec:
              hard: {pods: "1", requests.cpu: "1"}
              scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: In, values: [{{ns}}-high]}]}
            ---
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: deadline, namespace: {{ns}}}
            spec: {hard: {pods: "1"}, scopes: [Terminating]}
            """);
        foreach (var q in new[] { "besteffort", "high", "deadline" }) await QuotaSeen(ns, q);
        await Created(Pod(ns, "be1"));
        await Refused(Pod(ns, "be2"), "pods \"be2\" is forbidden: exceeded quota: besteffort, requested: pods=1, used: pods=1, limited: pods=1");
        // Pods with requests are not BestEffort: no quota covers these two.
        await Created(Pod(ns, "burst1", resources: Cpu));
        await Created(Pod(ns, "burst2", resources: Cpu));
        await Created(Pod(ns, "hi1", $"\n  priorityClassName: {ns}-high", Cpu));
        await Refused(Pod(ns, "hi2", $"\n  priorityClassName: {ns}-high", Cpu), "pods \"hi2\" is forbidden: exceeded quota: high, requested: pods=1,requests.cpu=600m, used: pods=1,requests.cpu=600m, limited: pods=1,requests.cpu=1");
        // The PriorityClass quota limits requests.cpu too, so its pods must state it.
        await Refused(Pod(ns, "hi3", $"\n  priorityClassName: {ns}-high"), "pods \"hi3\" is forbidden: failed quota: high: must specify requests.cpu for: app");
        await Created(Pod(ns, "t1", "\n  activeDeadlineSeconds: 60", Cpu));
        await Refused(Pod(ns, "t2", "\n  activeDeadlineSeconds: 60", Cpu), "pods \"t2\" is forbidden: exceeded quota: deadline, requested: pods=1, used: pods=1, limited: pods=1");
        // status.used counts what each quota's scopes select, not the namespace's six pods.
        var high = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/resourcequotas/high"), q => q.Node("status.used")?["requests.cpu"]?.GetValue<string>() == "600m", "high usage");
        Assert.Equal("1", high.Str("status.used.pods"));
        foreach (var q in new[] { "besteffort", "deadline" })
            Assert.Equal("1", (await _h.Get($"/api/v1/namespaces/{ns}/resourcequotas/{q}")).Str("status.used.pods"));
    }

    [Fact]
    public async Task UpdatesThatGrowAServiceOrAClaimAreChargedAndCountsCoverAnyKind()
    {
        var ns = await _h.Ns("charged");
        Assert.Equal(201, (await _h.Post("/apis/storage.k8s.io/v1/storageclasses", J($$"""{"metadata":{"name":"{{ns}}-grow"},"provisioner":"fake.example.com","allowVolumeExpansion":true}"""))).Code);
        var r = await _kubectl.Run("create", "quota", "objects", "-n", ns, "--hard=services.loadbalancers=1,services.nodeports=2,count/deployments.apps=1,requests.storage=2Gi");
        Assert.True(r.Exit == 0, r.ToString());
        await QuotaSeen(ns, "objects");
        Assert.Equal(0, (await _kubectl.Run("create", "service", "loadbalancer", "lb", "--tcp=80:80", "-n", ns)).Exit);
        Assert.Equal(0, (await _kubectl.Run("create", "service", "clusterip", "web", "--tcp=80:80,443:443", "-n", ns)).Exit);
        r = await _kubectl.Run("patch", "service", "web", "-n", ns, "-p", """{"spec":{"type":"LoadBalancer"}}""");
        Assert.Equal(1, r.Exit);
        // Both what a load balancer is and the node ports of its two ports: only the exceeded ones are named.
        Assert.Contains("Error from server (Forbidden): services \"web\" is forbidden: exceeded quota: objects, requested: services.loadbalancers=1,services.nodeports=2, used: services.loadbalancers=1,services.nodeports=1, limited: services.loadbalancers=1,services.nodeports=2", r.Err);
        r = await _kubectl.Run("patch", "service", "web", "-n", ns, "-p", """{"spec":{"type":"NodePort"}}""");
        Assert.Equal(1, r.Exit);
        Assert.Contains("services \"web\" is forbidden: exceeded quota: objects, requested: services.nodeports=2, used: services.nodeports=1, limited: services.nodeports=2", r.Err);
        Assert.Equal("ClusterIP", (await _h.Get($"/api/v1/namespaces/{ns}/services/web")).Str("spec.type"));
        Assert.Equal(0, (await _kubectl.Run("create", "deployment", "d1", "--image=nginx:1.27", "-n", ns)).Exit);
        r = await _kubectl.Run("create", "deployment", "d2", "--image=nginx:1.27", "-n", ns);
        Assert.Equal(1, r.Exit);
        Assert.True(r.Err.Contains("error: failed to create deployment: deployments.apps \"d2\" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1", StringComparison.Ordinal), r.Err);
        await Created($$$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data, namespace: {{{{ns}}}}}
            spec: {storageClassName: {{{{ns}}}}-grow, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            """);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/persistentvolumeclaims/data"), c => c.Str("status.phase") == "Bound", "claim bound");
        r = await _kubectl.Run("patch", "pvc", "data", "-n", ns, "-p", """{"spec":{"resources":{"requests":{"storage":"3Gi"}}}}""");
        Assert.Equal(1, r.Exit);
        Assert.Contains("persistentvolumeclaims \"data\" is forbidden: exceeded quota: objects, requested: requests.storage=2Gi, used: requests.storage=1Gi, limited: requests.storage=2Gi", r.Err);
        Assert.Equal(0, (await _kubectl.Run("patch", "pvc", "data", "-n", ns, "-p", """{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}""")).Exit);
        var quota = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/resourcequotas/objects"), q => q.Node("status.used")?["requests.storage"]?.GetValue<string>() == "2Gi", "quota usage");
        var used = quota.Node("status.used")!;
        Assert.Equal("1", used["services.loadbalancers"]!.GetValue<string>());
        Assert.Equal("1", used["services.nodeports"]!.GetValue<string>());
        Assert.Equal("1", used["count/deployments.apps"]!.GetValue<string>());
    }

    [Fact]
    public async Task ALimitRangeRefusesWithEveryViolationOfContainersPodsAndClaims()
    {
        var ns = await _h.Ns("ranges");
        await Created($$"""
            apiVersion: v1
            kind: LimitRange
            metadata: {name: lr, namespace: {{ns}}}
            spec:
              limits:
              - type: Container
                max: {cpu: "1"}
                maxLimitRequestRatio: {cpu: "2"}
              - type: Pod
                max: {memory: 1Gi}
              - type: PersistentVolumeClaim
                min: {storage: 1Gi}
                max: {storage: 2Gi}
            """);
        // The Container max became the default limit (API defaulting of LimitRanges), and the default the request.
        var lr = await _h.Get($"/api/v1/namespaces/{ns}/limitranges/lr");
        Assert.Equal("1", lr.Node("spec.limits.0.default")!["cpu"]!.GetValue<string>());
        Assert.Equal("1", lr.Node("spec.limits.0.defaultRequest")!["cpu"]!.GetValue<string>());
        var pod = $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: big, namespace: {{{ns}}}}
            spec:
              containers:
              - name: a
                image: nginx:1.27
                resources: {requests: {cpu: 100m, memory: 768Mi}, limits: {cpu: "2", memory: 768Mi}}
              - name: b
                image: nginx:1.27
                resources: {limits: {cpu: 500m, memory: 512Mi}}
            """;
        await Refused(pod, "pods \"big\" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, cpu max limit to request ratio per Container is 2, but provided ratio is 20.000000, maximum memory usage per Pod is 1Gi, but limit is 1280Mi]");
        // One violation is reported alone.
        await Refused(pod.Replace("cpu: \"2\"", "cpu: 200m"), "pods \"big\" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1280Mi\n");
        await Created(pod.Replace("cpu: \"2\"", "cpu: 200m").Replace("768Mi", "256Mi"));
        var claim = $$$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: c, namespace: {{{{ns}}}}}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: SIZE}}}
            """;
        await Refused(claim.Replace("SIZE", "5Gi"), "persistentvolumeclaims \"c\" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi");
        await Refused(claim.Replace("SIZE", "500Mi"), "persistentvolumeclaims \"c\" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi");
        await Created(claim.Replace("SIZE", "1Gi"));
        // Claims are held to it on updates too.
        var r = await _kubectl.Run("patch", "pvc", "c", "-n", ns, "-p", """{"spec":{"resources":{"requests":{"storage":"3Gi"}}}}""");
        Assert.Equal(1, r.Exit);
        Assert.Contains("persistentvolumeclaims \"c\" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 3Gi", r.Err);
    }

    [Fact]
    public async Task AQuotaRefusesWhatWouldExceedItAndKeepsItsUsage()
    {
        var ns = await _h.Ns("quota");
        var r = await _kubectl.Run("create", "quota", "q", "-n", ns, "--hard=pods=1,requests.cpu=1");
        Assert.True(r.Exit == 0, r.ToString());
        await QuotaSeen(ns, "q");
        r = await _kubectl.In(Pod(ns, "none"), "apply", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("pods \"none\" is forbidden: failed quota: q: must specify requests.cpu for: app\n", r.Err);
        r = await _kubectl.In(Pod(ns, "p1", resources: Cpu), "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        r = await _kubectl.In(Pod(ns, "p2", resources: Cpu), "apply", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("Error from server (Forbidden): error when creating \"STDIN\": pods \"p2\" is forbidden: exceeded quota: q, requested: pods=1,requests.cpu=600m, used: pods=1,requests.cpu=600m, limited: pods=1,requests.cpu=1", r.Err);
        var quota = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/resourcequotas/q"), q => q.Node("status.used") is not null, "quota usage");
        Assert.Equal("1", quota.Str("status.used.pods"));
        Assert.Equal("600m", quota.Node("status.used")!["requests.cpu"]!.GetValue<string>());
        Assert.Equal("1", quota.Node("status.hard")!["requests.cpu"]!.GetValue<string>());
        // Deleting the pod frees the quota.
        Assert.Equal(0, (await _kubectl.Run("delete", "pod", "p1", "-n", ns, "--wait=false")).Exit);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/pods/p1"), p => p.Code == 404, "pod gone");
        r = await _kubectl.In(Pod(ns, "p2", resources: Cpu), "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
    }

    [Fact]
    public async Task ALimitRangeDefaultsContainersAndHoldsThemToItsMaximum()
    {
        var ns = await _h.Ns("limits");
        var r = await _kubectl.In($$"""
            apiVersion: v1
            kind: LimitRange
            metadata: {name: lr, namespace: {{ns}}}
            spec:
              limits:
              - type: Container
                default: {cpu: 500m}
                defaultRequest: {cpu: 100m}
                max: {cpu: "1"}
            """, "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        r = await _kubectl.In(Pod(ns, "p"), "apply", "-f", "-");
        Assert.True(r.Exit == 0, r.ToString());
        var pod = await _h.Get($"/api/v1/namespaces/{ns}/pods/p");
        Assert.Equal("100m", pod.Node("spec.containers.0.resources.requests")!["cpu"]!.GetValue<string>());
        Assert.Equal("500m", pod.Node("spec.containers.0.resources.limits")!["cpu"]!.GetValue<string>());
        Assert.Equal("LimitRanger plugin set: cpu request for container app; cpu limit for container app", pod.Node("metadata.annotations")!["kubernetes.io/limit-ranger"]!.GetValue<string>());
        r = await _kubectl.In(Pod(ns, "big", resources: "\n    resources: {limits: {cpu: \"2\"}}"), "apply", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2", r.Err);
    }
}

/// <summary>The pods of the workload controllers pass the same admission plugins; a refusal is the controller's FailedCreate.</summary>
public sealed class ControllerAdmissionTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public ControllerAdmissionTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private static JsonObject? Condition(Reply r, string type) =>
        (r.Node("status.conditions") as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

    private Task<List<JsonObject>> FailedCreates(string ns, string kind, string name) =>
        Eventually(async () => Items(await _h.Get($"/api/v1/namespaces/{ns}/events")).OfType<JsonObject>()
                .Where(e => e["reason"]?.GetValue<string>() == "FailedCreate" && e["involvedObject"]?["kind"]?.GetValue<string>() == kind && e["involvedObject"]?["name"]?.GetValue<string>() == name).ToList(),
            events => events.Count > 0, $"FailedCreate of {kind} {name}");

    [Fact]
    public async Task ARefusedPodIsTheControllersFailedCreateAndTheReplicaSetsReplicaFailure()
    {
        var ns = await _h.Ns("refused");
        Assert.Equal(0, (await _kubectl.Run("create", "quota", "q", "-n", ns, "--hard=pods=1")).Exit);
        await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/resourcequotas/q"), q => q.Node("status.used") is not null, "quota synced");
        Assert.Equal(0, (await _kubectl.Run("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "-n", ns)).Exit);
        var rs = await Eventually(async () => Items(await _h.Get($"/apis/apps/v1/namespaces/{ns}/replicasets")).OfType<JsonObject>().FirstOrDefault(),
            r => (r?["status"]?["conditions"] as JsonArray)?.Count > 0, "replicaset failure");
        var rsName = rs!["metadata"]!["name"]!.GetValue<string>();
        var failure = (rs["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>().Single();
        Assert.Equal("ReplicaFailure", failure["type"]!.GetValue<string>());
        Assert.Equal("True", failure["status"]!.GetValue<string>());
        Assert.Equal("FailedCreate", failure["reason"]!.GetValue<string>());
        const string Exceeded = " is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1";
        Assert.Matches($"^pods \"{rsName}-[a-z0-9]{{5}}\"{Exceeded}$", failure["message"]!.GetValue<string>());
        var events = await FailedCreates(ns, "ReplicaSet", rsName);
        Assert.Equal("Warning", events[0]["type"]!.GetValue<string>());
        Assert.Matches($"^Error creating: pods \"{rsName}-[a-z0-9]{{5}}\"{Exceeded}$", events[0]["message"]!.GetValue<string>());
        Assert.Equal("replicaset-controller", events[0]["source"]!["component"]!.GetValue<string>());
        var deploy = await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web"), d => Condition(d, "ReplicaFailure") is not null, "deployment failure");
        Assert.Equal(failure["message"]!.GetValue<string>(), Condition(deploy, "ReplicaFailure")!["message"]!.GetValue<string>());
        var describe = await _kubectl.Run("describe", "deployment", "web", "-n", ns);
        Assert.Matches(@"ReplicaFailure\s+True\s+FailedCreate", describe.Out);
        Assert.Single(Items(await _h.Get($"/api/v1/namespaces/{ns}/pods")));
        // Room in the quota: the second pod is created and the failure goes from both.
        Assert.Equal(0, (await _kubectl.Run("patch", "quota", "q", "-n", ns, "-p", """{"spec":{"hard":{"pods":"2"}}}""")).Exit);
        await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web"), d => Condition(d, "ReplicaFailure") is null && d.Node("status.replicas")?.GetValue<int>() == 2, "deployment recovered");
        Assert.Null(Condition(await _h.Get($"/apis/apps/v1/namespaces/{ns}/replicasets/{rsName}"), "ReplicaFailure"));
        // The quota is full again: a StatefulSet and a Job are refused with their controllers' wording.
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/statefulsets", J("""{"metadata":{"name":"db"},"spec":{"replicas":1,"serviceName":"db","selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"db","image":"postgres:17"}]}}}}"""))).Code);
        var sts = await FailedCreates(ns, "StatefulSet", "db");
        Assert.Equal("create Pod db-0 in StatefulSet db failed error: pods \"db-0\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2", sts[0]["message"]!.GetValue<string>());
        Assert.Equal(0, (await _kubectl.Run("create", "job", "once", "--image=busybox:1.37", "-n", ns)).Exit);
        var job = await FailedCreates(ns, "Job", "once");
        Assert.Matches("^Error creating: pods \"once-[a-z0-9]{5}\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2$", job[0]["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task APodOfAMissingServiceAccountIsRefusedUntilTheAccountExists()
    {
        var ns = await _h.Ns("lostsa");
        Assert.Equal(201, (await _h.Post($"/apis/apps/v1/namespaces/{ns}/replicasets", J("""{"metadata":{"name":"lost"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"lost"}},"template":{"metadata":{"labels":{"app":"lost"}},"spec":{"serviceAccountName":"robot","containers":[{"name":"app","image":"nginx:1.27"}]}}}}"""))).Code);
        var events = await FailedCreates(ns, "ReplicaSet", "lost");
        Assert.Matches($"^Error creating: pods \"lost-[a-z0-9]{{5}}\" is forbidden: error looking up service account {ns}/robot: serviceaccount \"robot\" not found$", events[0]["message"]!.GetValue<string>());
        Assert.Empty(Items(await _h.Get($"/api/v1/namespaces/{ns}/pods")));
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts", J("""{"metadata":{"name":"robot"}}"""))).Code);
        var pods = await Eventually(() => _h.Get($"/api/v1/namespaces/{ns}/pods"), p => Items(p).Count == 1, "pod created");
        Assert.Equal("robot", Items(pods)[0]!["spec"]!["serviceAccountName"]!.GetValue<string>());
    }
}

/// <summary>The ServiceAccount plugin waits for the default account (on a cluster whose controllers do not run, so nothing creates it by itself).</summary>
public sealed class DefaultServiceAccountWaitTests
{
    [Fact]
    public async Task APodWaitsForTheDefaultAccountAndIsRefusedWhenItNeverComes()
    {
        await using var cluster = await global::FakeApiServer.FakeCluster.StartAsync(new global::FakeApiServer.FakeClusterOptions { ReconcileInterval = TimeSpan.FromHours(1) });
        using var h = Client(cluster);
        const string Pod = """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}""";
        Assert.Equal(201, (await h.Post("/api/v1/namespaces", J("""{"metadata":{"name":"never"}}"""))).Code);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await h.Post("/api/v1/namespaces/never/pods", J(Pod));
        IsStatus(refused, 403, "Forbidden", "pods \"p\" is forbidden: error looking up service account never/default: serviceaccount \"default\" not found");
        // Nine more looks, 100-200 ms apart.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), clock.Elapsed.ToString());
        Assert.Equal(201, (await h.Post("/api/v1/namespaces", J("""{"metadata":{"name":"soon"}}"""))).Code);
        var create = h.Post("/api/v1/namespaces/soon/pods", J(Pod));
        // The account appears while the plugin waits (as the service account controller would create it).
        await Task.Delay(300);
        Assert.Equal(201, (await h.Post("/api/v1/namespaces/soon/serviceaccounts", J("""{"metadata":{"name":"default"}}"""))).Code);
        var created = await create;
        Assert.True(created.Code == 201, created.Text);
        Assert.Equal("default", created.Str("spec.serviceAccountName"));
    }
}
