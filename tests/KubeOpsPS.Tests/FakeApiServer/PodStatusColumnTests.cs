using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// The STATUS, READY and RESTARTS cells of `kubectl get pods` for pods with init containers, as the upstream printer
/// writes them. The pods are bound to a node no kubelet runs, so the status each test writes stays.
/// </summary>
public sealed class PodStatusColumnTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public PodStatusColumnTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private const string Done = """{"terminated":{"exitCode":0,"reason":"Completed"}}""";
    private const string Running = """{"running":{}}""";

    private static string States(string json) => json.Replace("DONE", Done).Replace("RUNNING", Running);

    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        // name, init statuses, app status, STATUS, READY
        { "first", """[{"name":"i1","state":RUNNING},{"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}]""", """{"waiting":{"reason":"PodInitializing"}}""", "Init:0/2", "0/1" },
        { "second", """[{"name":"i1","state":DONE},{"name":"i2","state":RUNNING}]""", """{"waiting":{"reason":"PodInitializing"}}""", "Init:1/2", "0/1" },
        { "crash", """[{"name":"i1","state":DONE},{"name":"i2","restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"CREATED"}}}]""", """{"waiting":{"reason":"PodInitializing"}}""", "Init:CrashLoopBackOff", "0/1" },
        { "error", """[{"name":"i1","state":{"terminated":{"exitCode":1,"reason":"Error"}}},{"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}]""", """{"waiting":{"reason":"PodInitializing"}}""", "Init:Error", "0/1" },
        { "exitcode", """[{"name":"i1","state":{"terminated":{"exitCode":2}}},{"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}]""", """{"waiting":{"reason":"PodInitializing"}}""", "Init:ExitCode:2", "0/1" },
        { "initialized", """[{"name":"i1","state":DONE},{"name":"i2","state":DONE}]""", """{"waiting":{"reason":"PodInitializing"}}""", "PodInitializing", "0/1" },
        { "running", """[{"name":"i1","state":DONE},{"name":"i2","state":DONE}]""", Running, "Running", "1/1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task InitContainersDecideTheStatusUntilTheyAreDone(string name, string init, string app, string status, string ready)
    {
        var ns = await _h.Ns("init-" + name);
        var pod = J("""
            {"metadata":{"name":"p"},"spec":{"nodeName":"no-kubelet",
              "initContainers":[{"name":"i1","image":"busybox:1.36"},{"name":"i2","image":"busybox:1.36"}],
              "containers":[{"name":"app","image":"nginx:1.27"}]}}
            """);
        var created = await _h.Post($"/api/v1/namespaces/{ns}/pods", pod);
        Assert.Equal(201, created.Code);
        var appReady = app == Running ? "true" : "false";
        var statusJson = """
            {"phase":"PHASE","initContainerStatuses":INIT,
             "containerStatuses":[{"name":"app","ready":READY,"restartCount":0,"image":"nginx:1.27","imageID":"","state":APP}],
             "conditions":[{"type":"Ready","status":"CONDITION"}]}
            """.Replace("PHASE", app == Running ? "Running" : "Pending").Replace("INIT", States(init).Replace("CREATED", created.Str("metadata.creationTimestamp")))
            .Replace("READY", appReady).Replace("APP", app).Replace("CONDITION", app == Running ? "True" : "False");
        var body = created.Obj;
        body["status"] = JsonNode.Parse(statusJson);
        var put = await _h.Put($"/api/v1/namespaces/{ns}/pods/p/status", body);
        Assert.Equal(200, put.Code);
        var r = await _kubectl.Run("get", "pod", "p", "-n", ns, "--no-headers");
        Assert.True(r.Exit == 0, r.ToString());
        var cells = r.Out.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["p", ready, status], cells[..3]);
        if (name == "crash") Assert.Matches(@"^p +0/1 +Init:CrashLoopBackOff +3 \(\S+ ago\) ", r.Out);
        else Assert.Equal("0", cells[3]);
    }

    [Fact]
    public async Task AStartedSidecarCountsAsAContainer()
    {
        var ns = await _h.Ns("sidecar");
        var created = await _h.Post($"/api/v1/namespaces/{ns}/pods", J("""
            {"metadata":{"name":"p"},"spec":{"nodeName":"no-kubelet",
              "initContainers":[{"name":"proxy","image":"envoy:1","restartPolicy":"Always"}],
              "containers":[{"name":"app","image":"nginx:1.27"}]}}
            """));
        Assert.Equal(201, created.Code);
        var body = created.Obj;
        body["status"] = JsonNode.Parse("""
            {"phase":"Running","conditions":[{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}],
             "initContainerStatuses":[{"name":"proxy","started":true,"ready":true,"restartCount":0,"image":"envoy:1","imageID":"","state":{"running":{}}}],
             "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"image":"nginx:1.27","imageID":"","state":{"running":{}}}]}
            """);
        Assert.Equal(200, (await _h.Put($"/api/v1/namespaces/{ns}/pods/p/status", body)).Code);
        var r = await _kubectl.Run("get", "pod", "p", "-n", ns, "--no-headers");
        Assert.Matches(@"^p +2/2 +Running +0 ", r.Out);
    }
}
