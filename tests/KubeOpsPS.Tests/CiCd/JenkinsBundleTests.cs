using System.Net;
using System.Security;
using System.Text;
using System.Text.Json;
using k8s.Models;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Manifests.CiCd;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.CiCd;

public class JenkinsBundleTests
{
    private static SecureString Secure(string s) => new NetworkCredential("", s).SecurePassword;

    private static readonly JenkinsOptions Full = new()
    {
        Namespace = "ci", StorageClass = "nfs", StorageSize = "20Gi", AdminUser = "admin", AdminPassword = Secure("S3cret-pw"),
        Registry = "https://Registry.Example.com:5000/team", RegistryUser = "robot", RegistryPassword = Secure("R3g-pw"),
        Ingress = new IngressExposure("jenkins.example.com", "jenkins-tls"),
    };

    [Fact]
    public void BuildsTheBundleInDependencyOrder()
    {
        var kinds = JenkinsBundle.Build(Full).Select(o => KoYaml.ToJsonObject(o)["kind"]!.GetValue<string>() + " " + KoYaml.ToJsonObject(o)["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(["Namespace ci", "ServiceAccount jenkins", "ServiceAccount jenkins-agent", "Role jenkins-agents", "RoleBinding jenkins-agents", "Secret jenkins-admin", "Secret jenkins-registry",
            "ConfigMap jenkins-casc", "ConfigMap jenkins-plugins", "Service jenkins", "Service jenkins-headless", "StatefulSet jenkins", "Ingress jenkins"], kinds);
        var minimal = JenkinsBundle.Build(new JenkinsOptions());
        Assert.Equal(10, minimal.Count); // no secrets, no ingress
        Assert.DoesNotContain(minimal, o => o is V1Secret or V1Ingress);
        Assert.All(minimal.Skip(1), o => Assert.Equal("jenkins", KoYaml.ToJsonObject(o)["metadata"]!["namespace"]!.GetValue<string>()));
    }

