using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Runtime.Rollout;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.Install;

/// <summary>
/// One permission an install needs, what it is for, and the one permission that would do instead (for a rule a
/// Role grants: <c>escalate</c> on the role; for a rule a binding grants: <c>bind</c> on the role it references).
/// </summary>
public sealed record AccessNeed(AccessRequest Request, string For, AccessRequest? Instead = null);

/// <summary>What an install would do: the objects in dependency order, and every permission that takes.</summary>
public sealed record InstallPlan(IReadOnlyList<object> Objects, IReadOnlyList<AccessNeed> Needs)
{
    /// <summary>Every distinct permission to review: each need's, and the one that would do instead.</summary>
    public IReadOnlyList<AccessRequest> Reviews => Needs.Select(n => n.Request).Concat(Needs.Select(n => n.Instead).OfType<AccessRequest>()).Distinct().ToList();
}

/// <summary>A workload the install waited for, and how its rollout ended.</summary>
public sealed record InstallRollout(ObjectRef Workload, WaitState State);

/// <summary>
/// The install flow of every Install-* cmdlet: plan the bundle, check every permission it needs in one round of
/// access reviews (and write nothing when one is missing), apply it in dependency order, wait for its workloads.
/// </summary>
/// <remarks>
/// Writing a Role or ClusterRole, or a binding, passes the API server's escalation check only when the author holds
/// every permission it grants (in the role's namespace, or cluster-wide for a ClusterRole; in the binding's namespace
/// for a RoleBinding), or may <c>escalate</c> the role or <c>bind</c> the role referenced (kube-apiserver,
/// pkg/registry/rbac: ConfirmNoEscalation, EscalationAllowed, BindingAuthorized). An access review answers for one
/// verb on one resource, so each granted rule is broken down into verb, group, resource and name, as the escalation
/// check breaks it down, and each piece is reviewed. A <c>*</c> in a granted rule is reviewed as <c>*</c>, which only a
/// rule holding <c>*</c> allows — what the escalation check demands. What a review cannot see: a binding to a role
/// that neither the bundle nor the user can read (then only <c>bind</c> on it is checked), and admission webhooks or
/// quotas, which may still refuse a write.
/// </remarks>
public sealed class BundleInstall(ClusterGateway gateway)
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    /// <summary>
    /// The permissions applying <paramref name="objects"/> takes (get, create and patch of each; for RBAC objects the
    /// permissions they grant, or escalate/bind), plus <paramref name="extra"/> (what the install reads or may write
    /// beside the bundle, such as a Secret it looks up). Reads the roles bindings reference when the bundle lacks them.
    /// </summary>
    public async Task<InstallPlan> PlanAsync(IReadOnlyList<object> objects, IReadOnlyList<AccessNeed> extra, CancellationToken ct)
    {
        var prepared = new List<(object Obj, KubeKind Kind, JsonObject Json, string? Ns, string Name)>();
        foreach (var o in objects)
        {
            var (kind, json, ns, name) = await gateway.PrepareAsync(o, ct).ConfigureAwait(false);
            prepared.Add((o, kind, json, ns, name));
        }
        var needs = new List<AccessNeed>(extra);
        foreach (var p in prepared.OrderBy(p => ApplyOrder.Stage(p.Kind.Kind)))
        {
            var what = ObjectRef.Of(p.Obj).ToString();
            needs.AddRange(AccessRequest.ForApply(p.Kind, p.Ns, p.Name).Select(r => new AccessNeed(r, what)));
            if (p.Kind.Group != RbacGroup) continue;
            switch (p.Kind.Kind)
            {
                case "Role" or "ClusterRole":
                {
                    var escalate = new AccessRequest("escalate", RbacGroup, p.Kind.Plural, p.Ns, p.Name);
                    if (p.Json["aggregationRule"] is JsonObject)
                        needs.Add(new AccessNeed(new AccessRequest("*", "*", "*", null), $"{what} (an aggregationRule needs cluster-admin)"));
                    needs.AddRange(Breakdown(p.Json["rules"], p.Ns).Select(r => new AccessNeed(r, $"{what}, which grants it", escalate)));
                    break;
                }
                case "RoleBinding" or "ClusterRoleBinding":
                {
                    var roleRef = p.Json["roleRef"];
                    var refKind = roleRef?["kind"]?.GetValue<string>() == "Role" ? "Role" : "ClusterRole";
                    var refName = roleRef?["name"]?.GetValue<string>() ?? "";
                    var bind = new AccessRequest("bind", RbacGroup, refKind == "Role" ? "roles" : "clusterroles", p.Ns, refName);
                    var role = prepared.FirstOrDefault(r => r.Kind.Kind == refKind && r.Name == refName && (refKind == "ClusterRole" || r.Ns == p.Ns)).Json
                        ?? await ReadRoleAsync(refKind, p.Ns, refName, ct).ConfigureAwait(false);
                    if (role is null) needs.Add(new AccessNeed(bind, $"{what} (it references {refKind} \"{refName}\", which is not in the bundle and cannot be read)"));
                    else needs.AddRange(Breakdown(role["rules"], p.Ns).Select(r => new AccessNeed(r, $"{what}, which grants it ({refKind} \"{refName}\")", bind)));
                    break;
                }
            }
        }
        return new InstallPlan(prepared.Select(p => p.Obj).ToList(), needs.DistinctBy(n => (n.Request, n.Instead)).ToList());
    }

    /// <summary>
    /// Reviews every distinct permission of the plan in one concurrent round; returns the user and the needs that are
    /// missing (neither the permission nor the one that would do instead is allowed).
    /// </summary>
    public async Task<(string User, IReadOnlyList<AccessNeed> Missing)> CheckAsync(InstallPlan plan, CancellationToken ct)
    {
        var reviews = plan.Reviews;
        var checks = await gateway.ReviewAccessAsync(reviews, null, [], ct).ConfigureAwait(false);
        var allowed = new HashSet<AccessRequest>(reviews.Where((_, i) => checks[i].Allowed));
        var missing = plan.Needs.Where(n => !allowed.Contains(n.Request) && (n.Instead is null || !allowed.Contains(n.Instead))).ToList();
        return (checks.Count > 0 ? checks[0].User : "the current user", missing);
    }

    /// <summary>
    /// The one error for missing permissions: each missing permission once, with what needs it; then, for permissions
    /// that RBAC objects of the bundle grant, the escalate or bind permission that would do instead of holding them.
    /// </summary>
    public static KoOperationException Forbidden(string activity, string user, IReadOnlyList<AccessNeed> missing)
    {
        var lines = missing.GroupBy(n => n.Request).Select(g => $"  {g.Key}: for {string.Join("; ", g.Select(n => n.For).Distinct())}").ToList();
        var instead = missing.Select(n => n.Instead).OfType<AccessRequest>().Distinct().ToList();
        var message = $"User \"{user}\" lacks {lines.Count} permission(s) that {activity} needs; nothing was written:\n{string.Join("\n", lines)}";
        if (instead.Count > 0)
            message += "\nThe API server lets a user write a Role or binding only when they hold what it grants; instead of those permissions, these would do:\n"
                + string.Join("\n", instead.Select(i => $"  {i}"));
        return new KoOperationException("InstallForbidden", "PermissionDenied", message, activity,
            "Ask a cluster administrator for a Role (or ClusterRole) granting these, or check them with Test-KoAccess on the manifests that -OutputDirectory writes.");
    }

    /// <summary>
    /// The whole install: checks the plan (throws <see cref="Forbidden"/> before writing when a permission is
    /// missing), applies it, and, when <paramref name="waitTimeout"/> is given and every object applied, follows
    /// each workload until it is rolled out. <paramref name="progress"/> gets (status, percent).
    /// </summary>
    public async Task<(IReadOnlyList<ApplyResult> Applied, IReadOnlyList<InstallRollout> Rollouts)> RunAsync(
        InstallPlan plan, string activity, bool checkAccess, TimeSpan? waitTimeout, Action<string, int> progress, CancellationToken ct)
    {
        if (checkAccess)
        {
            progress($"Checking {plan.Needs.Count} permissions", 0);
            var (user, missing) = await CheckAsync(plan, ct).ConfigureAwait(false);
            if (missing.Count > 0) throw Forbidden(activity, user, missing);
        }
        var applied = await BatchApplier.ApplyAsync(gateway, plan.Objects, new ApplyOptions(), 8, createNamespaces: false,
            (done, total, r) => progress($"{done} of {total}: {r}", done * 100 / Math.Max(1, total)), ct).ConfigureAwait(false);
        var rollouts = new List<InstallRollout>();
        if (waitTimeout is not { } timeout || applied.Any(r => r.Error is not null)) return (applied, rollouts);
        var runner = new RolloutRunner(gateway);
        foreach (var r in applied.Where(r => r.Kind is "Deployment" or "StatefulSet" or "DaemonSet"))
        {
            var state = await runner.FollowAsync(KubeTypes.Resolve(r.Kind)!, r.Namespace!, r.Name, timeout, s => progress("Waiting: " + s, -1), ct).ConfigureAwait(false);
            rollouts.Add(new InstallRollout(ObjectRef.Of(r), state));
        }
        return (applied, rollouts);
    }

    private async Task<JsonObject?> ReadRoleAsync(string kind, string? ns, string name, CancellationToken ct)
    {
        try
        {
            var role = await gateway.GetAsync(KubeTypes.Find($"{RbacGroup}/v1", kind)!, kind == "Role" ? ns : null, name, ct).ConfigureAwait(false);
            return role is null ? null : KoYaml.ToJsonObject(role);
        }
        catch (KoClusterException e) when (e.StatusCode == 403)
        {
            return null; // only bind on it can be checked
        }
    }

    /// <summary>A role's rules broken down as the escalation check does: one request per verb, group, resource (and subresource) and name, or per verb and URL.</summary>
    internal static IEnumerable<AccessRequest> Breakdown(JsonNode? rules, string? ns)
    {
        static string[] Strings(JsonNode? n) => n is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").ToArray() : [];
        foreach (var rule in rules as JsonArray ?? [])
        {
            var verbs = Strings(rule?["verbs"]);
            foreach (var url in Strings(rule?["nonResourceURLs"]))
                foreach (var verb in verbs) yield return AccessRequest.ForUrl(verb, url);
            var names = Strings(rule?["resourceNames"]) is { Length: > 0 } n ? n.Select(x => (string?)x).ToArray() : [null];
            foreach (var group in Strings(rule?["apiGroups"]))
                foreach (var resource in Strings(rule?["resources"]))
                {
                    var slash = resource.IndexOf('/');
                    var (res, sub) = slash < 0 ? (resource, "") : (resource[..slash], resource[(slash + 1)..]);
                    foreach (var verb in verbs)
                        foreach (var name in names) yield return new AccessRequest(verb, group, res, ns, name, sub);
                }
        }
    }
}
