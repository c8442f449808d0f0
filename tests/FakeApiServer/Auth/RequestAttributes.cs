namespace FakeApiServer.Auth;

/// <summary>
/// What the authorizer decides on, as the API server's request-info step derives it from a request: a resource
/// request (verb, group, resource, subresource, namespace, name) or a non-resource one (verb and path).
/// </summary>
public sealed record RequestAttributes(UserInfo User, string Verb, bool IsResource, string Path = "", string Group = "", string Version = "", string Resource = "", string Subresource = "", string Namespace = "", string Name = "")
{
    /// <summary>"pods/log" or "pods", as rules and messages name it.</summary>
    public string CombinedResource => Subresource.Length > 0 ? $"{Resource}/{Subresource}" : Resource;

    /// <summary>
    /// Parses a request the way the real request-info factory does: fewer than three path segments, or a prefix other
    /// than /api and /apis, is a non-resource request whose verb is the lower-case method; otherwise
    /// /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]] (or /apis/GROUP/VERSION/...) with the verb from the method, GET
    /// without a name being list or watch (a <c>metadata.name=</c> field selector names the object) and DELETE without
    /// a name deletecollection. /namespaces/NS itself has namespace NS.
    /// </summary>
    public static RequestAttributes From(HttpRequest req, UserInfo user)
    {
        var path = req.Path.Value ?? "/";
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var nonResource = new RequestAttributes(user, req.Method.ToLowerInvariant(), false, Path: path);
        if (parts.Length < 3 || parts[0] is not ("api" or "apis")) return nonResource;
        var group = "";
        var rest = parts[1..];
        if (parts[0] == "apis")
        {
            if (rest.Length < 3) return nonResource;
            group = rest[0];
            rest = rest[1..];
        }
        var version = rest[0];
        rest = rest[1..];
        var verb = req.Method switch
        {
            "POST" => "create",
            "GET" or "HEAD" => "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => "",
        };
        var ns = "";
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2 && rest[2] is not ("status" or "finalize")) rest = rest[2..];
        }
        var resource = rest[0];
        var name = rest.Length >= 2 ? rest[1] : "";
        var sub = rest.Length >= 3 ? rest[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            verb = req.Query["watch"] is var w && (w == "true" || w == "1") ? "watch" : "list";
            foreach (var term in req.Query["fieldSelector"].ToString().Replace("==", "=", StringComparison.Ordinal).Split(',', StringSplitOptions.RemoveEmptyEntries))
                if (term.StartsWith("metadata.name=", StringComparison.Ordinal)) name = term["metadata.name=".Length..];
        }
        if (name.Length == 0 && verb == "delete") verb = "deletecollection";
        return new RequestAttributes(user, verb, true, path, group, version, resource, sub, ns, name);
    }
}
