using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Cluster;

/// <summary>One permission: a verb on a resource (and subresource) in a namespace, optionally for one named object; or a verb on a non-resource URL.</summary>
public sealed record AccessRequest(string Verb, string Group, string Resource, string? Namespace, string? Name = null, string Subresource = "", string? Url = null)
{
    /// <summary>A verb on a non-resource URL (<c>/metrics</c>, <c>/healthz/*</c>).</summary>
    public static AccessRequest ForUrl(string verb, string url) => new(verb, "", "", null, Url: url);

    public override string ToString() => Url is not null ? $"{Verb} non-resource URL \"{Url}\"" :
        $"{Verb} {(Subresource.Length > 0 ? $"{Resource}/{Subresource}" : Resource)}{(Group.Length > 0 ? "." + Group : "")}{(Name is null ? "" : $" \"{Name}\"")}{(Namespace is null ? " (cluster scope)" : $" in namespace \"{Namespace}\"")}";

    /// <summary>What applying an object needs: read it (to compare), create it when absent, patch it (server-side apply).</summary>
    public static IEnumerable<AccessRequest> ForApply(KubeKind kind, string? ns, string name, IEnumerable<string>? verbs = null) =>
        (verbs ?? ["get", "create", "patch"]).Select(v => new AccessRequest(v, kind.Group, kind.Plural, kind.Namespaced ? ns : null, v == "create" ? null : name));
}

/// <summary>The server's answer for one permission of one user: allowed or not, with the authorizer's reason.</summary>
public sealed record AccessCheck(string User, string Verb, string Group, string Resource, string Subresource, string? Namespace, string? Name, bool Allowed, string Reason, string? Url = null)
{
    public override string ToString() => $"{(Allowed ? "allowed" : "denied")}: {User} {new AccessRequest(Verb, Group, Resource, Namespace, Name, Subresource, Url)}";
}
