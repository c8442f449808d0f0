using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer;

/// <summary>
/// The API server's service proxy (/api/v1/namespaces/NS/services/[SCHEME:]NAME:PORT/proxy/PATH) for tests: the fake
/// runs no pods, so a test maps a Service port to a real local server (e.g. a Prometheus on 127.0.0.1) with
/// PUT /fake/service-proxies {"NS/NAME:PORT": "http://127.0.0.1:N"} or --service-proxy NS/NAME:PORT=URL. An unmapped
/// service falls through to Api.ServiceProxyAsync: the Elasticsearch test double, or 503 "no endpoints available", as
/// a real API server says for a Service without ready pods.
/// </summary>
public sealed class ServiceProxy
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>"ns/name:port" → the base URL requests are forwarded to.</summary>
    public ConcurrentDictionary<string, Uri> Targets { get; } = new(StringComparer.Ordinal);

    /// <summary>Forwards a service-proxy request; false when the path is not one.</summary>
    public async Task<bool> TryHandleAsync(HttpContext ctx)
    {
        var segs = (ctx.Request.Path.Value ?? "/").Split('/');
        // "", api, v1, namespaces, NS, services, NAME:PORT, proxy, ...
        if (segs.Length < 8 || segs[1] != "api" || segs[2] != "v1" || segs[3] != "namespaces" || segs[5] != "services" || segs[7] != "proxy") return false;
        var ns = Uri.UnescapeDataString(segs[4]);
        var service = Uri.UnescapeDataString(segs[6]);
        var parts = service.Split(':');
        var key = parts.Length == 3 ? $"{ns}/{parts[1]}:{parts[2]}" : $"{ns}/{service}";
        // Unmapped: the API's own service-proxy handling answers (the Elasticsearch test double, or 503 "no endpoints").
        if (!Targets.TryGetValue(key, out var target)) return false;
        var rest = "/" + string.Join('/', segs.Skip(8));
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), new Uri(target, rest.TrimStart('/') + ctx.Request.QueryString.Value));
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Method is "POST" or "PUT")
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms).ConfigureAwait(false);
            request.Content = new ByteArrayContent(ms.ToArray());
        }
        try
        {
            using var response = await Client.SendAsync(request, ctx.RequestAborted).ConfigureAwait(false);
            ctx.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } type) ctx.Response.ContentType = type.ToString();
            await response.Content.CopyToAsync(ctx.Response.Body).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var status = new JsonObject
            {
                ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
                ["message"] = $"error trying to reach service: {e.Message}", ["reason"] = "ServiceUnavailable", ["code"] = 503,
            };
            await Api.WriteAsync(ctx, 503, status).ConfigureAwait(false);
        }
        return true;
    }
}