    [Fact]
    public void RunsTheControllerAsNonRootWithAClaimAndJcasc()
    {
        var set = JenkinsBundle.Build(Full).OfType<V1StatefulSet>().Single();
        var pod = set.Spec.Template.Spec;
        Assert.Equal("jenkins", pod.ServiceAccountName);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(1000, pod.SecurityContext.RunAsUser);
        Assert.Equal(1000, pod.SecurityContext.FsGroup);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        var c = pod.Containers.Single();
        Assert.Equal(Images.Jenkins.Reference, c.Image);
        Assert.False(c.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(c.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], c.SecurityContext.Capabilities.Drop);
        Assert.Null(c.SecurityContext.Privileged);
        Assert.Equal("/var/jenkins_config/casc", c.Env.Single(e => e.Name == "CASC_JENKINS_CONFIG").Value);
        Assert.Contains("runSetupWizard=false", c.Env.Single(e => e.Name == "JAVA_OPTS").Value);
        Assert.Equal(("jenkins-admin", "password"), (c.Env.Single(e => e.Name == "JENKINS_ADMIN_PASSWORD").ValueFrom.SecretKeyRef.Name, c.Env.Single(e => e.Name == "JENKINS_ADMIN_PASSWORD").ValueFrom.SecretKeyRef.Key));
        Assert.Equal("/login", c.StartupProbe.HttpGet.Path);
        Assert.Equal(["/var/jenkins_home", "/var/jenkins_config/casc", "/usr/share/jenkins/ref/plugins", "/tmp"], c.VolumeMounts.Select(m => m.MountPath));
        var claim = set.Spec.VolumeClaimTemplates.Single();
        Assert.Equal("jenkins-home", claim.Metadata.Name);
        Assert.Equal("nfs", claim.Spec.StorageClassName);
        Assert.Equal("20Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("Retain", set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        var init = pod.InitContainers.Single();
        Assert.Equal("jenkins-plugin-cli", init.Command[0]);
        Assert.False(init.SecurityContext.AllowPrivilegeEscalation);
        Assert.DoesNotContain(pod.Volumes, v => v.HostPath is not null);
    }

    [Fact]
    public void LimitsRbacToAgentPodsInItsNamespace()
    {
        var bundle = JenkinsBundle.Build(Full);
        Assert.DoesNotContain(bundle, o => o is V1ClusterRole or V1ClusterRoleBinding);
        var role = bundle.OfType<V1Role>().Single();
        Assert.Equal("ci", role.Metadata.NamespaceProperty);
        Assert.Equal(["pods", "pods/exec", "pods/log", "events"], role.Rules.SelectMany(r => r.Resources));
        Assert.All(role.Rules, r => Assert.Equal([""], r.ApiGroups));
        Assert.DoesNotContain(role.Rules.SelectMany(r => r.Verbs), v => v == "*");
        var binding = bundle.OfType<V1RoleBinding>().Single();
        Assert.Equal(("ServiceAccount", "jenkins", "ci"), (binding.Subjects[0].Kind, binding.Subjects[0].Name, binding.Subjects[0].NamespaceProperty));
    }

    [Fact]
    public void StoresTheCredentialsInSecrets()
    {
        var secrets = JenkinsBundle.Build(Full).OfType<V1Secret>().ToDictionary(s => s.Metadata.Name);
        Assert.Equal("admin", Encoding.UTF8.GetString(secrets["jenkins-admin"].Data["username"]));
        Assert.Equal("S3cret-pw", Encoding.UTF8.GetString(secrets["jenkins-admin"].Data["password"]));
        Assert.Equal("kubernetes.io/dockerconfigjson", secrets["jenkins-registry"].Type);
        var auth = JsonDocument.Parse(secrets["jenkins-registry"].Data[".dockerconfigjson"]).RootElement.GetProperty("auths").GetProperty("registry.example.com:5000");
        Assert.Equal("robot", auth.GetProperty("username").GetString());
        Assert.Equal("R3g-pw", auth.GetProperty("password").GetString());
        Assert.Equal("robot:R3g-pw", Encoding.UTF8.GetString(Convert.FromBase64String(auth.GetProperty("auth").GetString()!)));
        // The configuration as code refers to the admin through environment variables, never by value.
        var casc = JenkinsBundle.Build(Full).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "jenkins-casc").Data["jenkins.yaml"];
        Assert.DoesNotContain("S3cret-pw", casc);
        Assert.Contains("${JENKINS_ADMIN_PASSWORD}", casc);
    }

