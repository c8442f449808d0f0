using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Yaml;

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

/// <summary>
/// A list across all namespaces. <see cref="Fallback"/> is null when the cluster-wide LIST was allowed; otherwise it
/// says, in one sentence, that the user may not list the kind cluster-wide and which namespaces were listed instead.
/// </summary>
public sealed record AllNamespacesList(IReadOnlyList<object> Items, string? Fallback);

public sealed partial class ClusterGateway
{
    /// <summary>
    /// The namespaces the user can see: all of them when they may list namespaces (<c>All</c>), else only the
    /// context's, the one they are known to work in.
    /// </summary>
    public async Task<(IReadOnlyList<string> Names, bool All)> VisibleNamespacesAsync(CancellationToken ct)
    {
        try
        {
            return ((await ListAsync(KubeTypes.Find("v1", "Namespace")!, null, ct: ct).ConfigureAwait(false)).Items
                .Select(o => ((k8s.Models.V1Namespace)o).Metadata.Name).ToList(), true);
        }
        catch (KoClusterException e) when (e.StatusCode == 403)
        {
            return ([DefaultNamespace], false);
        }
    }

    /// <summary>
    /// Lists a namespaced kind in all namespaces. When the user may not (403), lists it in each namespace where they
    /// may, as one round of access reviews over the namespaces they can see (all of them when they may list
    /// namespaces, else the context's), and says so in <see cref="AllNamespacesList.Fallback"/>. When they may list it
    /// nowhere, the original 403 stands.
    /// </summary>
    public async Task<AllNamespacesList> ListAllNamespacesAsync(KubeKind kind, string? labelSelector = null, string? fieldSelector = null, CancellationToken ct = default)
    {
        try
        {
            return new((await ListAsync(kind, null, labelSelector, fieldSelector, ct).ConfigureAwait(false)).Items, null);
        }
        catch (KoClusterException e) when (e.StatusCode == 403 && kind.Namespaced)
        {
            var (candidates, seeAll) = await VisibleNamespacesAsync(ct).ConfigureAwait(false);
            var checks = await ReviewAccessAsync(candidates.Select(ns => new AccessRequest("list", kind.Group, kind.Plural, ns)).ToList(), null, [], ct).ConfigureAwait(false);
            var readable = checks.Where(c => c.Allowed).Select(c => c.Namespace!).Order(StringComparer.Ordinal).ToList();
            if (readable.Count == 0) throw;
            var lists = await Task.WhenAll(readable.Select(ns => ListAsync(kind, ns, labelSelector, fieldSelector, ct))).ConfigureAwait(false);
            var what = kind.Group.Length == 0 ? kind.Plural : $"{kind.Plural}.{kind.Group}";
            var fallback = $"User \"{checks[0].User}\" may not list {what} in all namespaces; listed the {readable.Count} namespace(s) where they may: {string.Join(", ", readable)}"
                + (seeAll ? $" (of {candidates.Count})." : $". They may not list namespaces either, so only the context's namespace \"{DefaultNamespace}\" was tried.");
            return new(lists.SelectMany(l => l.Items).ToList(), fallback);
        }
    }
}
