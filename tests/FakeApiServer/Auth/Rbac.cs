using System.Text.Json.Nodes;

namespace FakeApiServer.Auth;

/// <summary>One rule of a Role or ClusterRole.</summary>
public sealed record PolicyRule(string[] Verbs, string[] ApiGroups, string[] Resources, string[] ResourceNames, string[] NonResourceUrls)
{
    public static PolicyRule Resource(string[] verbs, string[] groups, params string[] resources) => new(verbs, groups, resources, [], []);
    public static PolicyRule Urls(string[] verbs, params string[] urls) => new(verbs, [], [], [], urls);

    public static PolicyRule From(JsonNode? n) => new(Strings(n?["verbs"]), Strings(n?["apiGroups"]), Strings(n?["resources"]), Strings(n?["resourceNames"]), Strings(n?["nonResourceURLs"]));

    private static string[] Strings(JsonNode? n) => n is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").ToArray() : [];

    public JsonObject ToJson()
    {
        var o = new JsonObject();
        void Put(string key, string[] values) { if (values.Length > 0) o[key] = new JsonArray(values.Select(v => (JsonNode?)v).ToArray()); }
        Put("apiGroups", ApiGroups);
        Put("resources", Resources);
        Put("resourceNames", ResourceNames);
        Put("nonResourceURLs", NonResourceUrls);
        Put("verbs", Verbs);
        return o;
    }

    /// <summary>The form escalation errors print a rule in: <c>{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}</c>.</summary>
    public string Compact()
    {
        static string Q(string[] v) => "[" + string.Join(' ', v.Select(s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")) + "]";
        var parts = new List<string>();
        if (ApiGroups.Length > 0) parts.Add("APIGroups:" + Q(ApiGroups));
        if (Resources.Length > 0) parts.Add("Resources:" + Q(Resources));
        if (NonResourceUrls.Length > 0) parts.Add("NonResourceURLs:" + Q(NonResourceUrls));
        if (ResourceNames.Length > 0) parts.Add("ResourceNames:" + Q(ResourceNames));
        if (Verbs.Length > 0) parts.Add("Verbs:" + Q(Verbs));
        return "{" + string.Join(", ", parts) + "}";
    }

    public bool Allows(RequestAttributes a)
    {
        if (!Verbs.Any(v => v == "*" || v == a.Verb)) return false;
        if (!a.IsResource)
            return NonResourceUrls.Any(u => u == "*" || u == a.Path || (u.EndsWith('*') && a.Path.StartsWith(u.TrimEnd('*'), StringComparison.Ordinal)));
        return ApiGroups.Any(g => g == "*" || g == a.Group)
            && Resources.Any(r => r == "*" || r == a.CombinedResource || (a.Subresource.Length > 0 && r == "*/" + a.Subresource))
            && (ResourceNames.Length == 0 || ResourceNames.Contains(a.Name));
    }

    /// <summary>Whether this (owner) rule covers a broken-down rule, as the escalation check compares them.</summary>
    private bool Covers(PolicyRule sub)
    {
        static bool HasAll(string[] set, string[] wanted) => wanted.All(set.Contains);
        var verbs = Verbs.Contains("*") || HasAll(Verbs, sub.Verbs);
        var groups = ApiGroups.Contains("*") || HasAll(ApiGroups, sub.ApiGroups);
        var resources = Resources.Contains("*") || sub.Resources.All(r => Resources.Contains(r) || (r.Contains('/') && Resources.Contains("*/" + r.Split('/', 2)[1])));
        var urls = sub.NonResourceUrls.All(u => NonResourceUrls.Any(o => o == u || (o.EndsWith('*') && u.StartsWith(o.TrimEnd('*'), StringComparison.Ordinal))));
        var names = ResourceNames.Length == 0 || (sub.ResourceNames.Length > 0 && HasAll(ResourceNames, sub.ResourceNames));
        return verbs && groups && resources && urls && names;
    }

    /// <summary>One rule per group, resource, verb and name (or URL and verb).</summary>
    private IEnumerable<PolicyRule> Breakdown()
    {
        foreach (var g in ApiGroups)
            foreach (var r in Resources)
                foreach (var v in Verbs)
                    if (ResourceNames.Length > 0) foreach (var n in ResourceNames) yield return new([v], [g], [r], [n], []);
                    else yield return new([v], [g], [r], [], []);
        foreach (var u in NonResourceUrls)
            foreach (var v in Verbs) yield return Urls([v], u);
    }

    /// <summary>The parts of <paramref name="requested"/> no rule of <paramref name="owner"/> covers, compacted and sorted as the real message lists them.</summary>
    public static List<string> Uncovered(IReadOnlyCollection<PolicyRule> owner, IEnumerable<PolicyRule> requested)
    {
        var missing = requested.SelectMany(r => r.Breakdown()).Where(s => !owner.Any(o => o.Covers(s))).ToList();
        var compacted = new List<PolicyRule>();
        var byResource = new Dictionary<(string, string), int>();
        foreach (var m in missing)
        {
            if (m.ResourceNames.Length == 0 && m.NonResourceUrls.Length == 0 && byResource.TryGetValue((m.ApiGroups[0], m.Resources[0]), out var i))
                compacted[i] = compacted[i] with { Verbs = [.. compacted[i].Verbs, .. m.Verbs.Except(compacted[i].Verbs)] };
            else
            {
                if (m.ResourceNames.Length == 0 && m.NonResourceUrls.Length == 0) byResource[(m.ApiGroups[0], m.Resources[0])] = compacted.Count;
                compacted.Add(m);
            }
        }
        return compacted.Select(c => c.Compact()).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList();
    }
}

/// <summary>
/// The RBAC authorizer and rule resolver over the store: ClusterRoleBindings always apply, RoleBindings in the
/// request's namespace; subjects match by user name, group, or ServiceAccount (namespace defaulting to the binding's).
/// Members of system:masters are allowed everything, as the API server's privileged-group authorizer does.
/// </summary>
internal sealed class Rbac
{
    public const string Group = "rbac.authorization.k8s.io";
    private static readonly ResourceType Roles = ResourceTypes.Find(Group, "v1", "roles")!;
    private static readonly ResourceType ClusterRoles = ResourceTypes.Find(Group, "v1", "clusterroles")!;
    private static readonly ResourceType RoleBindings = ResourceTypes.Find(Group, "v1", "rolebindings")!;
    private static readonly ResourceType ClusterRoleBindings = ResourceTypes.Find(Group, "v1", "clusterrolebindings")!;
    private static readonly PolicyRule[] FullAuthority = [PolicyRule.Resource(["*"], ["*"], "*"), PolicyRule.Urls(["*"], "*")];

