using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>One answer from the fake: status, parsed JSON body (null when not JSON) and headers.</summary>
public sealed record Reply(int Code, JsonNode? Body, string Text, HttpResponseHeaders Headers, string? ContentType)
{
    public JsonObject Obj => Body as JsonObject ?? throw new InvalidOperationException($"not an object ({Code}): {Text}");
    public string? Str(string path) => Node(path)?.GetValue<string>();
    public JsonNode? Node(string path)
    {
        JsonNode? n = Body;
        foreach (var seg in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
            n = n switch
            {
                JsonArray a when int.TryParse(seg, out var i) => i < a.Count ? a[i] : null,
                JsonObject o => o[seg],
                _ => null,
            };
        return n;
    }
    public string Rv => Str("metadata.resourceVersion")!;
}

/// <summary>A fast fake cluster shared by one test class; each test works in its own namespace.</summary>
public sealed class FakeClusterFixture : IAsyncLifetime
{
    public FakeCluster Cluster { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await FakeCluster.StartAsync(new FakeClusterOptions
        {
            ClockSpeed = 20,
            PodReadyDelay = TimeSpan.FromSeconds(1),
            ReconcileInterval = TimeSpan.FromMilliseconds(40),
            WatchHistory = 5000,
        });
        Http = FakeHttp.Client(Cluster);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        var errors = Cluster.ControllerErrors;
        await Cluster.DisposeAsync();
        // A controller step that throws is a fake bug even when the tests happened to pass.
        if (errors.Count > 0) throw new InvalidOperationException("simulated controllers failed:\n" + string.Join("\n", errors));
    }
}

public static class FakeHttp
{
    private static int _ns;

    /// <summary>A client of the fake as the cluster admin (the default kubeconfig's token), or with another bearer token.</summary>
    public static HttpClient Client(FakeCluster c, string? token = global::FakeApiServer.Auth.Authenticator.AdminToken)
    {
        var http = new HttpClient { BaseAddress = c.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static async Task<Reply> Send(this HttpClient http, string method, string path, object? body = null, string contentType = "application/json", string? accept = null, string? userAgent = null)
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            var text = body switch { string s => s, JsonNode n => n.ToJsonString(), _ => throw new ArgumentException("body") };
            req.Content = new StringContent(text, Encoding.UTF8);
            req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null) req.Headers.TryAddWithoutValidation("Accept", accept);
        req.Headers.TryAddWithoutValidation("User-Agent", userAgent ?? "fake-tests/1.0");
        using var res = await http.SendAsync(req);
        var txt = await res.Content.ReadAsStringAsync();
        JsonNode? node = null;
        try { node = txt.Length > 0 ? JsonNode.Parse(txt) : null; } catch (System.Text.Json.JsonException) { }
        return new Reply((int)res.StatusCode, node, txt, res.Headers, res.Content.Headers.ContentType?.ToString());
    }

    public static Task<Reply> Get(this HttpClient h, string path) => h.Send("GET", path);
    public static Task<Reply> Post(this HttpClient h, string path, object body, string? ua = null) => h.Send("POST", path, body, userAgent: ua);
    public static Task<Reply> Put(this HttpClient h, string path, object body) => h.Send("PUT", path, body);
    public static Task<Reply> Delete(this HttpClient h, string path, object? body = null) => h.Send("DELETE", path, body);
    public static Task<Reply> Patch(this HttpClient h, string path, object body, string type) => h.Send("PATCH", path, body, type);
    public static Task<Reply> Apply(this HttpClient h, string path, object body, string manager = "tester", bool force = false) =>
        h.Send("PATCH", path + (path.Contains('?') ? "&" : "?") + $"fieldManager={manager}" + (force ? "&force=true" : ""), body, "application/apply-patch+yaml");

    /// <summary>
    /// Creates a fresh namespace and returns its name once the controllers have filled it (its default
    /// ServiceAccount and kube-root-ca.crt ConfigMap), as Kubernetes' own e2e framework waits for the account.
    /// </summary>
    public static async Task<string> Ns(this HttpClient h, string prefix = "t")
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _ns)}-{Guid.NewGuid().ToString("N")[..6]}";
        var r = await h.Post("/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
        Assert.Equal(201, r.Code);
        await Eventually(() => h.Get($"/api/v1/namespaces/{name}/serviceaccounts/default"), x => x.Code == 200, $"the default service account of {name}");
        await Eventually(() => h.Get($"/api/v1/namespaces/{name}/configmaps/kube-root-ca.crt"), x => x.Code == 200, $"kube-root-ca.crt in {name}");
        return name;
    }

    public static JsonObject J(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>The items of a list reply.</summary>
    public static JsonArray Items(Reply r) => r.Node("items")!.AsArray();

    public static JsonObject Deployment(string name, string image = "nginx:1.27", int replicas = 2, bool typeMeta = false)
    {
        var d = J("{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"" + name + "\"}},"
            + "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"" + image + "\",\"ports\":[{\"containerPort\":80}]}]}}}}");
        if (typeMeta) { d["apiVersion"] = "apps/v1"; d["kind"] = "Deployment"; }
        return d;
    }

    public static JsonObject ConfigMap(string name, string key = "k", string value = "v", bool typeMeta = false)
    {
        var c = J($$$"""{"metadata":{"name":"{{{name}}}"},"data":{"{{{key}}}":"{{{value}}}"}}""");
        if (typeMeta) { c["apiVersion"] = "v1"; c["kind"] = "ConfigMap"; }
        return c;
    }

    /// <summary>Polls until the condition holds (or fails the test after the timeout).</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> get, Func<T, bool> ok, string what, int timeoutMs = 20000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        T last;
        while (true)
        {
            last = await get();
            if (ok(last)) return last;
            if (DateTime.UtcNow > until) break;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting for {what}; last: {(last is Reply r ? r.Text : last?.ToString())}");
        return last;
    }

    /// <summary>
    /// Whether a Deployment's reply shows a finished rollout the controller has written its last status for: the
    /// current generation observed and Progressing=NewReplicaSetAvailable.
    /// </summary>
    public static bool RolledOut(Reply r) =>
        r.Node("status.observedGeneration")?.GetValue<long>() is { } seen && seen == r.Node("metadata.generation")?.GetValue<long>()
        && (r.Node("status.conditions") as JsonArray ?? []).Any(c => c?["type"]?.GetValue<string>() == "Progressing" && c["reason"]?.GetValue<string>() == "NewReplicaSetAvailable");

    public static void IsStatus(Reply r, int code, string reason, string? messageContains = null)
    {
        Assert.True(r.Code == code, $"expected {code}, got {r.Code}: {r.Text}");
        Assert.StartsWith("application/json", r.ContentType);
        Assert.Equal("Status", r.Str("kind"));
        Assert.Equal("v1", r.Str("apiVersion"));
        Assert.Equal("Failure", r.Str("status"));
        Assert.Equal(reason, r.Str("reason"));
        Assert.Equal(code, r.Node("code")!.GetValue<int>());
        if (messageContains is not null) Assert.Contains(messageContains, r.Str("message"));
    }
}
