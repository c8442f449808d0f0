using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FakeApiServer.Doubles;

/// <summary>
/// A test double for Elasticsearch, not a simulation: a local HTTP server that a test maps to a Service port through
/// the fake's service proxy (like the real Prometheus the monitoring tests map). GET _cat/indices answers a fixed list
/// of two log indices in the shape of Elasticsearch's `_cat/indices?format=json&amp;bytes=b` (every value a string),
/// whatever the query; under the base path `/secured/` every request gets the 401 a secured Elasticsearch gives a
/// request without credentials; any other path is a 404 in Elasticsearch's error shape.
/// In-process: <see cref="StartAsync"/>; standalone: `FakeApiServer elasticsearch --port N`.
/// </summary>
public sealed class ElasticsearchDouble : IAsyncDisposable
{
    private static readonly JsonArray CatIndices =
    [
        new JsonObject { ["health"] = "green", ["status"] = "open", ["index"] = "k8s-logs-2026.11.24", ["pri"] = "1", ["rep"] = "0", ["docs.count"] = "15230", ["store.size"] = "7340032", ["pri.store.size"] = "7340032", ["creation.date"] = "1795478400000" },
        new JsonObject { ["health"] = "yellow", ["status"] = "open", ["index"] = "k8s-logs-2026.11.25", ["pri"] = "1", ["rep"] = "1", ["docs.count"] = "421", ["store.size"] = "524288", ["pri.store.size"] = "524288", ["creation.date"] = "1795564800000" },
    ];

    private readonly WebApplication _app;

    private ElasticsearchDouble(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The open Elasticsearch; <c>new Uri(BaseUri, "secured/")</c> is the one that wants credentials.</summary>
    public Uri BaseUri { get; }

    public Uri Secured => new(BaseUri, "secured/");

    public static async Task<ElasticsearchDouble> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ElasticsearchDouble(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private static Task HandleAsync(HttpContext ctx)
    {
        var path = (ctx.Request.Path.Value ?? "/").TrimStart('/');
        if (path.StartsWith("secured/", StringComparison.Ordinal))
        {
            ctx.Response.Headers["WWW-Authenticate"] = "Basic realm=\"security\", charset=\"UTF-8\"";
            return Write(ctx, 401, new JsonObject { ["error"] = new JsonObject { ["type"] = "security_exception", ["reason"] = $"missing authentication credentials for REST request [/{path["secured/".Length..]}]" }, ["status"] = 401 });
        }
        if (ctx.Request.Method == "GET" && path == "_cat/indices") return Write(ctx, 200, CatIndices.DeepClone());
        return Write(ctx, 404, new JsonObject { ["error"] = new JsonObject { ["type"] = "fake_not_served", ["reason"] = $"the Elasticsearch test double serves only GET _cat/indices, not {ctx.Request.Method} {path}" }, ["status"] = 404 });
    }

    private static Task Write(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
