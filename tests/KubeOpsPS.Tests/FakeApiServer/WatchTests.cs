using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>An open watch stream read line by line.</summary>
public sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _res;
    private readonly StreamReader _reader;
    public List<string> Lines { get; } = [];

    private WatchStream(HttpResponseMessage res, StreamReader reader) { _res = res; _reader = reader; }

    public int Code => (int)_res.StatusCode;
    public string? ContentType => _res.Content.Headers.ContentType?.MediaType;

    public static async Task<WatchStream> Open(HttpClient h, string path)
    {
        var res = await h.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead);
        return new WatchStream(res, new StreamReader(await res.Content.ReadAsStreamAsync(), Encoding.UTF8));
    }

    /// <summary>The next event, or null when the stream ended; fails after the timeout.</summary>
    public async Task<JsonObject?> Next(int timeoutMs = 10000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var line = await _reader.ReadLineAsync(cts.Token);
        if (line is null) return null;
        Lines.Add(line);
        return JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>Reads until an event satisfies the predicate.</summary>
    public async Task<JsonObject> Until(Func<JsonObject, bool> ok, int timeoutMs = 10000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var left = (int)(until - DateTime.UtcNow).TotalMilliseconds;
            Assert.True(left > 0, "no matching watch event in time; saw: " + string.Join("\n", Lines));
            var e = await Next(left) ?? throw new Xunit.Sdk.XunitException("stream ended; saw: " + string.Join("\n", Lines));
            if (ok(e)) return e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _res.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>Watch: W-1..W-8.</summary>
public sealed class WatchTests(FakeClusterFixture f) : IClassFixture<FakeClusterFixture>
{
    private readonly HttpClient _h = f.Http;

    private static string Type(JsonObject e) => e["type"]!.GetValue<string>();
    private static string Name(JsonObject e) => e["object"]!["metadata"]!["name"]!.GetValue<string>();
    private static long Rv(JsonObject e) => long.Parse(e["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());

    [Fact]
    public async Task StreamsCompactLinesWithSyntheticAddsThenChangesInOrder()
    {
        var ns = await _h.Ns();
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("a"));
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("b"));
        await using var w = await WatchStream.Open(_h, $"/api/v1/namespaces/{ns}/configmaps?watch=true");
        Assert.Equal(200, w.Code);
        Assert.Equal("application/json", w.ContentType);
        var first = await w.Next();
        var second = await w.Next();
        var third = await w.Next();
        Assert.Equal(["ADDED", "ADDED", "ADDED"], new[] { Type(first!), Type(second!), Type(third!) });
        Assert.Equal(["a", "b", "kube-root-ca.crt"], new[] { Name(first!), Name(second!), Name(third!) });
        Assert.Equal("ConfigMap", first!["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("v1", first["object"]!["apiVersion"]!.GetValue<string>());
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("c"));
        await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/a", J("""{"data":{"k":"2"}}"""), "application/merge-patch+json");
        var del = await _h.Delete($"/api/v1/namespaces/{ns}/configmaps/b");
        var added = await w.Next();
        var modified = await w.Next();
        var deleted = await w.Next();
        Assert.Equal(("ADDED", "c"), (Type(added!), Name(added!)));
        Assert.Equal(("MODIFIED", "a"), (Type(modified!), Name(modified!)));
        Assert.Equal(("DELETED", "b"), (Type(deleted!), Name(deleted!)));
        Assert.True(Rv(added!) < Rv(modified!) && Rv(modified!) < Rv(deleted!));
        Assert.Equal("v", deleted!["object"]!["data"]!["k"]!.GetValue<string>());
        Assert.All(w.Lines, l => Assert.DoesNotContain("\n", l));
        Assert.All(w.Lines, l => Assert.DoesNotContain("  ", l));
    }

    [Fact]
    public async Task ResumesFromAResourceVersionAndTreatsZeroAsUnset()
    {
        var ns = await _h.Ns();
        var a = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("a"));
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("b"));
        await using (var w = await WatchStream.Open(_h, $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={a.Rv}"))
        {
            var e = await w.Next();
            Assert.Equal(("ADDED", "b"), (Type(e!), Name(e!)));
        }
        await using (var w0 = await WatchStream.Open(_h, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion=0"))
        {
            Assert.Equal("a", Name((await w0.Next())!));
            Assert.Equal("b", Name((await w0.Next())!));
        }
    }

    [Fact]
    public async Task SelectorTransitionsBecomeAddedAndDeleted()
    {
        var ns = await _h.Ns();
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("x"));
        await using var w = await WatchStream.Open(_h, $"/api/v1/namespaces/{ns}/configmaps?watch=true&labelSelector=sel%3Dyes");
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("other"));
        await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/x", J("""{"metadata":{"labels":{"sel":"yes"}}}"""), "application/merge-patch+json");
        await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/x", J("""{"data":{"k":"z"}}"""), "application/merge-patch+json");
        await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/x", J("""{"metadata":{"labels":{"sel":"no"}}}"""), "application/merge-patch+json");
        var e1 = await w.Next(); var e2 = await w.Next(); var e3 = await w.Next();
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], new[] { Type(e1!), Type(e2!), Type(e3!) });
        Assert.All(new[] { e1, e2, e3 }, e => Assert.Equal("x", Name(e!)));
        // Field selector on the name, as kubectl rollout status uses it.
        await using var wf = await WatchStream.Open(_h, $"/api/v1/namespaces/{ns}/configmaps?watch=true&fieldSelector=metadata.name%3Dother");
        Assert.Equal("other", Name((await wf.Next())!));
    }

    [Fact]
    public async Task TimeoutSecondsEndsTheStreamCleanly()
    {
        var ns = await _h.Ns();
        // Secrets: a new namespace has none (its ConfigMaps include kube-root-ca.crt).
        await using var w = await WatchStream.Open(_h, $"/api/v1/namespaces/{ns}/secrets?watch=true&timeoutSeconds=1");
        Assert.Null(await w.Next(8000));
    }

    [Fact]
    public async Task BadResourceVersionIsABadRequest()
    {
        var r = await _h.Get("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=abc");
        IsStatus(r, 400, "BadRequest");
    }

    [Fact]
    public async Task ExpiredVersionsGetOneErrorEventAndBookmarksComeWhenAsked()
    {
        await using var c = await FakeCluster.StartAsync(new FakeClusterOptions { WatchHistory = 5, BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var h = Client(c);
        var first = await h.Post("/api/v1/namespaces/default/configmaps", ConfigMap("c0"));
        for (var i = 1; i < 12; i++) await h.Post("/api/v1/namespaces/default/configmaps", ConfigMap($"c{i}"));
        await using (var w = await WatchStream.Open(h, $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={first.Rv}"))
        {
            Assert.Equal(200, w.Code);
            var e = await w.Next();
            Assert.Equal("ERROR", Type(e!));
            var st = e!["object"]!;
            Assert.Equal("Status", st["kind"]!.GetValue<string>());
            Assert.Equal("Expired", st["reason"]!.GetValue<string>());
            Assert.Equal(410, st["code"]!.GetValue<int>());
            Assert.StartsWith($"too old resource version: {first.Rv} (", st["message"]!.GetValue<string>());
            Assert.Null(await w.Next());
        }
        var list = await h.Get("/api/v1/namespaces/default/configmaps");
        await using (var wb = await WatchStream.Open(h, $"/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion={list.Str("metadata.resourceVersion")}"))
        {
            var b = await wb.Next();
            Assert.Equal("BOOKMARK", Type(b!));
            Assert.Equal("ConfigMap", b!["object"]!["kind"]!.GetValue<string>());
            Assert.NotNull(b["object"]!["metadata"]!["resourceVersion"]);
        }
        await using (var wn = await WatchStream.Open(h, $"/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion={list.Str("metadata.resourceVersion")}"))
            Assert.Null(await wn.Next());
    }

    [Fact]
    public async Task InjectedDropsCloseWatchesMidStream()
    {
        await using var c = await FakeCluster.StartAsync();
        using var h = Client(c);
        c.Faults.WatchDropAfter = TimeSpan.FromMilliseconds(300);
        await using var w = await WatchStream.Open(h, "/api/v1/namespaces/default/secrets?watch=true&resourceVersion=0");
        var ended = false;
        try { ended = await w.Next(8000) is null; }
        catch (IOException) { ended = true; }
        catch (HttpRequestException) { ended = true; }
        Assert.True(ended);
    }
}
