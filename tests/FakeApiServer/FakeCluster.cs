using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FakeApiServer;

/// <summary>Settings of a fake cluster.</summary>
public sealed class FakeClusterOptions
{
    public int Port { get; set; }
    /// <summary>Simulated-time multiplier for controllers: 60 makes a 600 s progress deadline pass in 10 s.</summary>
    public double ClockSpeed { get; set; } = 1;
    /// <summary>Simulated time until a pod becomes ready.</summary>
    public TimeSpan PodReadyDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Real time between controller passes.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Changes kept for watch resume; older resourceVersions get a 410 Expired ERROR event.</summary>
    public int WatchHistory { get; set; } = 1000;
    /// <summary>How long a watch without timeoutSeconds stays open (W-7).</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How often an idle watch with allowWatchBookmarks=true gets a BOOKMARK event (W-6).</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(5);
    public FaultOptions Faults { get; } = new();
}

/// <summary>Fault injection for reliability tests; may be changed while the server runs.</summary>
public sealed class FaultOptions
{
    private readonly object _gate = new();
    private Random _random = new(1);
    private int _seed = 1;

    public double ErrorRate { get; set; }
    public int[] ErrorCodes { get; set; } = [500, 503, 429];
    public double ResetRate { get; set; }
    public int LatencyMs { get; set; }
    public TimeSpan? WatchDropAfter { get; set; }
    public bool Down { get; set; }
    public bool FaultsBeforeWrite { get; set; } = true;
    public int Seed { get => _seed; set { lock (_gate) { _seed = value; _random = new Random(value); } } }

    internal double Next() { lock (_gate) return _random.NextDouble(); }
    internal int NextCode() { lock (_gate) return ErrorCodes[_random.Next(ErrorCodes.Length)]; }
}

/// <summary>One request the fake answered.</summary>
public sealed record RequestLogEntry(DateTimeOffset Time, string Method, string Path, string Query, string UserAgent, int Status, bool Injected);

