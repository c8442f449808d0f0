using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Auth;

/// <summary>
/// The create-only APIs of authentication and authorization: TokenRequest (serviceaccounts/token),
/// SelfSubjectAccessReview, SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview (authorization.k8s.io/v1),
/// SelfSubjectReview and TokenReview (authentication.k8s.io/v1). Answers are 201 with the spec echoed and a status.
/// </summary>
internal static class AccessApis
{
    public const string AuthorizationGroup = "authorization.k8s.io";
    public const string AuthenticationGroup = "authentication.k8s.io";
    private static readonly ResourceType ServiceAccounts = ResourceTypes.Find("", "v1", "serviceaccounts")!;
    /// <summary>The body type of serviceaccounts/token (a subresource, so not a served kind of its own).</summary>
    private static readonly ResourceType TokenRequestType = new(AuthenticationGroup, "v1", "tokenrequests", "tokenrequest", "TokenRequest", true, [], [], false);

    public static async Task<bool> TryServeAsync(HttpContext ctx, RequestAttributes a, AccessControl access)
    {
        if (!a.IsResource) return false;
        var isToken = a.Group == "" && a.Resource == "serviceaccounts" && a.Subresource == "token";
        var kind = (a.Group, a.Resource) switch
        {
            (AuthorizationGroup, "selfsubjectaccessreviews") => "SelfSubjectAccessReview",
            (AuthorizationGroup, "subjectaccessreviews") => "SubjectAccessReview",
            (AuthorizationGroup, "localsubjectaccessreviews") => "LocalSubjectAccessReview",
            (AuthorizationGroup, "selfsubjectrulesreviews") => "SelfSubjectRulesReview",
            (AuthenticationGroup, "selfsubjectreviews") => "SelfSubjectReview",
            (AuthenticationGroup, "tokenreviews") => "TokenReview",
            _ when isToken => "TokenRequest",
            _ => null,
        };
        if (kind is null) return false;
        if (ctx.Request.Method != "POST" || (a.Name.Length > 0 && !isToken))
            throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        var group = isToken ? AuthenticationGroup : a.Group;
        var body = await ReadAsync(ctx, isToken ? TokenRequestType : ResourceTypes.Find(group, "v1", a.Resource)!).ConfigureAwait(false);
        if (body["apiVersion"]?.GetValue<string>() is { } av && av != $"{group}/v1")
            throw ApiError.BadRequest($"the API version in the data ({av}) does not match the expected API version ({group}/v1)");
        var spec = body["spec"]?.DeepClone() as JsonObject ?? new JsonObject();
        JsonObject status;
        switch (kind)
        {
            case "TokenRequest":
                (spec, status) = TokenRequest(a, spec, access);
                break;
            case "SelfSubjectRulesReview":
                status = Rules(access.Rbac, a.User, spec["namespace"]?.GetValue<string>() ?? "");
                break;
            case "SelfSubjectReview":
                spec = new JsonObject();
                status = new JsonObject { ["userInfo"] = UserJson(a.User) };
                break;
            case "TokenReview":
                var reviewed = spec["token"]?.GetValue<string>() is { Length: > 0 } token ? access.Authenticator.Verify(token) : null;
                status = reviewed is null
                    ? new JsonObject { ["user"] = new JsonObject(), ["error"] = "[invalid bearer token, token lookup failed]" }
                    : new JsonObject { ["authenticated"] = true, ["user"] = UserJson(reviewed), ["audiences"] = new JsonArray(Authenticator.ApiAudience) };
                break;
            default:
                status = Review(kind, a, spec, access.Rbac);
                break;
        }
        var answer = new JsonObject
        {
            ["kind"] = kind, ["apiVersion"] = $"{group}/v1",
            ["metadata"] = isToken
                ? new JsonObject { ["name"] = a.Name, ["namespace"] = a.Namespace, ["creationTimestamp"] = Api.Now() }
                : new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = spec, ["status"] = status,
        };
        await Api.WriteAsync(ctx, 201, answer).ConfigureAwait(false);
        return true;
    }

    /// <summary>The request body as JSON, YAML or protobuf (kubectl's typed clients send protobuf).</summary>
    private static async Task<JsonObject> ReadAsync(HttpContext ctx, ResourceType t) =>
        await Wire.MediaTypes.ReadObjectAsync(ctx, t).ConfigureAwait(false) as JsonObject ?? throw ApiError.BadRequest("the body must be an object");

