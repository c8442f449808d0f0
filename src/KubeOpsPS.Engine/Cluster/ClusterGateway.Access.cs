using System.Net.Http;
using System.Text.Json.Nodes;

namespace KubeOpsPS.Engine.Cluster;

public sealed partial class ClusterGateway
{
    /// <summary>
    /// Asks the server, in one concurrent round, whether the current user (SelfSubjectAccessReview) or the named
    /// user and groups (SubjectAccessReview, which needs its own permission) may make each request.
    /// </summary>
    public async Task<IReadOnlyList<AccessCheck>> ReviewAccessAsync(IReadOnlyList<AccessRequest> requests, string? asUser, IReadOnlyList<string> asGroups, CancellationToken ct)
    {
        var user = asUser ?? await WhoAmIAsync(ct).ConfigureAwait(false);
        var kind = asUser is null ? "SelfSubjectAccessReview" : "SubjectAccessReview";
        var path = asUser is null ? "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" : "/apis/authorization.k8s.io/v1/subjectaccessreviews";
        var answers = await Task.WhenAll(requests.Select(async r =>
        {
            var attributes = new JsonObject { ["verb"] = r.Verb, ["group"] = r.Group, ["resource"] = r.Resource };
            if (r.Subresource.Length > 0) attributes["subresource"] = r.Subresource;
            if (r.Namespace is not null) attributes["namespace"] = r.Namespace;
            if (r.Name is not null) attributes["name"] = r.Name;
            var spec = r.Url is null ? new JsonObject { ["resourceAttributes"] = attributes }
                : new JsonObject { ["nonResourceAttributes"] = new JsonObject { ["verb"] = r.Verb, ["path"] = r.Url } };
            if (asUser is not null)
            {
                spec["user"] = asUser;
                spec["groups"] = new JsonArray(asGroups.Select(g => (JsonNode?)g).ToArray());
            }
            var body = new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = kind, ["spec"] = spec };
            // A review stores nothing, so it is safe to retry.
            var a = await SendAsync(HttpMethod.Post, path, body.ToJsonString(), "application/json", $"Checking access ({r})", true, ct).ConfigureAwait(false);
            var status = JsonNode.Parse(a.Body)?["status"];
            return new AccessCheck(user, r.Verb, r.Group, r.Resource, r.Subresource, r.Namespace, r.Name,
                status?["allowed"]?.GetValue<bool>() == true, status?["reason"]?.GetValue<string>() ?? "", r.Url);
        })).ConfigureAwait(false);
        return answers;
    }

    /// <summary>The current user's name (SelfSubjectReview); "the current user" when the server does not serve it.</summary>
    public async Task<string> WhoAmIAsync(CancellationToken ct)
    {
        try
        {
            var body = """{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""";
            var a = await SendAsync(HttpMethod.Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews", body, "application/json", "Asking who the current user is", true, ct).ConfigureAwait(false);
            return JsonNode.Parse(a.Body)?["status"]?["userInfo"]?["username"]?.GetValue<string>() ?? "the current user";
        }
        catch (KoClusterException e) when (e.StatusCode is 403 or 404)
        {
            return "the current user";
        }
    }
}