/// <summary>
/// A fake Kubernetes API server (v1.32 semantics) on 127.0.0.1: discovery, CRUD, server-side apply, watch, validation,
/// simulated controllers and fault injection. In-process for xunit; standalone through Program for Pester and kubectl.
/// </summary>
public sealed class FakeCluster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RequestLogEntry> _log = new();
    private readonly Controllers _controllers;
    private readonly CancellationTokenSource _stop = new();
    private Task? _controllerLoop;

    private FakeCluster(WebApplication app, Store store, FakeClusterOptions options, Controllers controllers)
    {
        _app = app;
        Store = store;
        Options = options;
        _controllers = controllers;
    }

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Cancelled when the host is asked to stop (SIGTERM, Ctrl+C).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;
    public int Port => BaseUri.Port;
    public FaultOptions Faults => Options.Faults;
    public FakeClusterOptions Options { get; }
    internal Store Store { get; }
    public IReadOnlyList<RequestLogEntry> Requests => _log.ToArray();
    public void ClearRequests() => _log.Clear();
    /// <summary>The latest errors of the simulated controllers (a healthy run has none).</summary>
    public IReadOnlyList<string> ControllerErrors => _controllers.Errors.ToArray();
    public int WritesFor(string plural, string? ns, string name) => Store.WritesFor(plural, ns, name);

    public static async Task<FakeCluster> StartAsync(FakeClusterOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeClusterOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var store = new Store(options.WatchHistory);
        FakeCluster? cluster = null;
        var api = new Api(store, options, () => $"127.0.0.1:{cluster!.Port}");
        var controllers = new Controllers(store, api, options);
        cluster = new FakeCluster(app, store, options, controllers);
        app.Run(ctx => cluster.HandleAsync(ctx, api));
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        cluster.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        controllers.Seed();
        cluster._controllerLoop = controllers.RunAsync(cluster._stop.Token);
        return cluster;
    }

    private async Task HandleAsync(HttpContext ctx, Api api)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path.StartsWith("/fake/", StringComparison.Ordinal))
        {
            await ControlAsync(ctx).ConfigureAwait(false);
            return;
        }
        var injected = false;
        var f = Options.Faults;
        try
        {
            if (f.Down) { injected = true; ctx.Abort(); return; }
            if (f.LatencyMs > 0) await Task.Delay(f.LatencyMs, ctx.RequestAborted).ConfigureAwait(false);
            var isWatch = ctx.Request.Query["watch"] is var w && (w == "true" || w == "1");
            if (f.ResetRate > 0 && f.Next() < f.ResetRate) { injected = true; ctx.Abort(); return; }
            if (!isWatch && f.ErrorRate > 0 && f.Next() < f.ErrorRate)
            {
                injected = true;
                var code = f.NextCode();
                var (reason, retry) = code switch { 429 => ("TooManyRequests", (int?)1), 503 => ("ServiceUnavailable", null), 504 => ("Timeout", null), _ => ("InternalError", (int?)null) };
                var err = new ApiError(code, reason, code == 429 ? "Too many requests, please try again later." : "an error on the server (\"injected fault\") has prevented the request from succeeding",
                    code == 429 ? new JsonObject { ["retryAfterSeconds"] = 1 } : null) { RetryAfter = retry };
                await Api.WriteAsync(ctx, code, err.ToStatus(), retry).ConfigureAwait(false);
                return;
            }
            await api.HandleAsync(ctx).ConfigureAwait(false);
        }
        finally
        {
            _log.Enqueue(new RequestLogEntry(DateTimeOffset.UtcNow, ctx.Request.Method, path, ctx.Request.QueryString.Value ?? "", ctx.Request.Headers.UserAgent.ToString(), ctx.Response.StatusCode, injected));
        }
    }

    private async Task ControlAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value!;
        switch (path, ctx.Request.Method)
        {
            case ("/fake/requests", "GET"):
                var arr = new JsonArray();
                foreach (var r in _log) arr.Add(new JsonObject { ["time"] = r.Time.ToString("O"), ["method"] = r.Method, ["path"] = r.Path, ["query"] = r.Query, ["userAgent"] = r.UserAgent, ["status"] = r.Status, ["injected"] = r.Injected });
                await Api.WriteAsync(ctx, 200, arr).ConfigureAwait(false);
                return;
            case ("/fake/requests", "DELETE"):
                _log.Clear();
                await Api.WriteAsync(ctx, 200, new JsonObject()).ConfigureAwait(false);
                return;
            case ("/fake/faults", "PUT"):
                var body = await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(ctx.Request.Body).ConfigureAwait(false) ?? [];
                var f = Options.Faults;
                foreach (var (k, v) in body)
                {
                    switch (k.ToLowerInvariant())
                    {
                        case "errorrate": f.ErrorRate = v!.GetValue<double>(); break;
                        case "errorcodes": f.ErrorCodes = v!.AsArray().Select(x => x!.AsInt()).ToArray(); break;
                        case "resetrate": f.ResetRate = v!.GetValue<double>(); break;
                        case "latencyms": f.LatencyMs = v!.AsInt(); break;
                        case "watchdropafterms": f.WatchDropAfter = v is null ? null : TimeSpan.FromMilliseconds(v.GetValue<double>()); break;
                        case "down": f.Down = v!.GetValue<bool>(); break;
                        case "seed": f.Seed = v!.AsInt(); break;
                    }
                }
                await Api.WriteAsync(ctx, 200, new JsonObject()).ConfigureAwait(false);
                return;
            case ("/fake/writes", "GET"):
                var q = ctx.Request.Query;
                await Api.WriteAsync(ctx, 200, new JsonObject { ["writes"] = WritesFor(q["plural"]!, q["namespace"], q["name"]!) }).ConfigureAwait(false);
                return;
            default:
                ctx.Response.StatusCode = 404;
                return;
        }
    }

    /// <summary>Writes a kubeconfig (context "fake", namespace default, a token user) that both KubeOpsPS and kubectl use.</summary>
    public string WriteKubeConfig(string path)
    {
        var server = BaseUri.ToString().TrimEnd('/');
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {server}
            users:
            - name: fake
              user:
                token: fake-token
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
                namespace: default
            current-context: fake
            preferences: {"{}"}

            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_controllerLoop is not null) { try { await _controllerLoop.ConfigureAwait(false); } catch (OperationCanceledException) { } }
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
