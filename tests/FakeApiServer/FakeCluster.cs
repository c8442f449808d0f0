using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FakeApiServer;

/// <summary>Settings of a fake cluster.</summary>
public sealed class FakeClusterOptions
{
    /// <summary>The plain HTTP port (0: a free one).</summary>
    public int Port { get; set; }
    /// <summary>The HTTPS port kubeconfigs point at (0: a free one).</summary>
    public int TlsPort { get; set; }
    /// <summary>Simulated-time multiplier for controllers: 60 makes a 600 s progress deadline pass in 10 s.</summary>
    public double ClockSpeed { get; set; } = 1;
    /// <summary>Simulated time until a pod becomes ready.</summary>
    public TimeSpan PodReadyDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Real time between looks of the controller loop, which runs a pass when the store changed or a controller's time came.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Changes kept for watch resume; older resourceVersions get a 410 Expired ERROR event.</summary>
    public int WatchHistory { get; set; } = 1000;
    /// <summary>How long a watch without timeoutSeconds stays open (W-7).</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How often an idle watch with allowWatchBookmarks=true gets a BOOKMARK event (W-6).</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Keys each component's event recorder keeps in each of its caches (aggregation, counting, spam filter), as client-go's 4096.</summary>
    public int EventCacheEntries { get; set; } = 4096;
    public FaultOptions Faults { get; } = new();
}

/// <summary>Fault injection for reliability tests; may be changed while the server runs.</summary>
public sealed class FaultOptions
{
    private readonly object _gate = new();
    private Random _random = new(1);
    private int _seed = 1;

    private double _errorRate, _resetRate;
    private int[] _errorCodes = [500, 503, 429];
    private int _latencyMs;
    private TimeSpan? _watchDropAfter;
    private bool _down, _faultsBeforeWrite = true;

    /// <summary>Fraction of non-watch requests answered with an injected error.</summary>
    public double ErrorRate { get { lock (_gate) return _errorRate; } set { lock (_gate) _errorRate = value; } }
    /// <summary>Codes chosen at random; 429 carries Retry-After: 1 and details.retryAfterSeconds.</summary>
    public int[] ErrorCodes { get { lock (_gate) return _errorCodes; } set { lock (_gate) _errorCodes = value is { Length: > 0 } ? [.. value] : [500]; } }
    /// <summary>Fraction of connections aborted before answering.</summary>
    public double ResetRate { get { lock (_gate) return _resetRate; } set { lock (_gate) _resetRate = value; } }
    /// <summary>Added to every request.</summary>
    public int LatencyMs { get { lock (_gate) return _latencyMs; } set { lock (_gate) _latencyMs = value; } }
    /// <summary>Watches are closed mid-stream after this long.</summary>
    public TimeSpan? WatchDropAfter { get { lock (_gate) return _watchDropAfter; } set { lock (_gate) _watchDropAfter = value; } }
    /// <summary>Every request is refused (connection aborted) while true.</summary>
    public bool Down { get { lock (_gate) return _down; } set { lock (_gate) _down = value; } }
    /// <summary>Injected errors happen before the store is touched; false lets the write happen and loses only the answer.</summary>
    public bool FaultsBeforeWrite { get { lock (_gate) return _faultsBeforeWrite; } set { lock (_gate) _faultsBeforeWrite = value; } }
    public int Seed { get => _seed; set { lock (_gate) { _seed = value; _random = new Random(value); } } }

    internal double Next() { lock (_gate) return _random.NextDouble(); }
    internal int NextCode() { lock (_gate) return _errorCodes[_random.Next(_errorCodes.Length)]; }
}

