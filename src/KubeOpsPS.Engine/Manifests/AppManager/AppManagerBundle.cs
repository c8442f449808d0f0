using k8s.Models;
using KubeOpsPS.Engine.Validation;

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

    public static IReadOnlyList<object> Build(AppManagerOptions o)
    {
        var name = Validate.Subdomain(o.Name, "-Name");
        Validate.Label(name, "-Name");
        var ns = Validate.Label(o.Namespace, "-Namespace");
        foreach (var file in o.Manifests.Keys) Validate.ConfigKey(file, "manifest file name");
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/part-of"] = "kubeops" };
        var meta = (string n) => new V1ObjectMeta { Name = n, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };
        var rules = new List<V1PolicyRule>
        {
            new() { ApiGroups = ["*"], Resources = ["*"], Verbs = ["get", "list", "watch", "create", "update", "patch", "delete"] },
        };
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
