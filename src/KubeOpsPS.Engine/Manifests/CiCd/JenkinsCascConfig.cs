using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.CiCd;

/// <summary>One agent pod template of the Kubernetes cloud: its name and label, and the pod the plugin starts.</summary>
public sealed record JenkinsAgent(string Name, string Label, V1Pod Pod);

/// <summary>
/// Renders Jenkins configuration as code (the configuration-as-code plugin's jenkins.yaml): local security with the
/// admin from environment variables (filled from the jenkins-admin Secret, so the ConfigMap holds no password), no
/// builds on the controller, TCP agent port off, and a Kubernetes cloud whose agents connect over WebSocket.
/// </summary>
public static class JenkinsCascConfig
{
    public const string WorkDir = "/home/jenkins/agent";

    /// <summary>The agents: the seed's maven and nodejs, an image builder (rootless BuildKit) and a PowerShell deploy agent.</summary>
    public static IReadOnlyList<JenkinsAgent> Agents(string ns, RegistryTarget? registry)
    {
        var home = new V1EnvVar { Name = "HOME", Value = WorkDir };
        var buildkitEnv = new List<V1EnvVar>
        {
            // Rootless BuildKit inside an unprivileged container: no nested process sandbox (moby/buildkit docs/rootless.md).
            new() { Name = "BUILDKITD_FLAGS", Value = "--oci-worker-no-process-sandbox" },
            new() { Name = "DOCKER_CONFIG", Value = "/home/user/.docker" },
        };
        if (registry is not null)
        {
            buildkitEnv.Add(new V1EnvVar { Name = "REGISTRY", Value = registry.Prefix });
            buildkitEnv.Add(new V1EnvVar { Name = "REGISTRY_INSECURE", Value = registry.Insecure ? "true" : "false" });
        }
        var builder = Pod(ns, "buildkit", new V1Container
        {
            Name = "buildkit", Image = Images.BuildKitRootless.Reference, Command = ["sleep"], Args = ["infinity"], Env = buildkitEnv,
            // Not privileged and no host socket. Rootless BuildKit still needs its own user namespace, which the
            // runtime's default seccomp and AppArmor profiles forbid; uid 1000 is the image's rootless user.
            SecurityContext = new V1SecurityContext
            {
                RunAsUser = 1000, RunAsGroup = 1000, RunAsNonRoot = true,
                SeccompProfile = new V1SeccompProfile { Type = "Unconfined" },
                AppArmorProfile = new V1AppArmorProfile { Type = "Unconfined" },
            },
            VolumeMounts =
            [
                new V1VolumeMount { Name = "buildkitd", MountPath = "/home/user/.local/share/buildkit" },
                new V1VolumeMount { Name = "registry-auth", MountPath = "/home/user/.docker", ReadOnlyProperty = true },
            ],
        });
        builder.Spec.Volumes =
        [
            new V1Volume { Name = "buildkitd", EmptyDir = new V1EmptyDirVolumeSource() },
            new V1Volume
            {
                Name = "registry-auth",
                Secret = new V1SecretVolumeSource { SecretName = JenkinsBundle.RegistrySecret, Optional = true, Items = [new V1KeyToPath { Key = ".dockerconfigjson", Path = "config.json" }] },
            },
        ];
        return
        [
            new JenkinsAgent("maven", "maven", Pod(ns, "maven", Tool("maven", Images.Maven.Reference, home))),
            new JenkinsAgent("nodejs", "nodejs", Pod(ns, "nodejs", Tool("nodejs", Images.NodeJs.Reference, home))),
            new JenkinsAgent("buildkit", "buildkit", builder),
            new JenkinsAgent("kubeops", "kubeops", Pod(ns, "kubeops", Tool("pwsh", Images.AppManager.Reference, home))),
        ];
    }

    /// <summary>jenkins.yaml for the controller in <paramref name="ns"/>.</summary>
    public static string Render(string ns, string internalUrl, string? publicUrl, RegistryTarget? registry)
    {
        var templates = new JsonArray();
        foreach (var a in Agents(ns, registry))
        {
            // The plugin names agent pods itself (template name + suffix) in the cloud's namespace.
            var pod = KoYaml.ToJsonObject(a.Pod);
            var meta = (JsonObject)pod["metadata"]!;
            meta.Remove("name");
            meta.Remove("namespace");
            templates.Add(new JsonObject
            {
                ["name"] = a.Name,
                ["label"] = a.Label,
                ["namespace"] = ns,
                ["serviceAccount"] = JenkinsBundle.AgentServiceAccount,
                ["nodeUsageMode"] = "EXCLUSIVE",
                ["idleMinutes"] = 0,
                ["yaml"] = KoYaml.Write([pod]),
            });
        }
        var root = new JsonObject
        {
            ["jenkins"] = new JsonObject
            {
                ["systemMessage"] = "Configured as code by KubeOpsPS Install-KoJenkins: changes in the UI are lost on restart.",
                ["numExecutors"] = 0,
                ["mode"] = "EXCLUSIVE",
                ["slaveAgentPort"] = -1,
                ["securityRealm"] = new JsonObject
                {
                    ["local"] = new JsonObject
                    {
                        ["allowsSignup"] = false,
                        ["users"] = new JsonArray(new JsonObject { ["id"] = "${JENKINS_ADMIN_ID}", ["password"] = "${JENKINS_ADMIN_PASSWORD}" }),
                    },
                },
                ["authorizationStrategy"] = new JsonObject { ["loggedInUsersCanDoAnything"] = new JsonObject { ["allowAnonymousRead"] = false } },
                ["clouds"] = new JsonArray(new JsonObject
                {
                    ["kubernetes"] = new JsonObject
                    {
                        ["name"] = "kubernetes",
                        ["namespace"] = ns,
                        ["jenkinsUrl"] = internalUrl,
                        ["webSocket"] = true,
                        ["containerCapStr"] = "10",
                        ["templates"] = templates,
                    },
                }),
            },
        };
        if (publicUrl is not null) root["unclassified"] = new JsonObject { ["location"] = new JsonObject { ["url"] = publicUrl } };
        return KoYaml.Write([root]);
    }

    private static V1Container Tool(string name, string image, V1EnvVar home) => new()
    {
        Name = name, Image = image, Command = ["sleep"], Args = ["infinity"], Env = [new V1EnvVar { Name = home.Name, Value = home.Value }],
        SecurityContext = JenkinsBundle.Restricted(),
    };

    private static V1Pod Pod(string ns, string name, V1Container tool) => new()
    {
        ApiVersion = "v1", Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = $"agent-{name}", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["jenkins/agent"] = name } },
        Spec = new V1PodSpec
        {
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = true, RunAsUser = JenkinsBundle.Uid, RunAsGroup = JenkinsBundle.Uid, FsGroup = JenkinsBundle.Uid,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            Containers =
            [
                // The plugin's own agent container, pinned and held to the same rules (merged by name).
                new V1Container { Name = "jnlp", Image = Images.JenkinsInboundAgent.Reference, SecurityContext = JenkinsBundle.Restricted(), Env = [new V1EnvVar { Name = "HOME", Value = WorkDir }] },
                tool,
            ],
        },
    };
}
