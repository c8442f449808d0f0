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

    [Fact]
    public async Task AQuotaRefusesWhatWouldExceedItAndKeepsItsUsage()
    {
        var ns = await _h.Ns("quota");
        var r = await _kubectl.Run("create", "quota", "q", "-n", ns, "--hard=pods=1,requests.cpu=1");
        Assert.True(r.Exit == 0, r.ToString());
        r = await _kubectl.In(Pod(ns, "none"), "apply", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("pods \"none\" is forbidden: failed quota: q: must specify requests.cpu", r.Err);
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
