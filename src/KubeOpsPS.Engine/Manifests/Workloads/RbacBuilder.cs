using k8s.Models;

namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>The RBAC pieces the install bundles share: policy rules and a ServiceAccount bound to a ClusterRole.</summary>
public static class RbacBuilder
{
    public const string ApiVersion = "rbac.authorization.k8s.io/v1";

    public static V1PolicyRule Rule(string group, string[] resources, params string[] verbs) => new() { ApiGroups = [group], Resources = resources, Verbs = verbs };

    /// <summary>Binds a ClusterRole of the same name to a ServiceAccount.</summary>
    public static V1ClusterRoleBinding ClusterBinding(string name, Dictionary<string, string> labels, string serviceAccount, string ns) => new()
    {
        ApiVersion = ApiVersion, Kind = "ClusterRoleBinding", Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string>(labels) },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = name },
        Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = serviceAccount, NamespaceProperty = ns }],
    };

    /// <summary>A ServiceAccount, a ClusterRole with <paramref name="rules"/> and the binding between them.</summary>
    public static IEnumerable<object> ServiceAccountWithClusterRole(string serviceAccount, string ns, string role, Dictionary<string, string> labels, IList<V1PolicyRule> rules)
    {
        yield return new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = new V1ObjectMeta { Name = serviceAccount, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) } };
        yield return new V1ClusterRole { ApiVersion = ApiVersion, Kind = "ClusterRole", Metadata = new V1ObjectMeta { Name = role, Labels = new Dictionary<string, string>(labels) }, Rules = rules };
        yield return ClusterBinding(role, labels, serviceAccount, ns);
    }
}
