using System.Security;
using System.Text;
using System.Text.Json;
using k8s.Models;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Workloads;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.CiCd;

/// <summary>
/// Builds a Jenkins controller for Kubernetes: a StatefulSet running as uid 1000 with a restrictive securityContext
/// and a claim for JENKINS_HOME, RBAC that only lets it run agent pods in its namespace, configuration as code
/// (JCasC: admin from a Secret, a Kubernetes cloud over WebSocket, pod templates for maven, nodejs, an image builder
/// with rootless BuildKit and a PowerShell deploy agent), pinned plugins, and optionally an Ingress.
/// </summary>
public static class JenkinsBundle
{
    public const string DefaultNamespace = "jenkins";
    public const string Name = "jenkins";
    public const string AgentServiceAccount = "jenkins-agent";
    public const string AdminSecret = "jenkins-admin";
    public const string RegistrySecret = "jenkins-registry";
    public const string CascConfigMap = "jenkins-casc";
    public const string PluginsConfigMap = "jenkins-plugins";
    public const int HttpPort = 8080;
    public const int Uid = 1000;

    /// <summary>
    /// The plugins, pinned as chart jenkins 5.9.53 pins them (values.yaml installPlugins); their dependencies are
    /// resolved by jenkins-plugin-cli against the controller's war.
    /// </summary>
    public static readonly IReadOnlyList<string> Plugins =
    [
        "kubernetes:4540.v612369217f87",
        "workflow-aggregator:608.v67378e9d3db_1",
        "git:5.10.1",
        "configuration-as-code:2115.vf6de120eef70",
    ];

    private const string Rbac = "rbac.authorization.k8s.io/v1";
    private const string CascDir = "/var/jenkins_config/casc";
    private const string PluginsDir = "/var/jenkins_config/plugins";
    private const string RefPlugins = "/usr/share/jenkins/ref/plugins";

    public static IReadOnlyList<object> Build(JenkinsOptions o)
    {
        var ns = Validate.Label(o.Namespace, "-Namespace");
        if (o.StorageClass is not null) Validate.Subdomain(o.StorageClass, "-StorageClass");
        var registry = o.Registry is null ? null : ParseRegistry(o.Registry);
        if (o.RegistryUser is not null && registry is null)
            throw Validate.Invalid("-RegistryCredential", o.RegistryUser, "-RegistryCredential needs -Registry: the credentials are stored for that registry's host.");
        var labels = new Dictionary<string, string> { [PodTemplateBuilder.NameLabel] = Name, ["app.kubernetes.io/part-of"] = "kubeops-cicd" };
        V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };

