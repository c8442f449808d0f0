using System.Collections.Concurrent;

namespace FakeApiServer;

/// <summary>
/// The API server's service proxy (/api/v1/namespaces/NS/services/[SCHEME:]NAME:PORT/proxy/PATH) for tests: the fake
/// runs no pods, so a test maps a Service port to a real local server (e.g. a Prometheus on 127.0.0.1) with
/// PUT /fake/service-proxies {"NS/NAME:PORT": "http://127.0.0.1:N"}; an Elasticsearch double is in Doubles/. An
/// unmapped service falls through to the API: 404 for a missing Service, else 503 "no endpoints available", as a real
/// API server says for a Service without ready pods.
/// </summary>
public sealed class ServiceProxy
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>"ns/name:port" → the base URL requests are forwarded to.</summary>
    public ConcurrentDictionary<string, Uri> Targets { get; } = new(StringComparer.Ordinal);

    /// <summary>Forwards a service-proxy request; false when the path is not one.</summary>
    public async Task<bool> TryHandleAsync(HttpContext ctx)
    {
        // Unmapped: the API answers (404 for a missing Service, else 503 "no endpoints").
        if (ServiceProxyPath.Parse(ctx.Request.Path.Value) is not { } proxied || !Targets.TryGetValue(proxied.Key, out var target)) return false;
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), new Uri(target, proxied.Rest + ctx.Request.QueryString.Value));
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
            await Api.WriteAsync(ctx, 503, new ApiError(503, "ServiceUnavailable", $"error trying to reach service: {e.Message}").ToStatus()).ConfigureAwait(false);
        }
        return true;
    }
}

/// <summary>
/// A service-proxy path, /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/REST, parsed in one place for the
/// forwarding proxy and the API's own answer.
/// </summary>
internal sealed record ServiceProxyPath(string Namespace, string Name, string? Port, string Rest)
{
    /// <summary>"ns/name:port" (or "ns/name" without a port), as targets are mapped.</summary>
    public string Key => Port is null ? $"{Namespace}/{Name}" : $"{Namespace}/{Name}:{Port}";

    public static ServiceProxyPath? Parse(string? path)
    {
        var segs = (path ?? "/").Split('/');
        // "", api, v1, namespaces, NS, services, [SCHEME:]NAME[:PORT], proxy, REST...
        if (segs.Length < 8 || segs[1] != "api" || segs[2] != "v1" || segs[3] != "namespaces" || segs[5] != "services" || segs[7] != "proxy") return null;
        var parts = Uri.UnescapeDataString(segs[6]).Split(':');
        var (name, port) = parts.Length switch { 3 => (parts[1], parts[2]), 2 => (parts[0], parts[1]), _ => (parts[0], (string?)null) };
        return new ServiceProxyPath(Uri.UnescapeDataString(segs[4]), name, port, string.Join('/', segs.Skip(8).Select(Uri.UnescapeDataString)));
    }
}
