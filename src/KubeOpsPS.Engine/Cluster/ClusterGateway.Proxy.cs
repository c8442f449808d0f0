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
        var path = $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/services/{Uri.EscapeDataString(service)}:{port}/proxy/{pathAndQuery.TrimStart('/')}";
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
    }
}