    [Fact]
    public void ConfiguresTheCloudAndAgentsAsCode()
    {
        var text = JenkinsBundle.Build(Full).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "jenkins-casc").Data["jenkins.yaml"];
        var root = System.Text.Json.Nodes.JsonNode.Parse(YamlReader.ToJson(YamlReader.Split(text).Single(), "casc"))!;
        var k8s = root["jenkins"]!["clouds"]![0]!["kubernetes"]!;
        Assert.Equal("http://jenkins.ci.svc.cluster.local:8080/", k8s["jenkinsUrl"]!.GetValue<string>());
        Assert.True(k8s["webSocket"]!.GetValue<bool>());
        Assert.Equal(["maven", "nodejs", "buildkit", "kubeops"], k8s["templates"]!.AsArray().Select(t => t!["label"]!.GetValue<string>()));
        Assert.Equal("https://jenkins.example.com/", root["unclassified"]!["location"]!["url"]!.GetValue<string>());
        Assert.Equal(0, root["jenkins"]!["numExecutors"]!.GetValue<int>());
    }

    [Fact]
    public void BuildsImagesWithoutPrivilegeOrTheHostSocket()
    {
        var agents = JenkinsCascConfig.Agents("ci", JenkinsBundle.ParseRegistry("http://10.0.0.5:5000"));
        Assert.All(agents, a =>
        {
            Assert.True(a.Pod.Spec.SecurityContext.RunAsNonRoot);
            Assert.Null(a.Pod.Spec.HostNetwork);
            Assert.DoesNotContain(a.Pod.Spec.Volumes ?? [], v => v.HostPath is not null);
            Assert.All(a.Pod.Spec.Containers, c => Assert.NotEqual(true, c.SecurityContext.Privileged));
            Assert.Equal("jnlp", a.Pod.Spec.Containers[0].Name);
        });
        var build = agents.Single(a => a.Label == "buildkit").Pod.Spec.Containers.Single(c => c.Name == "buildkit");
        Assert.Equal(Images.BuildKitRootless.Reference, build.Image);
        Assert.Equal(1000, build.SecurityContext.RunAsUser);
        Assert.Equal("--oci-worker-no-process-sandbox", build.Env.Single(e => e.Name == "BUILDKITD_FLAGS").Value);
        Assert.Equal("10.0.0.5:5000", build.Env.Single(e => e.Name == "REGISTRY").Value);
        Assert.Equal("true", build.Env.Single(e => e.Name == "REGISTRY_INSECURE").Value);
        Assert.DoesNotContain(agents.SelectMany(a => a.Pod.Spec.Containers).Select(c => c.Image), i => i.Contains("kaniko") || i.Contains("docker:"));
    }

    [Fact]
    public void ExposesTheUiThroughTheIngressBuilder()
    {
        var ing = JenkinsBundle.Build(Full).OfType<V1Ingress>().Single();
        Assert.Equal("jenkins.example.com", ing.Spec.Rules[0].Host);
        Assert.Equal(("jenkins", 8080), (ing.Spec.Rules[0].Http.Paths[0].Backend.Service.Name, ing.Spec.Rules[0].Http.Paths[0].Backend.Service.Port.Number!.Value));
        Assert.Equal("jenkins-tls", ing.Spec.Tls[0].SecretName);
    }

    [Theory]
    [InlineData("registry.example.com", "registry.example.com", null, false)]
    [InlineData("https://registry.example.com:5000/team/app/", "registry.example.com:5000", "team/app", false)]
    [InlineData("http://localhost:5000", "localhost:5000", null, true)]
    [InlineData("10.0.0.5:5000/x", "10.0.0.5:5000", "x", false)]
    public void ParsesRegistries(string value, string host, string? path, bool insecure) =>
        Assert.Equal(new RegistryTarget(host, path, insecure), JenkinsBundle.ParseRegistry(value));

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("ftp://registry.example.com")]
    [InlineData("https://")]
    [InlineData("registry.example.com:99999")]
    [InlineData("registry.example.com:port")]
    [InlineData("https://user:pw@registry.example.com")]
    [InlineData("registry.example.com/Team")]
    [InlineData("registry.example.com//x")]
    [InlineData("under_score.example.com")]
    public void RefusesWhatIsNotARegistry(string value)
    {
        var e = Assert.Throws<KoValidationException>(() => JenkinsBundle.Build(new JenkinsOptions { Registry = value }));
        Assert.Equal("-Registry", e.Field);
        Assert.DoesNotContain("pw@", e.Message);
    }

    [Theory]
    [InlineData("Bad_NS", null, "8Gi", "-Namespace")]
    [InlineData("jenkins", "Bad Class", "8Gi", "-StorageClass")]
    [InlineData("jenkins", null, "lots", "-VolumeClaimTemplate")]
    public void RefusesBadOptions(string ns, string? storageClass, string size, string field) =>
        Assert.Equal(field, Assert.Throws<KoValidationException>(() => JenkinsBundle.Build(new JenkinsOptions { Namespace = ns, StorageClass = storageClass, StorageSize = size })).Field);

    [Fact]
    public void RefusesRegistryCredentialsWithoutARegistryAndEmptyPasswords()
    {
        Assert.Equal("-RegistryCredential", Assert.Throws<KoValidationException>(() => JenkinsBundle.Build(new JenkinsOptions { RegistryUser = "u", RegistryPassword = Secure("p") })).Field);
        Assert.Equal("-AdminCredential", Assert.Throws<KoValidationException>(() => JenkinsBundle.Build(new JenkinsOptions { AdminUser = "admin", AdminPassword = new SecureString() })).Field);
    }
}
