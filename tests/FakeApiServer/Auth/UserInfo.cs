namespace FakeApiServer.Auth;

/// <summary>Who a request is from, after authentication (and impersonation): name, groups, uid and extra.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string Uid = "", IReadOnlyDictionary<string, string[]>? Extra = null)
{
    public const string Authenticated = "system:authenticated";
    public const string Unauthenticated = "system:unauthenticated";
    public const string Masters = "system:masters";
    public const string ServiceAccountPrefix = "system:serviceaccount:";

    /// <summary>The user the fake's default kubeconfig (token <c>fake-token</c>) authenticates as: a cluster admin.</summary>
    public static readonly UserInfo Admin = new("kubernetes-admin", [Masters, Authenticated]);

    public static string ServiceAccountName(string ns, string name) => $"{ServiceAccountPrefix}{ns}:{name}";

    /// <summary>The groups every ServiceAccount token carries (plus system:authenticated).</summary>
    public static string[] ServiceAccountGroups(string ns) => ["system:serviceaccounts", $"system:serviceaccounts:{ns}", Authenticated];

    /// <summary>Splits "system:serviceaccount:NS:NAME"; null for any other user name.</summary>
    public static (string Namespace, string Name)? SplitServiceAccount(string user)
    {
        if (!user.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal)) return null;
        var parts = user[ServiceAccountPrefix.Length..].Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }

    public bool InGroup(string group) => Groups.Contains(group, StringComparer.Ordinal);
}