        var objects = new List<object>
        {
            new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } },
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(Name) },
            // Agents get their own account without any role: a pipeline's deploy step is granted rights where it deploys.
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(AgentServiceAccount) },
            new V1Role
            {
                ApiVersion = Rbac, Kind = "Role", Metadata = Meta($"{Name}-agents"),
                Rules =
                [
                    // The Kubernetes plugin starts, watches, execs into and deletes agent pods; nothing else.
                    new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"] },
                    new V1PolicyRule { ApiGroups = [""], Resources = ["pods/exec"], Verbs = ["create", "get"] },
                    new V1PolicyRule { ApiGroups = [""], Resources = ["pods/log"], Verbs = ["get", "list", "watch"] },
                    new V1PolicyRule { ApiGroups = [""], Resources = ["events"], Verbs = ["get", "list", "watch"] },
                ],
            },
            new V1RoleBinding
            {
                ApiVersion = Rbac, Kind = "RoleBinding", Metadata = Meta($"{Name}-agents"),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = $"{Name}-agents" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = Name, NamespaceProperty = ns }],
            },
        };
        if (o.AdminPassword is not null)
        {
            var user = Validate.Required(o.AdminUser, "-AdminCredential");
            if (o.AdminPassword.Length == 0) throw Validate.Invalid("-AdminCredential", user, "-AdminCredential has an empty password.");
            objects.Add(new V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Metadata = Meta(AdminSecret), Type = "Opaque",
                Data = new Dictionary<string, byte[]> { ["username"] = Encoding.UTF8.GetBytes(user), ["password"] = Utf8(o.AdminPassword) },
            });
        }
        if (registry is not null && o.RegistryPassword is not null)
            objects.Add(new V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Metadata = Meta(RegistrySecret), Type = "kubernetes.io/dockerconfigjson",
                Data = new Dictionary<string, byte[]> { [".dockerconfigjson"] = DockerConfigJson(registry.Host, Validate.Required(o.RegistryUser, "-RegistryCredential"), o.RegistryPassword) },
            });

        var url = o.Ingress is null ? null : $"{(o.Ingress.TlsSecretName is null ? "http" : "https")}://{o.Ingress.Host}/";
        var casc = JenkinsCascConfig.Render(ns, $"http://{Name}.{ns}.svc.cluster.local:{HttpPort}/", url, registry);
        var cm = Meta(CascConfigMap);
        objects.Add(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = cm, Data = new Dictionary<string, string> { ["jenkins.yaml"] = casc } });
        objects.Add(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta(PluginsConfigMap), Data = new Dictionary<string, string> { ["plugins.txt"] = string.Join("\n", Plugins) + "\n" } });

        var set = Controller(o, ns);
        objects.Add(ServiceBuilder.Build(new ServiceOptions
        {
            Name = Name, Namespace = ns, Selector = set.Spec.Selector.MatchLabels.AsReadOnly(), Labels = labels,
            Ports = [new ServicePortOptions(HttpPort, HttpPort, Name: "http")],
        }));
        objects.Add(StatefulSetBuilder.HeadlessService(set));
        objects.Add(set);
        if (o.Ingress is not null) objects.Add(IngressBuilder.ForService(o.Ingress, Name, ns, Name, HttpPort));
        return objects;
    }

    private static V1StatefulSet Controller(JenkinsOptions o, string ns)
    {
        var set = StatefulSetBuilder.Build(new StatefulSetOptions
        {
            Name = Name, Namespace = ns, Image = Images.Jenkins.Reference, Ports = [HttpPort],
            Env = new Dictionary<string, string>
            {
                // No setup wizard: JCasC configures security, the admin user and the cloud.
                ["JAVA_OPTS"] = "-Djenkins.install.runSetupWizard=false -XX:MaxRAMPercentage=70",
                ["CASC_JENKINS_CONFIG"] = CascDir,
            },
            Cpu = "500m", Memory = "1Gi", MemoryLimit = "3Gi",
            ReadinessProbe = $"http:{HttpPort}/login", LivenessProbe = $"http:{HttpPort}/login",
            VolumeClaimTemplates = [$"jenkins-home={o.StorageSize}:/var/jenkins_home"],
            StorageClass = o.StorageClass,
            ServiceName = $"{Name}-headless",
        });
        var spec = set.Spec.Template.Spec;
        var c = spec.Containers[0];
        spec.ServiceAccountName = Name;
        spec.SecurityContext = new V1PodSecurityContext
        {
            RunAsNonRoot = true, RunAsUser = Uid, RunAsGroup = Uid, FsGroup = Uid, FsGroupChangePolicy = "OnRootMismatch",
            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
        };
        c.Ports[0].Name = "http";
        c.SecurityContext = Restricted(readOnlyRoot: true);
        foreach (var (env, key) in new[] { ("JENKINS_ADMIN_ID", "username"), ("JENKINS_ADMIN_PASSWORD", "password") })
            c.Env.Add(new V1EnvVar { Name = env, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = AdminSecret, Key = key } } });
        // Jenkins takes minutes on first start (plugins, war unpacking): the startup probe holds the others back.
        c.StartupProbe = PodTemplateBuilder.Probe($"http:{HttpPort}/login", "startupProbe");
        c.StartupProbe.FailureThreshold = 60;
        c.VolumeMounts.Add(new V1VolumeMount { Name = "casc", MountPath = CascDir, ReadOnlyProperty = true });
        c.VolumeMounts.Add(new V1VolumeMount { Name = "plugins", MountPath = RefPlugins });
        c.VolumeMounts.Add(new V1VolumeMount { Name = "tmp", MountPath = "/tmp" });
        spec.InitContainers =
        [
            new V1Container
            {
                Name = "install-plugins", Image = Images.Jenkins.Reference,
                Command = ["jenkins-plugin-cli", "--war", "/usr/share/jenkins/jenkins.war", "--plugin-file", $"{PluginsDir}/plugins.txt", "--plugin-download-directory", RefPlugins],
                Env = [new V1EnvVar { Name = "CACHE_DIR", Value = "/tmp/plugin-cache" }],
                SecurityContext = Restricted(readOnlyRoot: true),
                Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("256Mi") } },
                VolumeMounts =
                [
                    new V1VolumeMount { Name = "plugin-list", MountPath = PluginsDir, ReadOnlyProperty = true },
                    new V1VolumeMount { Name = "plugins", MountPath = RefPlugins },
                    new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
                ],
            },
        ];
        spec.Volumes =
        [
            new V1Volume { Name = "casc", ConfigMap = new V1ConfigMapVolumeSource { Name = CascConfigMap } },
            new V1Volume { Name = "plugin-list", ConfigMap = new V1ConfigMapVolumeSource { Name = PluginsConfigMap } },
            new V1Volume { Name = "plugins", EmptyDir = new V1EmptyDirVolumeSource() },
            new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
        ];
        return set;
    }

    /// <summary>The Pod Security "restricted" container settings: no privilege escalation, no capabilities, non-root.</summary>
    internal static V1SecurityContext Restricted(bool readOnlyRoot = false) => new()
    {
        AllowPrivilegeEscalation = false, RunAsNonRoot = true, ReadOnlyRootFilesystem = readOnlyRoot ? true : null,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };

    /// <summary>
    /// A registry to push to: host (DNS name, IP or localhost) with an optional port and repository path, optionally
    /// prefixed with https:// or http:// (plain HTTP: the build pushes with registry.insecure=true).
    /// </summary>
    public static RegistryTarget ParseRegistry(string? value)
    {
        const string Field = "-Registry";
        Validate.Required(value, Field);
        var text = value!.Trim();
        var insecure = false;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) insecure = true;
            else if (!text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                throw Validate.Invalid(Field, value, $"{Field} '{value}' is not a registry URL: use host[:port][/path], https://host or http://host.");
            text = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        }
        text = text.TrimEnd('/');
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? text : text[..slash];
        var path = slash < 0 ? null : text[(slash + 1)..];
        if (authority.Contains('@', StringComparison.Ordinal))
            throw Validate.Invalid(Field, "(a URL with credentials)", $"{Field} must not carry credentials: give them with -RegistryCredential.");
        var colon = authority.LastIndexOf(':');
        var host = colon < 0 ? authority : authority[..colon];
        Uri? uri = null;
        var ok = host.Length > 0 && (host == "localhost" || Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4) && !host.Contains('_', StringComparison.Ordinal)
            && (colon < 0 || (int.TryParse(authority[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535))
            && (path is null || (path.Length > 0 && path.Split('/').All(s => s.Length > 0 && s.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch is '.' or '_' or '-'))))
            && Uri.TryCreate($"https://{text}", UriKind.Absolute, out uri);
        if (!ok || uri is null)
            throw Validate.Invalid(Field, value, $"{Field} '{value}' is not a registry URL: use host[:port][/path] with a DNS name or IP address and a lower-case repository path, e.g. registry.example.com:5000/team.");
        return new RegistryTarget(authority.ToLowerInvariant(), path, insecure);
    }

    /// <summary>A .dockerconfigjson for one registry; the password is copied out of its SecureString only here.</summary>
    public static byte[] DockerConfigJson(string host, string user, SecureString password)
    {
        if (user.Contains(':', StringComparison.Ordinal)) throw Validate.Invalid("-RegistryCredential", user, "-RegistryCredential user name cannot contain ':'.");
        var chars = SecureStrings.ToChars(password);
        var pass = Encoding.UTF8.GetBytes(chars);
        var pair = Encoding.UTF8.GetBytes($"{user}:").Concat(pass).ToArray();
        try
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteStartObject("auths");
                w.WriteStartObject(host);
                w.WriteString("username", user);
                w.WriteString("password", chars);
                w.WriteBase64String("auth", pair);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }
            return stream.ToArray();
        }
        finally
        {
            Array.Clear(chars);
            Array.Clear(pass);
            Array.Clear(pair);
        }
    }

    private static byte[] Utf8(SecureString value)
    {
        var chars = SecureStrings.ToChars(value);
        try { return Encoding.UTF8.GetBytes(chars); }
        finally { Array.Clear(chars); }
    }
}
