using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer;

/// <summary>
/// A test double for the service proxy (/api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH), not a simulation:
/// a Service labelled app.kubernetes.io/name=elasticsearch answers GET _cat/indices with a fixed list of two log
/// indices, as Elasticsearch does with format=json and bytes=b (every value a string), or with 401 in Elasticsearch's
/// shape when the Service is annotated fake.kubeops.io/elasticsearch-auth=required. Any other path of such a
/// Service is 404 in Elasticsearch's error shape; any other Service has no endpoints (503), as a real server says
/// when nothing serves it.
/// </summary>
public sealed partial class Api
{
    private static readonly JsonArray CatIndices =
    [
        new JsonObject { ["health"] = "green", ["status"] = "open", ["index"] = "k8s-logs-2026.11.24", ["pri"] = "1", ["rep"] = "0", ["docs.count"] = "15230", ["store.size"] = "7340032", ["pri.store.size"] = "7340032", ["creation.date"] = "1795478400000" },
        new JsonObject { ["health"] = "yellow", ["status"] = "open", ["index"] = "k8s-logs-2026.11.25", ["pri"] = "1", ["rep"] = "1", ["docs.count"] = "421", ["store.size"] = "524288", ["pri.store.size"] = "524288", ["creation.date"] = "1795564800000" },
    ];

    private async Task ServiceProxyAsync(HttpContext ctx, ServiceProxyPath proxied)
    {
        var name = proxied.Name;
        var type = ResourceTypes.Find("", "v1", "services")!;
        var svc = _store.Get(type, proxied.Namespace, name) ?? throw ApiError.NotFound(type, name);
        if (svc.Object["metadata"]?["labels"]?["app.kubernetes.io/name"]?.GetValue<string>() != "elasticsearch")
            throw new ApiError(503, "ServiceUnavailable", $"no endpoints available for service \"{name}\"");
        if (ctx.Request.Method != "GET") throw NotFoundPath();
        if (svc.Object["metadata"]?["annotations"]?["fake.kubeops.io/elasticsearch-auth"]?.GetValue<string>() == "required")
        {
            // What Elasticsearch answers a request without credentials when anonymous access is off.
            ctx.Response.Headers["WWW-Authenticate"] = "Basic realm=\"security\", charset=\"UTF-8\"";
            await WriteAsync(ctx, 401, new JsonObject { ["error"] = new JsonObject { ["type"] = "security_exception", ["reason"] = "missing authentication credentials for REST request [/_cat/indices]" }, ["status"] = 401 }).ConfigureAwait(false);
            return;
        }
        var rest = proxied.Rest;
        if (rest == "_cat/indices")
        {
            await WriteAsync(ctx, 200, CatIndices.DeepClone()).ConfigureAwait(false);
            return;
        }
        await WriteAsync(ctx, 404, new JsonObject { ["error"] = new JsonObject { ["type"] = "fake_not_served", ["reason"] = $"the fake Elasticsearch serves only _cat/indices, not {rest}" }, ["status"] = 404 }).ConfigureAwait(false);
    }
}
