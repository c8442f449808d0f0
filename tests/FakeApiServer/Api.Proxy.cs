namespace FakeApiServer;

/// <summary>
/// The service proxy for a Service port no test mapped to a local server (see <see cref="ServiceProxy"/>): a missing
/// Service is a 404, any other has no endpoints (503), as a real server says when nothing serves it.
/// </summary>
public sealed partial class Api
{
    private void ServiceProxyUnmapped(ServiceProxyPath proxied)
    {
        var type = ResourceTypes.Find("", "v1", "services")!;
        _ = _store.Get(type, proxied.Namespace, proxied.Name) ?? throw ApiError.NotFound(type, proxied.Name);
        throw new ApiError(503, "ServiceUnavailable", $"no endpoints available for service \"{proxied.Name}\"");
    }
}