    private readonly Store _store;

    public Rbac(Store store) => _store = store;

    /// <summary>The rules that apply to the user in the namespace ("" for cluster scope), each with the binding it came from, and resolution errors.</summary>
    public (List<(string Source, PolicyRule Rule)> Rules, List<string> Errors) RulesFor(UserInfo user, string ns)
    {
        var rules = new List<(string, PolicyRule)>();
        var errors = new List<string>();
        void Visit(StoredObject binding, string bindingNs)
        {
            var subjects = binding.Object["subjects"] as JsonArray ?? [];
            var subject = subjects.FirstOrDefault(s => AppliesTo(user, s, bindingNs));
            if (subject is null) return;
            var roleRef = binding.Object["roleRef"];
            var (roleRules, error) = RoleRefRules(roleRef, bindingNs);
            if (error is not null) { errors.Add(error); return; }
            var kind = bindingNs.Length == 0 ? "ClusterRoleBinding" : "RoleBinding";
            var bindingName = bindingNs.Length == 0 ? binding.Name : $"{binding.Name}/{bindingNs}";
            var source = $"{kind} \"{bindingName}\" of {roleRef?["kind"]} \"{roleRef?["name"]}\" to {Describe(subject, bindingNs)}";
            rules.AddRange(roleRules.Select(r => (source, r)));
        }
        foreach (var crb in _store.List(ClusterRoleBindings, null)) Visit(crb, "");
        if (ns.Length > 0) foreach (var rb in _store.List(RoleBindings, ns)) Visit(rb, ns);
        return (rules, errors);
    }

    private static string Describe(JsonNode subject, string bindingNs)
    {
        var kind = subject["kind"]?.GetValue<string>();
        var name = subject["name"]?.GetValue<string>();
        if (kind == "ServiceAccount") return $"{kind} \"{name}/{subject["namespace"]?.GetValue<string>() ?? bindingNs}\"";
        return $"{kind} \"{name}\"";
    }

    private static bool AppliesTo(UserInfo user, JsonNode? subject, string bindingNs)
    {
        var name = subject?["name"]?.GetValue<string>() ?? "";
        switch (subject?["kind"]?.GetValue<string>())
        {
            case "User": return user.Name == name;
            case "Group": return user.InGroup(name);
            case "ServiceAccount":
                var ns = subject["namespace"]?.GetValue<string>() is { Length: > 0 } sns ? sns : bindingNs;
                return ns.Length > 0 && user.Name == UserInfo.ServiceAccountName(ns, name);
            default: return false;
        }
    }

