using FakeApiServer;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Fault injection, the request log and the control API (each test on its own cluster).</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private FakeCluster _c = null!;
    private HttpClient _h = null!;

    public async Task InitializeAsync()
    {
        _c = await FakeCluster.StartAsync();
        _h = Client(_c);
    }

    public async Task DisposeAsync()
    {
        _h.Dispose();
        await _c.DisposeAsync();
    }

    [Fact]
    public async Task InjectedErrorsAreStatusesAndHappenBeforeTheWrite()
    {
        _c.Faults.ErrorCodes = [429];
        _c.Faults.ErrorRate = 1;
        var r = await _h.Post("/api/v1/namespaces/default/configmaps", ConfigMap("c"));
        IsStatus(r, 429, "TooManyRequests");
        Assert.Equal("1", r.Headers.GetValues("Retry-After").Single());
        Assert.Equal(1, r.Node("details.retryAfterSeconds")!.GetValue<int>());
        _c.Faults.ErrorCodes = [500, 503];
        var codes = new HashSet<int>();
        for (var i = 0; i < 20; i++) codes.Add((await _h.Get("/api/v1/namespaces")).Code);
        Assert.Equal([500, 503], codes.Order());
        _c.Faults.ErrorRate = 0;
        Assert.Equal(404, (await _h.Get("/api/v1/namespaces/default/configmaps/c")).Code);
        Assert.Equal(0, _c.WritesFor("configmaps", "default", "c"));
        var log = _c.Requests;
        Assert.Contains(log, e => e.Injected && e.Status == 429 && e.Method == "POST");
        Assert.Contains(log, e => !e.Injected && e.Status == 404);
    }

    [Fact]
    public async Task AfterWriteFaultsLoseOnlyTheAnswer()
    {
        _c.Faults.FaultsBeforeWrite = false;
        _c.Faults.ErrorCodes = [503];
        _c.Faults.ErrorRate = 1;
        IsStatus(await _h.Post("/api/v1/namespaces/default/configmaps", ConfigMap("lost")), 503, "ServiceUnavailable");
        _c.Faults.ErrorRate = 0;
        Assert.Equal(200, (await _h.Get("/api/v1/namespaces/default/configmaps/lost")).Code);
        Assert.Equal(1, _c.WritesFor("configmaps", "default", "lost"));
    }

    [Fact]
    public async Task ResetsAndDownAbortConnectionsButNotControlEndpoints()
    {
        _c.Faults.ResetRate = 1;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _h.Get("/version"));
        _c.Faults.ResetRate = 0;
        _c.Faults.Down = true;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _h.Get("/version"));
        var faults = await _h.Get("/fake/faults");
        Assert.True(faults.Node("down")!.GetValue<bool>());
        _c.Faults.Down = false;
        Assert.Equal(200, (await _h.Get("/version")).Code);
        Assert.Contains(_c.Requests, e => e.Injected && e.Status == 0);
        Assert.DoesNotContain(_c.Requests, e => e.Path.StartsWith("/fake/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchesAreNotAnsweredWithInjectedErrors()
    {
        _c.Faults.ErrorRate = 1;
        await using var w = await WatchStream.Open(_h, "/api/v1/namespaces?watch=true");
        Assert.Equal(200, w.Code);
        Assert.Equal("ADDED", (await w.Next())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameFaults()
    {
        async Task<string> Run()
        {
            _c.Faults.Seed = 7;
            _c.Faults.ErrorRate = 0.5;
            var codes = new List<int>();
            for (var i = 0; i < 16; i++) codes.Add((await _h.Get("/version")).Code);
            _c.Faults.ErrorRate = 0;
            return string.Join(',', codes);
        }
        var a = await Run();
        Assert.Equal(a, await Run());
        Assert.Contains("200", a);
        Assert.Matches("(500|503|429)", a);
    }

    [Fact]
    public async Task ControlApiSetsFaultsAndReadsTheLogAndWrites()
    {
        _c.ClearRequests();
        var put = await _h.Send("PUT", "/fake/faults", J("""{"ErrorRate":1,"ErrorCodes":[500],"LatencyMs":1,"WatchDropAfter":"00:00:02","FaultsBeforeWrite":false,"Seed":3}"""));
        Assert.Equal(200, put.Code);
        Assert.Equal(1, _c.Faults.ErrorRate);
        Assert.Equal([500], _c.Faults.ErrorCodes);
        Assert.Equal(TimeSpan.FromSeconds(2), _c.Faults.WatchDropAfter);
        Assert.False(_c.Faults.FaultsBeforeWrite);
        Assert.Equal(3, _c.Faults.Seed);
        Assert.Equal(400, (await _h.Send("PUT", "/fake/faults", J("""{"NoSuchFault":1}"""))).Code);
        await _h.Send("PUT", "/fake/faults", J("""{"errorRate":0,"latencyMs":0,"watchDropAfterMs":null,"faultsBeforeWrite":true}"""));
        Assert.Null(_c.Faults.WatchDropAfter);
        await _h.Post("/api/v1/namespaces/default/configmaps", ConfigMap("w"), ua: "kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd");
        await _h.Patch("/api/v1/namespaces/default/configmaps/w", J("""{"data":{"k":"2"}}"""), "application/merge-patch+json");
        var writes = await _h.Get("/fake/writes?plural=configmaps&namespace=default&name=w");
        Assert.Equal(2, writes.Node("writes")!.GetValue<int>());
        var log = await _h.Get("/fake/requests");
        var entries = log.Body!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("POST", entries[0]!["method"]!.GetValue<string>());
        Assert.Equal("/api/v1/namespaces/default/configmaps", entries[0]!["path"]!.GetValue<string>());
        Assert.StartsWith("kubectl/v1.32.", entries[0]!["userAgent"]!.GetValue<string>());
        Assert.Equal(201, entries[0]!["status"]!.GetValue<int>());
        Assert.False(entries[0]!["injected"]!.GetValue<bool>());
        Assert.Equal(200, (await _h.Send("DELETE", "/fake/requests")).Code);
        Assert.Empty((await _h.Get("/fake/requests")).Body!.AsArray());
        Assert.Equal(404, (await _h.Get("/fake/nothing")).Code);
    }
}
