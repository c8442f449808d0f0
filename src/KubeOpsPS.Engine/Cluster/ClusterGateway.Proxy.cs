namespace KubeOpsPS.Engine.Cluster;

public sealed partial class ClusterGateway
{
    /// <summary>
    /// GET through the API server's service proxy (/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH): the answer
    /// body of the service itself, with the gateway's retries and error translation. The API server consumes the
    /// Authorization header, so the service sees an unauthenticated request; a 401/403 from the service (not a
    /// Kubernetes Status) becomes ServiceUnauthorized with <paramref name="unauthorizedHint"/> as what to do.
    /// </summary>
    public async Task<string> ServiceProxyGetAsync(string ns, string service, int port, string pathAndQuery, string? unauthorizedHint = null, CancellationToken ct = default)
    {
        var what = $"Service {ns}/{service}:{port}";
        var path = ServiceProxyPath(ns, service, port.ToString(System.Globalization.CultureInfo.InvariantCulture), "/" + pathAndQuery.TrimStart('/'));
        try
        {
            var a = await SendAsync(HttpMethod.Get, path, null, null, what, true, ct).ConfigureAwait(false);
            return a.Body;
        }
        catch (KoClusterException e) when (e.StatusCode is 401 or 403 && e.Status?.Kind != "Status")
        {
            throw new KoClusterException("ServiceUnauthorized", "AuthenticationError",
                $"{what}: the service answered {e.StatusCode}: it wants credentials, and the API server's proxy does not pass any on.", what,
                unauthorizedHint, e.StatusCode, "Unauthorized", e);
        }
        catch (KoClusterException e) when (e.StatusCode == 503)
        {
            throw ServiceNotRunning(e, ns, service);
        }
    }

    /// <summary>
    /// One HTTP request to a Service's port through the API server's service proxy
    /// (/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH), e.g. Prometheus' POST /-/reload. Returns the service's
    /// status code and body; only an unreachable API server, 429 and gateway errors (the service is not reachable) throw.
    /// </summary>
    public async Task<(int Status, string Body)> ServiceProxyAsync(HttpMethod method, string ns, string service, string port, string path, CancellationToken ct)
    {
        try
        {
            var a = await SendAsync(method, ServiceProxyPath(ns, service, port, path), method == HttpMethod.Get ? null : string.Empty, "text/plain", $"{method} {path} on service {ns}/{service}", method == HttpMethod.Get, ct, anyStatus: true).ConfigureAwait(false);
            return ((int)a.Code, a.Body);
        }
        catch (KoClusterException e) when (e.StatusCode == 503)
        {
            throw ServiceNotRunning(e, ns, service);
        }
    }

    // A 503 from the service proxy means no ready pod behind the Service (the API server itself answered), so the
    // advice points at the service's pods, not at the API server.
    private static KoClusterException ServiceNotRunning(KoClusterException e, string ns, string service) =>
        new(e.ErrorId, e.Category, e.Message, e.Target,
            $"The API server answered, but no ready pod serves Service {ns}/{service}: check that it is running and ready (Get-KoResource Pod -Namespace {ns}).",
            e.StatusCode, e.Reason, e)
        { Status = e.Status };

    private static string ServiceProxyPath(string ns, string service, string port, string path) =>
        $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/services/{Uri.EscapeDataString(service)}:{Uri.EscapeDataString(port)}/proxy{path}";
}
