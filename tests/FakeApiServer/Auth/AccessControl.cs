using System.Text.Json.Nodes;

namespace FakeApiServer.Auth;

/// <summary>
/// Where every API request enters: authentication (401), impersonation (403 without the <c>impersonate</c> right),
/// RBAC authorization (403 with the real message), then the APIs this folder serves (TokenRequest, the access
/// reviews, SelfSubjectReview, TokenReview); everything else goes on to the REST surface with the user known, so
/// writes of RBAC objects can be checked for escalation.
/// </summary>
public sealed class AccessControl
{
    private static readonly AsyncLocal<UserInfo?> Current = new();
    private static readonly AsyncLocal<string?> CurrentName = new();
    private readonly Store _store;
    private readonly Rbac _rbac;
    private readonly FakeClock _clock;

    internal AccessControl(Store store, FakeClock clock, ClusterCertificates certificates)
    {
        _store = store;
        _rbac = new Rbac(store);
        _clock = clock;
        Certificates = certificates;
        Authenticator = new Authenticator(store, _clock, certificates);
    }

    public Authenticator Authenticator { get; }

    /// <summary>The cluster CA and the client certificates it signs.</summary>
    public ClusterCertificates Certificates { get; }

    /// <summary>The user of the request being served (null outside a request, e.g. for the simulated controllers).</summary>
    internal static UserInfo? CurrentUser => Current.Value;

    /// <summary>The object name in the path of the request being served ("" for a POST to a collection, as the request-info step has it).</summary>
    internal static string? CurrentRequestName => CurrentName.Value;

    internal Rbac Rbac => _rbac;

    private const string UserItem = "fake.user";

    /// <summary>Who made a request, for the request log: the user it acted as (after impersonation), "" when it was not authenticated.</summary>
    internal static string UserOf(HttpContext ctx) => ctx.Items.TryGetValue(UserItem, out var u) ? (string)u! : "";