/// <summary>One request the fake answered.</summary>
public sealed record RequestLogEntry(DateTimeOffset Time, string Method, string Path, string Query, string UserAgent, int Status, bool Injected, string User = "");

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
    private Task? _aggregationLoop;

    private FakeCluster(WebApplication app, Store store, FakeClusterOptions options, FakeClock clock, Controllers controllers, Auth.ClusterCertificates certificates)
    {
        _app = app;
        Store = store;
        Options = options;
        _controllers = controllers;
        _clock = clock;
        Access = new Auth.AccessControl(store, clock, certificates);
    }

    private readonly FakeClock _clock;

    /// <summary>The cluster's simulated time (what controllers, Event timestamps and the Event printer use).</summary>
    public DateTime Now => _clock.Now;

    /// <summary>Moves the cluster's clock ahead: Events already written age, back-offs and deadlines come due.</summary>
    public DateTime AdvanceClock(TimeSpan by) => _clock.Advance(by);

    /// <summary>Authentication and RBAC (tests/FakeApiServer/Auth): tokens for other users through <see cref="Auth.AccessControl.Authenticator"/>.</summary>
    public Auth.AccessControl Access { get; }

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The same API over HTTPS (the cluster CA signs its certificate; client certificates authenticate here).
    /// Kubeconfigs point here: kubectl sends credentials only over TLS.</summary>
    public Uri TlsBaseUri { get; private set; } = new("https://127.0.0.1/");

    /// <summary>Cancelled when the host is asked to stop (SIGTERM, Ctrl+C).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;
    public int Port => BaseUri.Port;
    public FaultOptions Faults => Options.Faults;
    public FakeClusterOptions Options { get; }
    internal Store Store { get; }
    public IReadOnlyList<RequestLogEntry> Requests => _log.ToArray();
    public void ClearRequests() => _log.Clear();
    /// <summary>How many times the controller loop woke so far, and how many of those ran a pass of the controllers (when something changed or came due).</summary>
    public (long Ticks, long Passes) ControllerLoop => _controllers.LoopCounts;
    /// <summary>The latest errors of the simulated controllers (a healthy run has none).</summary>
    public IReadOnlyList<string> ControllerErrors => _controllers.Errors.ToArray();
    public int WritesFor(string plural, string? ns, string name) => Store.WritesFor(plural, ns, name);

    public static async Task<FakeCluster> StartAsync(FakeClusterOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeClusterOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificates = new Auth.ClusterCertificates();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, options.Port);
            k.Listen(System.Net.IPAddress.Loopback, options.TlsPort, l => l.UseHttps(h =>
            {
                h.ServerCertificate = certificates.Server;
                h.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                h.AllowAnyClientCertificate();
            }));
        });
        var app = builder.Build();
        var store = new Store(options.WatchHistory);
        FakeCluster? cluster = null;
        var clock = new FakeClock(options);
        var api = new Api(store, options, () => $"127.0.0.1:{cluster!.Port}", app.Lifetime.ApplicationStopping) { Clock = clock };
        var controllers = new Controllers(store, api, options, clock);
        cluster = new FakeCluster(app, store, options, clock, controllers, certificates);
        app.Run(ctx => cluster.HandleAsync(ctx, api));
        await app.StartAsync(ct).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Uri At(string scheme) => new(addresses.First(a => a.StartsWith(scheme + "://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        cluster.BaseUri = At("http");
        cluster.TlsBaseUri = At("https");
        controllers.Seed();
        cluster.Access.Seed(api);
        cluster._controllerLoop = controllers.RunAsync(cluster._stop.Token);
        cluster._aggregationLoop = cluster.Access.RunAsync(api, options.ReconcileInterval, e => controllers.Errors.Enqueue("clusterrole aggregation: " + e.Message), cluster._stop.Token);
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
        var aborted = false;
        var f = Options.Faults;
        try
        {
            if (f.Down) { injected = aborted = true; ctx.Abort(); return; }
            if (f.LatencyMs > 0) await Task.Delay(f.LatencyMs, ctx.RequestAborted).ConfigureAwait(false);
            var isWatch = ctx.Request.Query["watch"] is var w && (w == "true" || w == "1");
            if (f.ResetRate > 0 && f.Next() < f.ResetRate) { injected = aborted = true; ctx.Abort(); return; }
            if (!isWatch && f.ErrorRate > 0 && f.Next() < f.ErrorRate)
            {
                injected = true;
                var code = f.NextCode();
                if (!f.FaultsBeforeWrite)
                {
                    // The request really happens (the store is written); only its answer is lost.
                    var body = ctx.Response.Body;
                    using var discard = new MemoryStream();
                    ctx.Response.Body = discard;
                    try { await ServeAsync(ctx, api).ConfigureAwait(false); }
                    finally { ctx.Response.Body = body; }
                    ctx.Response.Headers.Clear();
                }
                var err = InjectedError(code);
                await Api.WriteAsync(ctx, code, err.ToStatus(), err.RetryAfter).ConfigureAwait(false);
                return;
            }
            await ServeAsync(ctx, api).ConfigureAwait(false);
        }
        finally
        {
            _log.Enqueue(new RequestLogEntry(DateTimeOffset.UtcNow, ctx.Request.Method, path, ctx.Request.QueryString.Value ?? "", ctx.Request.Headers.UserAgent.ToString(), aborted ? 0 : ctx.Response.StatusCode, injected, Auth.AccessControl.UserOf(ctx)));
        }
    }

    /// <summary>Authentication and authorization first (401/403), then the service proxy or the REST surface.</summary>
    private Task ServeAsync(HttpContext ctx, Api api) => Access.ServeAsync(ctx, async () =>
    {
        if (!await ServiceProxy.TryHandleAsync(ctx).ConfigureAwait(false)) await api.HandleAsync(ctx).ConfigureAwait(false);
    });

    /// <summary>The Status a real server (or the proxy in front of it) sends for each injected code.</summary>
    private static ApiError InjectedError(int code)
    {
        var (reason, message) = code switch
        {
            429 => ("TooManyRequests", "Too many requests, please try again later."),
            503 => ("ServiceUnavailable", "the server is currently unable to handle the request"),
            504 => ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
            401 => ("Unauthorized", "Unauthorized"),
            403 => ("Forbidden", "forbidden: injected fault"),
            409 => ("Conflict", "Operation cannot be fulfilled: injected fault"),
            _ => ("InternalError", "an error on the server (\"injected fault\") has prevented the request from succeeding"),
        };
        return new ApiError(code, reason, message, code == 429 ? new JsonObject { ["retryAfterSeconds"] = 1 } : null) { RetryAfter = code == 429 ? 1 : null };
    }

    /// <summary>Service ports forwarded to local servers (the fake has no pods); see <see cref="FakeApiServer.ServiceProxy"/>.</summary>
    public ServiceProxy ServiceProxy { get; } = new();

    private async Task ControlAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value!;
        var f = Options.Faults;
        switch (path, ctx.Request.Method)
        {
            case ("/fake/service-proxies", "PUT"):
                var targets = await System.Text.Json.JsonSerializer.DeserializeAsync<Dictionary<string, string>>(ctx.Request.Body).ConfigureAwait(false) ?? [];
                foreach (var (k, v) in targets) ServiceProxy.Targets[k] = new Uri(v.EndsWith('/') ? v : v + "/");
                await Api.WriteAsync(ctx, 200, new JsonObject()).ConfigureAwait(false);
                return;
            case ("/fake/users", "POST"):
                await Access.CreateUserAsync(ctx, this).ConfigureAwait(false);
                return;
            case ("/fake/requests", "GET"):
                var arr = new JsonArray();
                foreach (var r in _log) arr.Add(new JsonObject { ["time"] = r.Time.ToString("O", CultureInfo.InvariantCulture), ["method"] = r.Method, ["path"] = r.Path, ["query"] = r.Query, ["userAgent"] = r.UserAgent, ["status"] = r.Status, ["injected"] = r.Injected, ["user"] = r.User });
                await Api.WriteAsync(ctx, 200, arr).ConfigureAwait(false);
                return;
            case ("/fake/requests", "DELETE"):
                _log.Clear();
                await Api.WriteAsync(ctx, 200, new JsonObject()).ConfigureAwait(false);
                return;
            case ("/fake/faults", "PUT"):
                JsonObject body;
                try { body = await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(ctx.Request.Body).ConfigureAwait(false) ?? []; }
                catch (System.Text.Json.JsonException e) { await Api.WriteAsync(ctx, 400, new ApiError(400, "BadRequest", e.Message).ToStatus()).ConfigureAwait(false); return; }
                foreach (var (k, v) in body)
                {
                    switch (k.ToLowerInvariant())
                    {
                        case "errorrate": f.ErrorRate = v!.GetValue<double>(); break;
                        case "errorcodes": f.ErrorCodes = v is JsonArray codes ? codes.Select(x => x!.AsInt()).ToArray() : [v!.AsInt()]; break;
                        case "resetrate": f.ResetRate = v!.GetValue<double>(); break;
                        case "latencyms": f.LatencyMs = v!.AsInt(); break;
                        case "watchdropafterms": f.WatchDropAfter = v is null ? null : TimeSpan.FromMilliseconds(v.GetValue<double>()); break;
                        case "watchdropafter":
                            f.WatchDropAfter = v is null ? null
                                : v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? TimeSpan.FromSeconds(v.GetValue<double>())
                                : TimeSpan.Parse(v.GetValue<string>(), CultureInfo.InvariantCulture);
                            break;
                        case "down": f.Down = v!.GetValue<bool>(); break;
                        case "seed": f.Seed = v!.AsInt(); break;
                        case "faultsbeforewrite": f.FaultsBeforeWrite = v!.GetValue<bool>(); break;
                        default:
                            await Api.WriteAsync(ctx, 400, new ApiError(400, "BadRequest", $"unknown fault option {k}").ToStatus()).ConfigureAwait(false);
                            return;
                    }
                }
                await Api.WriteAsync(ctx, 200, FaultsJson()).ConfigureAwait(false);
                return;
            case ("/fake/faults", "GET"):
                await Api.WriteAsync(ctx, 200, FaultsJson()).ConfigureAwait(false);
                return;
            case ("/fake/clock", "GET"):
                await Api.WriteAsync(ctx, 200, ClockJson()).ConfigureAwait(false);
                return;
            case ("/fake/clock", "POST"):
                JsonObject advance;
                try { advance = await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(ctx.Request.Body).ConfigureAwait(false) ?? []; }
                catch (System.Text.Json.JsonException e) { await Api.WriteAsync(ctx, 400, new ApiError(400, "BadRequest", e.Message).ToStatus()).ConfigureAwait(false); return; }
                if (advance["advanceSeconds"] is not JsonValue by || by.GetValueKind() != System.Text.Json.JsonValueKind.Number || by.GetValue<double>() < 0)
                {
                    await Api.WriteAsync(ctx, 400, new ApiError(400, "BadRequest", "advanceSeconds: a number of seconds, 0 or more").ToStatus()).ConfigureAwait(false);
                    return;
                }
                AdvanceClock(TimeSpan.FromSeconds(by.GetValue<double>()));
                await Api.WriteAsync(ctx, 200, ClockJson()).ConfigureAwait(false);
                return;
            case ("/fake/writes", "GET"):
                var q = ctx.Request.Query;
                var ns = q["namespace"].ToString();
                await Api.WriteAsync(ctx, 200, new JsonObject { ["writes"] = WritesFor(q["plural"].ToString(), ns.Length == 0 ? null : ns, q["name"].ToString()) }).ConfigureAwait(false);
                return;
            default:
                await Api.WriteAsync(ctx, 404, new ApiError(404, "NotFound", "the server could not find the requested resource", new JsonObject()).ToStatus()).ConfigureAwait(false);
                return;
        }
    }

    private JsonObject ClockJson() => new() { ["now"] = Now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), ["clockSpeed"] = Options.ClockSpeed };

    private JsonObject FaultsJson()
    {
        var f = Options.Faults;
        return new JsonObject
        {
            ["errorRate"] = f.ErrorRate, ["errorCodes"] = new JsonArray(f.ErrorCodes.Select(c => (JsonNode?)c).ToArray()), ["resetRate"] = f.ResetRate,
            ["latencyMs"] = f.LatencyMs, ["watchDropAfterMs"] = f.WatchDropAfter?.TotalMilliseconds, ["down"] = f.Down, ["seed"] = f.Seed, ["faultsBeforeWrite"] = f.FaultsBeforeWrite,
        };
    }

    /// <summary>Writes a kubeconfig (context "fake", namespace default, the cluster admin's token) that both KubeOpsPS and kubectl use.</summary>
    public string WriteKubeConfig(string path) => WriteKubeConfigFor(path, Auth.Authenticator.AdminToken);

    /// <summary>Writes a kubeconfig for another user: a new token for <paramref name="user"/> in <paramref name="groups"/> (plus system:authenticated).</summary>
    public string WriteKubeConfig(string path, string user, params string[] groups) => WriteKubeConfigFor(path, Access.Authenticator.TokenFor(user, groups));

    /// <summary>Writes a kubeconfig that authenticates with <paramref name="token"/> (e.g. a ServiceAccount token).</summary>
    public string WriteKubeConfigFor(string path, string token)
    {
        File.WriteAllText(path, KubeConfigText(token));
        return path;
    }

    /// <summary>Writes a kubeconfig that authenticates with a client certificate the cluster CA signs (CN = user, O = groups).</summary>
    public string WriteKubeConfigWithCertificate(string path, string user, params string[] groups)
    {
        var (cert, key) = Access.Certificates.IssueClient(user, groups);
        File.WriteAllText(path, KubeConfigWith($"client-certificate-data: {B64(cert)}\n    client-key-data: {B64(key)}"));
        return path;
    }

    private static string B64(string pem) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(pem));

    internal string KubeConfigText(string token) => KubeConfigWith($"token: {token}");

    private string KubeConfigWith(string credential)
    {
        var server = TlsBaseUri.ToString().TrimEnd('/');
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {server}
                certificate-authority-data: {B64(Access.Certificates.CaPem)}
            users:
            - name: fake
              user:
                {credential}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
                namespace: default
            current-context: fake
            preferences: {"{}"}

            """;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_controllerLoop is not null) { try { await _controllerLoop.ConfigureAwait(false); } catch (OperationCanceledException) { } }
        if (_aggregationLoop is not null) await _aggregationLoop.ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
