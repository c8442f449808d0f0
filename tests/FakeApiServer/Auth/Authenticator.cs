using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Auth;

/// <summary>
/// Authentication as an API server with anonymous auth off does it: a bearer token is either one the fake issued for
/// a user (<see cref="TokenFor"/>, the kubeconfig's <c>fake-token</c> is the cluster admin) or a ServiceAccount token
/// from the TokenRequest API (signed, with audiences and an expiry on the fake's clock, valid while the ServiceAccount
/// with that uid exists). Anything else is no user: the request gets 401.
/// </summary>
public sealed class Authenticator
{
    public const string AdminToken = "fake-token";
    /// <summary>The audience the API server accepts (a real cluster's default --api-audiences).</summary>
    public const string ApiAudience = "https://kubernetes.default.svc.cluster.local";
    private static readonly ResourceType ServiceAccounts = ResourceTypes.Find("", "v1", "serviceaccounts")!;

    private readonly ConcurrentDictionary<string, UserInfo> _tokens = new(StringComparer.Ordinal) { [AdminToken] = UserInfo.Admin };
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Store _store;
    private readonly FakeClock _clock;
    private readonly ClusterCertificates _certificates;

    internal Authenticator(Store store, FakeClock clock, ClusterCertificates certificates)
    {
        _store = store;
        _clock = clock;
        _certificates = certificates;
    }

    /// <summary>A new bearer token for the user; system:authenticated is added to the groups.</summary>
    public string TokenFor(string user, IEnumerable<string>? groups = null)
    {
        if (string.IsNullOrEmpty(user)) throw new ArgumentException("a user name is required", nameof(user));
        var token = "fake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tokens[token] = new UserInfo(user, [.. (groups ?? []).Where(g => g != UserInfo.Authenticated).Distinct(), UserInfo.Authenticated]);
        return token;
    }

    /// <summary>The user a request's credentials name (a client certificate the cluster CA signed, else a bearer token), or null (none, malformed, unknown, expired or revoked).</summary>
    internal UserInfo? Authenticate(HttpContext ctx)
    {
        if (_certificates.Authenticate(ctx.Connection.ClientCertificate) is { } certUser) return certUser;
        var header = ctx.Request.Headers.Authorization.ToString();
        var parts = header.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].Equals("bearer", StringComparison.OrdinalIgnoreCase) || parts[1].Length == 0) return null;
        return Verify(parts[1]);
    }

    internal UserInfo? Verify(string token) => _tokens.TryGetValue(token, out var user) ? user : VerifyServiceAccountToken(token);

    /// <summary>Issues a signed token for the ServiceAccount (what TokenRequest returns).</summary>
    internal (string Token, DateTime Expires) IssueServiceAccountToken(StoredObject sa, long expirationSeconds, IReadOnlyList<string> audiences)
    {
        var now = _clock.Now;
        var expires = now.AddSeconds(expirationSeconds);
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audiences.Select(a => (JsonNode?)a).ToArray()),
            ["exp"] = new DateTimeOffset(expires).ToUnixTimeSeconds(),
            ["iat"] = new DateTimeOffset(now).ToUnixTimeSeconds(),
            ["iss"] = ApiAudience,
            ["jti"] = Guid.NewGuid().ToString(),
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = sa.Namespace,
                ["serviceaccount"] = new JsonObject { ["name"] = sa.Name, ["uid"] = sa.Uid },
            },
            ["nbf"] = new DateTimeOffset(now).ToUnixTimeSeconds(),
            ["sub"] = UserInfo.ServiceAccountName(sa.Namespace!, sa.Name),
        };
        var head = B64(Encoding.UTF8.GetBytes("""{"alg":"HS256","kid":"fake"}"""));
        var body = B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return ($"{head}.{body}.{B64(Sign($"{head}.{body}"))}", expires);
    }

    private UserInfo? VerifyServiceAccountToken(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        byte[] sig;
        JsonNode? claims;
        try
        {
            sig = UnB64(parts[2]);
            claims = JsonNode.Parse(UnB64(parts[1]));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(sig, Sign($"{parts[0]}.{parts[1]}"))) return null;
        var now = new DateTimeOffset(_clock.Now).ToUnixTimeSeconds();
        if (claims?["exp"]?.GetValue<long>() is not { } exp || exp <= now) return null;
        if ((claims["aud"] as JsonArray ?? []).All(a => a?.GetValue<string>() != ApiAudience)) return null;
        var ns = claims["kubernetes.io"]?["namespace"]?.GetValue<string>() ?? "";
        var name = claims["kubernetes.io"]?["serviceaccount"]?["name"]?.GetValue<string>() ?? "";
        var uid = claims["kubernetes.io"]?["serviceaccount"]?["uid"]?.GetValue<string>() ?? "";
        var sa = _store.Get(ServiceAccounts, ns, name);
        if (sa is null || sa.Uid != uid || sa.Object["metadata"]?["deletionTimestamp"] is not null) return null;
        var extra = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["authentication.kubernetes.io/credential-id"] = [$"JTI={claims["jti"]}"] };
        return new UserInfo(UserInfo.ServiceAccountName(ns, name), UserInfo.ServiceAccountGroups(ns), uid, extra);
    }

    private byte[] Sign(string data) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(data));

    private static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] UnB64(string s)
    {
        var t = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(t + new string('=', (4 - t.Length % 4) % 4));
    }
}
