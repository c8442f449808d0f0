using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Cluster;

/// <summary>One permission: a verb on a resource (and subresource) in a namespace, optionally for one named object.</summary>
public sealed record AccessRequest(string Verb, string Group, string Resource, string? Namespace, string? Name = null, string Subresource = "")
{
    public override string ToString() =>
        $"{Verb} {(Subresource.Length > 0 ? $"{Resource}/{Subresource}" : Resource)}{(Group.Length > 0 ? "." + Group : "")}{(Name is null ? "" : $" \"{Name}\"")}{(Namespace is null ? " (cluster scope)" : $" in namespace \"{Namespace}\"")}";

    /// <summary>What applying an object needs: read it (to compare), create it when absent, patch it (server-side apply).</summary>
    public static IEnumerable<AccessRequest> ForApply(KubeKind kind, string? ns, string name, IEnumerable<string>? verbs = null) =>
        (verbs ?? ["get", "create", "patch"]).Select(v => new AccessRequest(v, kind.Group, kind.Plural, kind.Namespaced ? ns : null, v == "create" ? null : name));
}

/// <summary>The server's answer for one permission of one user: allowed or not, with the authorizer's reason.</summary>
public sealed record AccessCheck(string User, string Verb, string Group, string Resource, string Subresource, string? Namespace, string? Name, bool Allowed, string Reason)
{
    public override string ToString() => $"{(Allowed ? "allowed" : "denied")}: {User} {new AccessRequest(Verb, Group, Resource, Namespace, Name, Subresource)}";
}
