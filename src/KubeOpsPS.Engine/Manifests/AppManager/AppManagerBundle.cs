using k8s;
using k8s.Models;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.AppManager;

/// <summary>
/// The app-manager as a Deployment in the cluster — the seed's "container with a kubeconfig" done properly: it runs
/// PowerShell with the module under a ServiceAccount whose RBAC is scoped to its namespace (or cluster-wide when
/// asked), reads its manifests from a ConfigMap volume (which the kubelet updates in place) and reconciles them.
/// </summary>
public static class AppManagerBundle
{
    public const string ManifestMount = "/manifests";

    /// <summary>The container's command line; tests run the same line locally against the fake API server.</summary>
    public static string StartCommand(AppManagerOptions o, string manifestPath = ManifestMount) =>
        $"Import-Module KubeOpsPS; Connect-KoCluster | Out-Null; Start-KoAppManager -Path '{manifestPath}' -Instance '{o.Name}'{(o.Prune ? " -Prune" : string.Empty)} | ForEach-Object {{ $_.ToString() }}";

    /// <summary>Kinds the prune pass looks at (AppManagerReconciler) besides those seen in the folder (the addon-manager prunes a fixed list too).</summary>
    public static readonly (string ApiVersion, string Kind)[] PruneKinds =
    [
        ("v1", "ConfigMap"), ("v1", "Secret"), ("v1", "Service"), ("v1", "ServiceAccount"), ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"), ("batch/v1", "Job"), ("batch/v1", "CronJob"),
        ("networking.k8s.io/v1", "Ingress"), ("rbac.authorization.k8s.io/v1", "Role"), ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ];

    private static readonly List<string> ManageVerbs = ["get", "list", "watch", "create", "update", "patch", "delete"];

    /// <summary>
    /// What the cluster-wide manager may do: manage (read, apply, prune) the kinds its manifests hold and the kinds its
    /// prune pass looks at, in every namespace; a kind the module does not know is granted by its API group. The
    /// permissions the manifests' Roles and ClusterRoles grant are added, and bind on the roles their bindings
    /// reference from elsewhere, because the API server lets it write those only when it holds what they grant. New
    /// kinds in the ConfigMap later need the install re-run with them (until then the manager reports them as Failed).
    /// </summary>
    internal static List<V1PolicyRule> ClusterWideRules(IReadOnlyDictionary<string, string> manifests)
    {
        var kinds = new HashSet<(string Group, string Resource)>(PruneKinds
            .Select(k => KubeTypes.Find(k.ApiVersion, k.Kind)!).Select(k => (k.Group, k.Plural)));
        var granted = new List<V1PolicyRule>();
        var roles = new HashSet<string>(StringComparer.Ordinal);
        var bound = new HashSet<(string Kind, string Name)>();
        foreach (var (file, text) in manifests.OrderBy(m => m.Key, StringComparer.Ordinal))
            foreach (var doc in KoYaml.Read(text, file))
            {
                if (doc.Object is null) continue;
                var json = KoYaml.ToJsonObject(doc.Object);
                var apiVersion = json["apiVersion"]?.GetValue<string>() ?? "";
                var kindName = json["kind"]?.GetValue<string>() ?? "";
                var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
                kinds.Add(KubeTypes.Find(apiVersion, kindName) is { } kind ? (kind.Group, kind.Plural) : (group, "*"));
                if (group != "rbac.authorization.k8s.io") continue;
                if (kindName is "Role" or "ClusterRole")
                {
                    roles.Add($"{kindName}/{json["metadata"]?["name"]?.GetValue<string>()}");
                    granted.AddRange(KubernetesJson.Deserialize<List<V1PolicyRule>>(json["rules"]?.ToJsonString() ?? "[]"));
                }
                else if (json["roleRef"] is { } roleRef)
                    bound.Add((roleRef["kind"]?.GetValue<string>() ?? "ClusterRole", roleRef["name"]?.GetValue<string>() ?? ""));
            }
        var rules = kinds.Where(k => k.Resource == "*" || !kinds.Contains((k.Group, "*")))
            .GroupBy(k => k.Group).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new V1PolicyRule { ApiGroups = [g.Key], Resources = g.Select(k => k.Resource).Order(StringComparer.Ordinal).ToList(), Verbs = ManageVerbs })
            .ToList();
        rules.AddRange(granted);
        foreach (var (kind, name) in bound.Where(b => !roles.Contains($"{b.Kind}/{b.Name}")).OrderBy(b => b.Name, StringComparer.Ordinal))
            rules.Add(new V1PolicyRule { ApiGroups = ["rbac.authorization.k8s.io"], Resources = [kind == "Role" ? "roles" : "clusterroles"], ResourceNames = [name], Verbs = ["bind"] });
        return rules;
    }

    public static IReadOnlyList<object> Build(AppManagerOptions o)
    {
        var name = Validate.Subdomain(o.Name, "-Name");
        Validate.Label(name, "-Name");
        var ns = Validate.Label(o.Namespace, "-Namespace");
        foreach (var file in o.Manifests.Keys) Validate.ConfigKey(file, "manifest file name");
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/part-of"] = "kubeops" };
        var meta = (string n) => new V1ObjectMeta { Name = n, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };
        var rules = o.ClusterWide ? ClusterWideRules(o.Manifests)
            : [new() { ApiGroups = ["*"], Resources = ["*"], Verbs = ManageVerbs }];
        var objects = new List<object>
        {
            new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } },
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = meta(name) },
        };
        if (o.ClusterWide)
        {
            objects.Add(new V1ClusterRole { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new V1ObjectMeta { Name = name, Labels = labels }, Rules = rules });
            objects.Add(new V1ClusterRoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = name },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns }],
            });
        }
        else
        {
            objects.Add(new V1Role { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "Role", Metadata = meta(name), Rules = rules });
            objects.Add(new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = meta(name),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns }],
            });
        }
        objects.Add(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = meta(name + "-manifests"), Data = new Dictionary<string, string>(o.Manifests) });
        objects.Add(new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment", Metadata = meta(name),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Strategy = new V1DeploymentStrategy { Type = "Recreate" }, // one reconciler at a time
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = name,
                        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 1000, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "app-manager",
                                Image = o.Image,
                                Command = ["pwsh", "-NoProfile", "-NonInteractive", "-Command"],
                                Args = [StartCommand(o)],
                                Env = [new V1EnvVar { Name = "POWERSHELL_TELEMETRY_OPTOUT", Value = "1" }],
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m"), ["memory"] = new("128Mi") },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") },
                                },
                                SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false, ReadOnlyRootFilesystem = true, Capabilities = new V1Capabilities { Drop = ["ALL"] } },
                                VolumeMounts = [new V1VolumeMount { Name = "manifests", MountPath = ManifestMount, ReadOnlyProperty = true }, new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
                            },
                        ],
                        Volumes =
                        [
                            new V1Volume { Name = "manifests", ConfigMap = new V1ConfigMapVolumeSource { Name = name + "-manifests" } },
                            new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
                        ],
                    },
                },
            },
        });
        return objects;
    }
}