    /// <summary>The rules a roleRef points at, or the lister's not-found message.</summary>
    public (List<PolicyRule> Rules, string? Error) RoleRefRules(JsonNode? roleRef, string bindingNs)
    {
        var kind = roleRef?["kind"]?.GetValue<string>();
        var name = roleRef?["name"]?.GetValue<string>() ?? "";
        StoredObject? role;
        switch (kind)
        {
            case "Role":
                role = _store.Get(Roles, bindingNs, name);
                if (role is null) return ([], $"role.{Group} \"{name}\" not found");
                break;
            case "ClusterRole":
                role = _store.Get(ClusterRoles, null, name);
                if (role is null) return ([], $"clusterrole.{Group} \"{name}\" not found");
                break;
            default:
                return ([], $"unsupported role reference kind: \"{kind}\"");
        }
        return (RulesOf(role.Object), null);
    }

    public static List<PolicyRule> RulesOf(JsonObject role) => (role["rules"] as JsonArray ?? []).Select(PolicyRule.From).ToList();

    /// <summary>Allow or no opinion, with the reason the real authorizer gives (the binding that allowed it, or resolution errors).</summary>
    public (bool Allowed, string Reason) Authorize(RequestAttributes a)
    {
        if (a.User.InGroup(UserInfo.Masters)) return (true, "");
        var (rules, errors) = RulesFor(a.User, a.Namespace);
        foreach (var (source, rule) in rules)
            if (rule.Allows(a)) return (true, $"RBAC: allowed by {source}");
        return (false, errors.Count == 0 ? "" : "RBAC: " + (errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]"));
    }

    /// <summary>
    /// Escalation prevention on writes of Roles, ClusterRoles and their bindings: the author must hold every permission
    /// granted (in the namespace of the write), unless in system:masters or allowed to <c>escalate</c> (roles) or
    /// <c>bind</c> (the role a binding references). An aggregationRule needs full authority. <c>escalate</c> is asked
    /// with the request's name, as RoleEscalationAuthorized asks with requestInfo.Name: none on a POST that creates, the
    /// role's on a PUT or an apply PATCH, also when the PATCH creates it.
    /// </summary>
    public void CheckWrite(UserInfo user, ResourceType t, string? ns, string name, JsonObject obj, JsonObject? old)
    {
        if (t.Group != Group || user.InGroup(UserInfo.Masters)) return;
        var scope = ns ?? "";
        switch (t.Kind)
        {
            case "Role" or "ClusterRole":
            {
                if (old is not null && JsonNode.DeepEquals(old["rules"], obj["rules"]) && JsonNode.DeepEquals(old["aggregationRule"], obj["aggregationRule"])) return;
                if (Authorize(new RequestAttributes(user, "escalate", true, Group: Group, Resource: t.Plural, Namespace: scope, Name: AccessControl.CurrentRequestName ?? name)).Allowed) return;
                var (owned, errors) = RulesFor(user, scope);
                var held = owned.Select(r => r.Rule).ToList();
                Refuse(user, t, name, Rbac.RulesOf(obj), held, errors);
                if (obj["aggregationRule"] is JsonObject && PolicyRule.Uncovered(held, FullAuthority).Count > 0)
                    throw Forbidden(t, name, "must have cluster-admin privileges to use the aggregationRule");
                return;
            }
            case "RoleBinding" or "ClusterRoleBinding":
            {
                var roleRef = obj["roleRef"];
                var refKind = roleRef?["kind"]?.GetValue<string>() == "Role" ? "roles" : "clusterroles";
                if (Authorize(new RequestAttributes(user, "bind", true, Group: Group, Resource: refKind, Namespace: scope, Name: roleRef?["name"]?.GetValue<string>() ?? "")).Allowed) return;
                var (rules, error) = RoleRefRules(roleRef, scope);
                if (error is not null) throw ApiError.BadRequest(error.Replace("role." + Group, "roles." + Group, StringComparison.Ordinal).Replace("clusterrole." + Group, "clusterroles." + Group, StringComparison.Ordinal));
                var (owned, errors) = RulesFor(user, scope);
                Refuse(user, t, name, rules, owned.Select(r => r.Rule).ToList(), errors);
                return;
            }
        }
    }

    private static void Refuse(UserInfo user, ResourceType t, string name, IEnumerable<PolicyRule> granted, List<PolicyRule> held, List<string> errors)
    {
        var missing = PolicyRule.Uncovered(held, granted);
        if (missing.Count == 0) return;
        var groups = "[" + string.Join(' ', user.Groups.Select(g => $"\"{g}\"")) + "]";
        var msg = $"user \"{user.Name}\" (groups={groups}) is attempting to grant RBAC permissions not currently held:\n{string.Join("\n", missing)}";
        if (errors.Count > 0) msg += $"; resolution errors: [{string.Join(" ", errors)}]";
        throw Forbidden(t, name, msg);
    }

    /// <summary>The 403 Status the API server sends: "<c>resource.group "name" is forbidden: reason</c>" with details {name, group, kind}.</summary>
    public static ApiError Forbidden(ResourceType t, string name, string reason) => Forbidden(t.Group, t.Plural, name, reason);

    public static ApiError Forbidden(string group, string resource, string name, string reason)
    {
        var details = new JsonObject();
        if (name.Length > 0) details["name"] = name;
        if (group.Length > 0) details["group"] = group;
        if (resource.Length > 0) details["kind"] = resource;
        var qualified = group.Length == 0 ? resource : $"{resource}.{group}";
        var message = resource.Length == 0 ? $"forbidden: {reason}" : name.Length == 0 ? $"{qualified} is forbidden: {reason}" : $"{qualified} \"{name}\" is forbidden: {reason}";
        return new ApiError(403, "Forbidden", message, details);
    }

    /// <summary>The denial message of the API server for a request (resource or path).</summary>
    public static ApiError Denied(RequestAttributes a, string reason)
    {
        string msg;
        if (!a.IsResource) msg = $"User \"{a.User.Name}\" cannot {a.Verb} path \"{a.Path}\"";
        else if (a.Namespace.Length > 0) msg = $"User \"{a.User.Name}\" cannot {a.Verb} resource \"{a.CombinedResource}\" in API group \"{a.Group}\" in the namespace \"{a.Namespace}\"";
        else msg = $"User \"{a.User.Name}\" cannot {a.Verb} resource \"{a.CombinedResource}\" in API group \"{a.Group}\" at the cluster scope";
        if (reason.Length > 0) msg += ": " + reason;
        return a.IsResource ? Forbidden(a.Group, a.Resource, a.Name, msg) : Forbidden("", "", "", msg);
    }

    /// <summary>
    /// The aggregation controller: a ClusterRole with an aggregationRule gets the union of the rules of every other
    /// ClusterRole its selectors match (in name order, duplicates dropped).
    /// </summary>
    public void Aggregate(Action<StoredObject, JsonArray> write)
    {
        var all = _store.List(ClusterRoles, null);
        foreach (var role in all)
        {
            if (role.Object["aggregationRule"]?["clusterRoleSelectors"] is not JsonArray selectors) continue;
            var rules = new JsonArray();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var other in all.Where(o => o.Name != role.Name && selectors.Any(s => Matches(s as JsonObject, o.Object))))
                foreach (var r in other.Object["rules"] as JsonArray ?? [])
                    if (r is not null && seen.Add(r.ToJsonString())) rules.Add(r.DeepClone());
            if (!JsonNode.DeepEquals(rules, role.Object["rules"] ?? new JsonArray())) write(role, rules);
        }
    }

    /// <summary>A metav1 LabelSelector (matchLabels and matchExpressions) against an object's labels.</summary>
    private static bool Matches(JsonObject? selector, JsonObject obj)
    {
        if (selector is null) return false;
        var labels = obj["metadata"]?["labels"] as JsonObject ?? [];
        string? Label(string k) => labels[k]?.GetValue<string>();
        foreach (var (k, v) in selector["matchLabels"] as JsonObject ?? [])
            if (Label(k) != v?.GetValue<string>()) return false;
        foreach (var e in selector["matchExpressions"] as JsonArray ?? [])
        {
            var key = e?["key"]?.GetValue<string>() ?? "";
            var values = (e?["values"] as JsonArray ?? []).Select(v => v?.GetValue<string>()).ToList();
            var ok = e?["operator"]?.GetValue<string>() switch
            {
                "In" => Label(key) is { } l && values.Contains(l),
                "NotIn" => Label(key) is not { } l2 || !values.Contains(l2),
                "Exists" => Label(key) is not null,
                "DoesNotExist" => Label(key) is null,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }
}
