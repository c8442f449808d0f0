using System.Text.Json.Nodes;

namespace FakeApiServer.Auth;

/// <summary>
/// The default ClusterRoles and ClusterRoleBindings a v1.32 API server creates (labelled
/// kubernetes.io/bootstrapping=rbac-defaults, annotated autoupdate): cluster-admin; admin, edit and view aggregated
/// from the system:aggregate-to-* roles by their aggregate-to-* labels; and the roles every authenticated user gets
/// (system:discovery, system:basic-user, system:public-info-viewer). Rules as the bootstrap policy defines them,
/// limited to the groups a cluster of this version serves.
/// </summary>
internal static class DefaultPolicy
{
    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];
    private static readonly string[] ReadWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private const string Aggregate = "rbac.authorization.k8s.io/aggregate-to-";

    private static PolicyRule R(string[] verbs, string group, params string[] resources) => PolicyRule.Resource(verbs, [group], resources);

    private static IEnumerable<(string Name, string[] AggregateTo, string? AggregatesFrom, PolicyRule[] Rules)> Roles()
    {
        yield return ("cluster-admin", [], null, [PolicyRule.Resource(["*"], ["*"], "*"), PolicyRule.Urls(["*"], "*")]);
        yield return ("admin", [], "admin", []);
        yield return ("edit", ["admin"], "edit", []);
        yield return ("view", ["edit"], "view", []);
        yield return ("system:aggregate-to-admin", ["admin"], null,
        [
            R(["create"], "authorization.k8s.io", "localsubjectaccessreviews"),
            R(ReadWrite, Rbac.Group, "rolebindings", "roles"),
        ]);
        yield return ("system:aggregate-to-edit", ["edit"], null,
        [
            R(Read, "", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"),
            R(["impersonate"], "", "serviceaccounts"),
            R(Write, "", "pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"),
            R(["create"], "", "pods/eviction"),
            R(Write, "", "configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"),
            R(["create"], "", "serviceaccounts/token"),
            R(Write, "apps", "daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"),
            R(Write, "autoscaling", "horizontalpodautoscalers"),
            R(Write, "batch", "cronjobs", "jobs"),
            R(Write, "policy", "poddisruptionbudgets"),
            R(Write, "networking.k8s.io", "ingresses", "networkpolicies"),
            R(ReadWrite, "coordination.k8s.io", "leases"),
        ]);
        yield return ("system:aggregate-to-view", ["view"], null,
        [
            R(Read, "", "configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"),
            R(Read, "", "bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"),
            R(Read, "", "namespaces"),
            R(Read, "discovery.k8s.io", "endpointslices"),
            R(Read, "apps", "controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"),
            R(Read, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
            R(Read, "batch", "cronjobs", "cronjobs/status", "jobs", "jobs/status"),
            R(Read, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
            R(Read, "networking.k8s.io", "ingresses", "ingresses/status", "networkpolicies"),
        ]);
        yield return ("system:basic-user", [], null,
        [
            R(["create"], "authorization.k8s.io", "selfsubjectaccessreviews", "selfsubjectrulesreviews"),
            R(["create"], "authentication.k8s.io", "selfsubjectreviews"),
        ]);
        yield return ("system:discovery", [], null, [PolicyRule.Urls(["get"], "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/")]);
        yield return ("system:public-info-viewer", [], null, [PolicyRule.Urls(["get"], "/healthz", "/livez", "/readyz", "/version", "/version/")]);
        yield return ("system:auth-delegator", [], null,
        [
            R(["create"], "authentication.k8s.io", "tokenreviews"),
            R(["create"], "authorization.k8s.io", "subjectaccessreviews"),
        ]);
    }

    private static IEnumerable<(string Role, string[] Groups)> Bindings()
    {
        yield return ("cluster-admin", [UserInfo.Masters]);
        yield return ("system:basic-user", [UserInfo.Authenticated]);
        yield return ("system:discovery", [UserInfo.Authenticated]);
        yield return ("system:public-info-viewer", [UserInfo.Authenticated, UserInfo.Unauthenticated]);
    }

    private static JsonObject Meta(string name, IEnumerable<string> aggregateTo)
    {
        var labels = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        foreach (var a in aggregateTo) labels[Aggregate + a] = "true";
        return new JsonObject { ["name"] = name, ["labels"] = labels, ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" } };
    }

    /// <summary>The objects, as (type, body) to store when the cluster starts.</summary>
    public static IEnumerable<(ResourceType Type, JsonObject Body)> Objects()
    {
        var clusterRoles = ResourceTypes.Find(Rbac.Group, "v1", "clusterroles")!;
        var clusterRoleBindings = ResourceTypes.Find(Rbac.Group, "v1", "clusterrolebindings")!;
        foreach (var (name, to, from, rules) in Roles())
        {
            var body = new JsonObject { ["metadata"] = Meta(name, to) };
            if (from is not null)
                body["aggregationRule"] = new JsonObject { ["clusterRoleSelectors"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { [Aggregate + from] = "true" } }) };
            body["rules"] = new JsonArray(rules.Select(r => (JsonNode?)r.ToJson()).ToArray());
            yield return (clusterRoles, body);
        }
        foreach (var (role, groups) in Bindings())
            yield return (clusterRoleBindings, new JsonObject
            {
                ["metadata"] = Meta(role, []),
                ["roleRef"] = new JsonObject { ["apiGroup"] = Rbac.Group, ["kind"] = "ClusterRole", ["name"] = role },
                ["subjects"] = new JsonArray(groups.Select(g => (JsonNode?)new JsonObject { ["apiGroup"] = Rbac.Group, ["kind"] = "Group", ["name"] = g }).ToArray()),
            });
    }
}