    /// <summary>Serves a request: <paramref name="next"/> runs only for an authenticated, authorized request this class does not answer itself.</summary>
    internal async Task ServeAsync(HttpContext ctx, Func<Task> next)
    {
        try
        {
            var user = Authenticator.Authenticate(ctx) ?? throw new ApiError(401, "Unauthorized", "Unauthorized");
            ctx.Items[UserItem] = user.Name;
            user = Impersonate(ctx.Request, user);
            ctx.Items[UserItem] = user.Name;
            var attrs = RequestAttributes.From(ctx.Request, user);
            var (allowed, reason) = _rbac.Authorize(attrs);
            if (!allowed) throw Rbac.Denied(attrs, reason);
            Current.Value = user;
            CurrentName.Value = attrs.Name;
            if (!await AccessApis.TryServeAsync(ctx, attrs, this).ConfigureAwait(false)) await next().ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            if (!ctx.Response.HasStarted) await Api.WriteAsync(ctx, e.Code, e.ToStatus()).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The Impersonate-User / -Group / -Uid / -Extra-* headers: each needs the <c>impersonate</c> verb on users (or the
    /// ServiceAccount), groups, uids or userextras; the acting user gets system:authenticated (or the ServiceAccount's
    /// groups when none are named).
    /// </summary>
    private UserInfo Impersonate(HttpRequest req, UserInfo requester)
    {
        var asUser = req.Headers["Impersonate-User"].ToString();
        var groups = req.Headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var uid = req.Headers["Impersonate-Uid"].ToString();
        var extra = req.Headers.Where(h => h.Key.StartsWith("Impersonate-Extra-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => Uri.UnescapeDataString(h.Key["Impersonate-Extra-".Length..]).ToLowerInvariant(), h => h.Value.Select(v => v ?? "").ToArray(), StringComparer.Ordinal);
        if (asUser.Length == 0)
        {
            if (groups.Count > 0 || uid.Length > 0 || extra.Count > 0)
                throw new ApiError(500, "InternalError", "Internal error occurred: requested impersonation of groups, a uid or extra without impersonating a user");
            return requester;
        }
        var checks = new List<RequestAttributes>();
        var sa = UserInfo.SplitServiceAccount(asUser);
        checks.Add(sa is { } s
            ? new RequestAttributes(requester, "impersonate", true, Resource: "serviceaccounts", Namespace: s.Namespace, Name: s.Name)
            : new RequestAttributes(requester, "impersonate", true, Resource: "users", Name: asUser));
        checks.AddRange(groups.Select(g => new RequestAttributes(requester, "impersonate", true, Resource: "groups", Name: g)));
        if (uid.Length > 0) checks.Add(new RequestAttributes(requester, "impersonate", true, Group: "authentication.k8s.io", Resource: "uids", Name: uid));
        foreach (var (key, values) in extra)
            checks.AddRange(values.Select(v => new RequestAttributes(requester, "impersonate", true, Group: "authentication.k8s.io", Resource: "userextras", Subresource: key, Name: v)));
        foreach (var c in checks)
        {
            var (ok, reason) = _rbac.Authorize(c);
            if (!ok) throw Rbac.Denied(c, reason);
        }
        if (sa is { } acct && groups.Count == 0) groups.AddRange(UserInfo.ServiceAccountGroups(acct.Namespace).Where(g => g != UserInfo.Authenticated));
        if (asUser == "system:anonymous") { if (!groups.Contains(UserInfo.Unauthenticated)) groups.Add(UserInfo.Unauthenticated); }
        else if (!groups.Contains(UserInfo.Authenticated) && !groups.Contains(UserInfo.Unauthenticated)) groups.Add(UserInfo.Authenticated);
        return new UserInfo(asUser, groups, uid, extra.Count > 0 ? extra : null);
    }

    /// <summary>One aggregation-controller pass (see <see cref="Rbac.Aggregate"/>); true when a role changed.</summary>
    internal bool AggregatePass(Api api)
    {
        var changed = false;
        _rbac.Aggregate((role, rules) =>
        {
            var body = (JsonObject)role.Object.DeepClone();
            body["rules"] = rules;
            api.Commit(role.Type, null, role.Name, body, role, new WriteContext("clusterrole-aggregation-controller", "Update", false, false, null, []) { Internal = true }, null);
            changed = true;
        });
        return changed;
    }

    /// <summary>Stores the default ClusterRoles and bindings and aggregates them, as a fresh control plane has them.</summary>
    internal void Seed(Api api)
    {
        foreach (var (type, body) in DefaultPolicy.Objects())
            api.Commit(type, null, body["metadata"]!["name"]!.GetValue<string>(), body, null, new WriteContext("kube-apiserver", "Update", false, false, null, []) { Internal = true }, null);
        while (AggregatePass(api)) { }
    }

    /// <summary>Keeps aggregated ClusterRoles up to date while the cluster runs: a pass whenever the store changed since the last one began.</summary>
    internal async Task RunAsync(Api api, TimeSpan interval, Action<Exception> onError, CancellationToken ct)
    {
        var seen = -1L;
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(interval, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            var revision = _store.ResourceVersion;
            if (revision == seen) continue;
            try
            {
                AggregatePass(api);
                seen = revision;
            }
            catch (Exception e) when (e is ApiError or InvalidOperationException) { onError(e); }
        }
    }

    /// <summary>
    /// <c>POST /fake/users</c> with <c>{"name": "alice", "groups": ["dev"]}</c>: a new token for that user and a
    /// kubeconfig using it, as <c>{"user", "groups", "token", "kubeconfig"}</c>.
    /// </summary>
    internal async Task CreateUserAsync(HttpContext ctx, FakeCluster cluster)
    {
        JsonObject? body;
        try { body = await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(ctx.Request.Body).ConfigureAwait(false); }
        catch (System.Text.Json.JsonException e) { await Api.WriteAsync(ctx, 400, ApiError.BadRequest(e.Message).ToStatus()).ConfigureAwait(false); return; }
        var name = body?["name"]?.GetValue<string>() ?? "";
        if (name.Length == 0)
        {
            await Api.WriteAsync(ctx, 400, ApiError.BadRequest("name is required").ToStatus()).ConfigureAwait(false);
            return;
        }
        var groups = (body!["groups"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? "").Where(g => g.Length > 0).ToArray();
        var token = Authenticator.TokenFor(name, groups);
        var user = Authenticator.Verify(token)!;
        await Api.WriteAsync(ctx, 200, new JsonObject
        {
            ["user"] = user.Name,
            ["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode?)g).ToArray()),
            ["token"] = token,
            ["kubeconfig"] = cluster.KubeConfigText(token),
        }).ConfigureAwait(false);
    }

    internal Store Store => _store;
    internal FakeClock Clock => _clock;
}