    private static JsonObject UserJson(UserInfo u)
    {
        var o = new JsonObject { ["username"] = u.Name };
        if (u.Uid.Length > 0) o["uid"] = u.Uid;
        o["groups"] = new JsonArray(u.Groups.Select(g => (JsonNode?)g).ToArray());
        if (u.Extra is { Count: > 0 } extra)
            o["extra"] = new JsonObject(extra.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(v => (JsonNode?)v).ToArray()))));
        return o;
    }

    private static ApiError Invalid(string kind, string field, string value, string detail) =>
        new(422, "Invalid", $"{kind}.{AuthorizationGroup} \"\" is invalid: {field}: Invalid value: {value}: {detail}",
            new JsonObject { ["group"] = AuthorizationGroup, ["kind"] = kind, ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = $"Invalid value: {value}: {detail}", ["field"] = field }) });

    /// <summary>The access reviews: whose rights (the caller, or spec.user/groups) for which request, allowed with the authorizer's reason.</summary>
    private static JsonObject Review(string kind, RequestAttributes a, JsonObject spec, Rbac rbac)
    {
        var res = spec["resourceAttributes"] as JsonObject;
        var non = spec["nonResourceAttributes"] as JsonObject;
        if ((res is null) == (non is null))
            throw Invalid(kind, "spec.resourceAttributes", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified");
        UserInfo subject;
        if (kind == "SelfSubjectAccessReview") subject = a.User;
        else
        {
            var name = spec["user"]?.GetValue<string>() ?? "";
            var groups = (spec["groups"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? "").ToList();
            if (name.Length == 0 && groups.Count == 0) throw Invalid(kind, "spec.user", "\"\"", "at least one of user or group must be specified");
            subject = new UserInfo(name, groups, spec["uid"]?.GetValue<string>() ?? "");
        }
        string S(JsonObject o, string k) => o[k]?.GetValue<string>() ?? "";
        RequestAttributes asked;
        if (res is not null)
        {
            if (kind == "LocalSubjectAccessReview" && S(res, "namespace") != a.Namespace)
                throw Invalid(kind, "spec.resourceAttributes.namespace", $"\"{S(res, "namespace")}\"", "must match metadata.namespace");
            asked = new RequestAttributes(subject, S(res, "verb"), true, Group: S(res, "group"), Version: S(res, "version"), Resource: S(res, "resource"), Subresource: S(res, "subresource"), Namespace: S(res, "namespace"), Name: S(res, "name"));
        }
        else asked = new RequestAttributes(subject, S(non!, "verb"), false, Path: S(non!, "path"));
        var (allowed, reason) = rbac.Authorize(asked);
        var status = new JsonObject { ["allowed"] = allowed };
        if (reason.Length > 0) status["reason"] = reason;
        return status;
    }

    /// <summary>SelfSubjectRulesReview: every rule that applies in the namespace, split into resource and non-resource rules.</summary>
    private static JsonObject Rules(Rbac rbac, UserInfo user, string ns)
    {
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        static JsonArray Arr(string[] v) => new(v.Select(s => (JsonNode?)s).ToArray());
        var (rules, errors) = rbac.RulesFor(user, ns);
        var all = rules.Select(r => r.Rule).ToList();
        if (user.InGroup(UserInfo.Masters)) all.InsertRange(0, [PolicyRule.Resource(["*"], ["*"], "*"), PolicyRule.Urls(["*"], "*")]);
        foreach (var r in all)
        {
            if (r.Resources.Length > 0)
            {
                var o = new JsonObject { ["verbs"] = Arr(r.Verbs), ["apiGroups"] = Arr(r.ApiGroups), ["resources"] = Arr(r.Resources) };
                if (r.ResourceNames.Length > 0) o["resourceNames"] = Arr(r.ResourceNames);
                resourceRules.Add(o);
            }
            if (r.NonResourceUrls.Length > 0) nonResourceRules.Add(new JsonObject { ["verbs"] = Arr(r.Verbs), ["nonResourceURLs"] = Arr(r.NonResourceUrls) });
        }
        var status = new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = false };
        if (errors.Count > 0) status["evaluationError"] = errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]";
        return status;
    }

    /// <summary>TokenRequest: a token for an existing ServiceAccount, 1 h by default, at least 10 min, for the API's audience unless others are named.</summary>
    private static (JsonObject Spec, JsonObject Status) TokenRequest(RequestAttributes a, JsonObject spec, AccessControl access)
    {
        var sa = access.Store.Get(ServiceAccounts, a.Namespace, a.Name) ?? throw ApiError.NotFound(ServiceAccounts, a.Name);
        var seconds = spec["expirationSeconds"]?.GetValue<long>() ?? 3600;
        string? problem = seconds < 600 ? "may not specify a duration less than 10 minutes" : seconds > 1L << 32 ? "may not specify a duration larger than 2^32 seconds" : null;
        if (problem is not null)
            throw new ApiError(422, "Invalid", $"TokenRequest.{AuthenticationGroup} \"{a.Name}\" is invalid: spec.expirationSeconds: Invalid value: {seconds}: {problem}",
                new JsonObject { ["name"] = a.Name, ["group"] = AuthenticationGroup, ["kind"] = "TokenRequest", ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = $"Invalid value: {seconds}: {problem}", ["field"] = "spec.expirationSeconds" }) });
        var audiences = (spec["audiences"] as JsonArray ?? []).Select(x => x?.GetValue<string>() ?? "").Where(x => x.Length > 0).ToList();
        if (audiences.Count == 0) audiences.Add(Authenticator.ApiAudience);
        var (token, expires) = access.Authenticator.IssueServiceAccountToken(sa, seconds, audiences);
        var echoed = new JsonObject
        {
            ["audiences"] = new JsonArray(audiences.Select(x => (JsonNode?)x).ToArray()),
            ["expirationSeconds"] = seconds,
            ["boundObjectRef"] = spec["boundObjectRef"]?.DeepClone(),
        };
        return (echoed, new JsonObject { ["token"] = token, ["expirationTimestamp"] = expires.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) });
    }
}
