using k8s;
using k8s.Models;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Logging;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;
using YamlDotNet.RepresentationModel;

namespace KubeOpsPS.Tests.Logging;

public class LoggingBundleTests
{
    internal static readonly LoggingCredentials Creds = new("ElasticPw0123456789", "KibanaPw0123456789", "ShipperPw0123456789");

    internal static IReadOnlyList<object> Bundle(LoggingOptions? o = null) => LoggingBundle.Build((o ?? new LoggingOptions()) with { Credentials = (o ?? new LoggingOptions()).Credentials ?? Creds });

    private static T One<T>(IReadOnlyList<object> bundle, string? name = null) where T : IKubernetesObject<V1ObjectMeta> =>
        bundle.OfType<T>().Single(x => name is null || x.Metadata.Name == name);

    internal static Dictionary<string, string> YamlMap(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return ((YamlMappingNode)stream.Documents[0].RootNode).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);
    }

    private static string? SecretKeyOf(V1Container c, string env) => c.Env.Single(e => e.Name == env).ValueFrom?.SecretKeyRef is { } r && r.Name == LoggingBundle.SecretName ? r.Key : null;

    [Fact]
    public void BuildsTheDefaultStackInOneNamespace()
    {
        var bundle = Bundle();
        Assert.Equal(
            ["Namespace", "Secret", "ConfigMap", "Service", "Service", "StatefulSet", "ConfigMap", "Job", "Deployment", "Service", "ConfigMap", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "DaemonSet"],
            bundle.Select(o => KoYaml.ToJsonObject(o)["kind"]!.GetValue<string>()));
        Assert.Equal("kubeops-logging", One<V1Namespace>(bundle).Metadata.Name);
        Assert.All(bundle.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not (V1Namespace or V1ClusterRole or V1ClusterRoleBinding)),
            o => Assert.Equal("kubeops-logging", o.Metadata.NamespaceProperty));
        var secret = One<V1Secret>(bundle);
        Assert.Equal("elasticsearch-credentials", secret.Metadata.Name);
        Assert.Equal(Creds.Elastic, secret.StringData["elastic-password"]);
        Assert.Equal(Creds.Kibana, secret.StringData["kibana-password"]);
        Assert.Equal(Creds.Shipper, secret.StringData["shipper-password"]);
        Assert.Empty(bundle.OfType<V1Ingress>());
    }

    [Fact]
    public void LeavesAnExistingSecretAlone()
    {
        var bundle = LoggingBundle.Build(new LoggingOptions());
        Assert.Empty(bundle.OfType<V1Secret>());
        Assert.DoesNotContain("hidden", Creds.Elastic);
        Assert.DoesNotContain(Creds.Elastic, Creds.ToString());
    }

    [Fact]
    public void RunsElasticsearchAsAStatefulSetWithAClaimConfigAndHeap()
    {
        var bundle = Bundle(new LoggingOptions { StorageClass = "nfs", StorageSize = "50Gi", Memory = "4Gi", Heap = "1536Mi" });
        var set = One<V1StatefulSet>(bundle);
        Assert.Equal("elasticsearch", set.Metadata.Name);
        Assert.Equal(1, set.Spec.Replicas);
        Assert.Equal("elasticsearch-nodes", set.Spec.ServiceName);
        var claim = Assert.Single(set.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Equal("nfs", claim.Spec.StorageClassName);
        Assert.Equal("50Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("Retain", set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        var pod = set.Spec.Template.Spec;
        var es = Assert.Single(pod.Containers);
        Assert.Equal(Images.Elasticsearch.Reference, es.Image);
        Assert.Equal("docker.elastic.co/elasticsearch/elasticsearch:9.5.5", es.Image);
        Assert.Equal("-Xms1536m -Xmx1536m", es.Env.Single(e => e.Name == "ES_JAVA_OPTS").Value);
        Assert.Equal("4Gi", es.Resources.Limits["memory"].ToString());
        Assert.Equal("4Gi", es.Resources.Requests["memory"].ToString());
        Assert.Equal("elastic-password", SecretKeyOf(es, "ELASTIC_PASSWORD"));
        Assert.Equal([9200, 9300], es.Ports.Select(p => p.ContainerPort));
        Assert.Equal(9200, es.ReadinessProbe.TcpSocket.Port.Value == "9200" ? 9200 : -1);
        Assert.Contains(es.VolumeMounts, m => m.Name == "data" && m.MountPath == "/usr/share/elasticsearch/data");
        Assert.Contains(es.VolumeMounts, m => m.Name == "config" && m.SubPath == "elasticsearch.yml" && m.MountPath == "/usr/share/elasticsearch/config/elasticsearch.yml");
        Assert.Contains(es.VolumeMounts, m => m.Name == "config" && m.SubPath == "log4j2.properties" && m.MountPath == "/usr/share/elasticsearch/config/log4j2.properties");
        Assert.Equal("elasticsearch-config", pod.Volumes.Single(v => v.Name == "config").ConfigMap.Name);
        var init = Assert.Single(pod.InitContainers);
        Assert.True(init.SecurityContext.Privileged);
        Assert.Equal(["sh", "-c", "sysctl -w vm.max_map_count=262144"], init.Command);
        Assert.Equal(1000, pod.SecurityContext.FsGroup);
        Assert.Equal(10, set.Spec.Template.Metadata.Annotations[LoggingBundle.ConfigHashAnnotation].Length);

        var headless = One<V1Service>(bundle, "elasticsearch-nodes");
        Assert.Equal("None", headless.Spec.ClusterIP);
        var svc = One<V1Service>(bundle, "elasticsearch");
        Assert.Equal("elasticsearch", svc.Metadata.Labels["app.kubernetes.io/name"]);
        Assert.Equal(9200, Assert.Single(svc.Spec.Ports).Port);
        Assert.Equal(set.Spec.Selector.MatchLabels, svc.Spec.Selector);
    }

    [Theory]
    [InlineData("2Gi", null, 1024)]
    [InlineData("3Gi", null, 1536)]
    [InlineData("1Gi", "1Gi", 1024)]
    [InlineData("4G", "2G", 1907)]
    public void TakesHalfTheMemoryAsHeapUnlessTold(string memory, string? heap, long mib) => Assert.Equal(mib, LoggingBundle.HeapMiB(memory, heap));

    [Fact]
    public void AConfigurationChangeRollsElasticsearch()
    {
        string Hash(LoggingOptions o) => One<V1StatefulSet>(Bundle(o)).Spec.Template.Metadata.Annotations[LoggingBundle.ConfigHashAnnotation];
        Assert.Equal(Hash(new LoggingOptions()), Hash(new LoggingOptions()));
        Assert.NotEqual(Hash(new LoggingOptions()), Hash(new LoggingOptions { CorsAllowOrigin = "https://grafana.example.com" }));
    }

    [Fact]
    public void WritesElasticsearchYmlWithSecurityOnAndCorsOff()
    {
        var cm = One<V1ConfigMap>(Bundle(), "elasticsearch-config");
        var yml = YamlMap(cm.Data["elasticsearch.yml"]);
        Assert.Equal("single-node", yml["discovery.type"]);
        Assert.Equal("true", yml["xpack.security.enabled"]);
        Assert.Equal("false", yml["xpack.security.http.ssl.enabled"]);
        Assert.Equal("/usr/share/elasticsearch/data", yml["path.data"]);
        Assert.Equal("0.0.0.0", yml["network.host"]);
        Assert.DoesNotContain(yml.Keys, k => k.StartsWith("http.cors", StringComparison.Ordinal));
        Assert.DoesNotContain(yml.Keys, k => k.StartsWith("xpack.security.authc.anonymous", StringComparison.Ordinal));
    }

    [Fact]
    public void TurnsOnCorsForTheOriginGivenAndAnonymousListingWhenAsked()
    {
        var bundle = Bundle(new LoggingOptions { CorsAllowOrigin = "https://grafana.example.com", AllowIndexListing = true });
        var yml = YamlMap(One<V1ConfigMap>(bundle, "elasticsearch-config").Data["elasticsearch.yml"]);
        Assert.Equal("true", yml["http.cors.enabled"]);
        Assert.Equal("https://grafana.example.com", yml["http.cors.allow-origin"]);
        Assert.Equal("kubeops_index_monitor", yml["xpack.security.authc.anonymous.roles"]);
        var setup = One<V1ConfigMap>(bundle, "elasticsearch-setup");
        Assert.Contains("monitor-role.json", setup.Data.Keys);
        Assert.Contains("/_security/role/kubeops_index_monitor", setup.Data["setup.sh"]);
    }

    [Fact]
    public void Log4j2LogsToTheConsoleOnly()
    {
        var props = One<V1ConfigMap>(Bundle(), "elasticsearch-config").Data["log4j2.properties"]
            .Split('\n').Where(l => l.Length > 0).ToDictionary(l => l.Split(" = ", 2)[0], l => l.Split(" = ", 2)[1]);
        Assert.Equal("Console", props["appender.console.type"]);
        Assert.Equal("console", props["rootLogger.appenderRef.console.ref"]);
        Assert.DoesNotContain(props, p => p.Value is "RollingFile" or "File");
        // Every appender a logger refers to is defined.
        var defined = props.Where(p => p.Key.EndsWith(".name", StringComparison.Ordinal) && p.Key.StartsWith("appender.", StringComparison.Ordinal)).Select(p => p.Value).ToHashSet();
        Assert.All(props.Where(p => p.Key.EndsWith(".ref", StringComparison.Ordinal)), p => Assert.Contains(p.Value, defined));
    }

    [Fact]
    public void ConfiguresKibanaForTheSubPathWithoutTheSeedsObsoleteSettings()
    {
        var bundle = Bundle(new LoggingOptions { KibanaPath = "/logs/kibana" });
        var kibana = One<V1Deployment>(bundle, "kibana");
        var c = Assert.Single(kibana.Spec.Template.Spec.Containers);
        Assert.Equal("docker.elastic.co/kibana/kibana:9.5.5", c.Image);
        var env = c.Env.Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("http://elasticsearch.kubeops-logging.svc:9200", env["ELASTICSEARCH_HOSTS"]);
        Assert.Equal("kibana_system", env["ELASTICSEARCH_USERNAME"]);
        Assert.Equal("kibana-password", SecretKeyOf(c, "ELASTICSEARCH_PASSWORD"));
        Assert.Equal("/logs/kibana", env["SERVER_BASEPATH"]);
        Assert.Equal("true", env["SERVER_REWRITEBASEPATH"]);
        Assert.False(env.ContainsKey("SERVER_PUBLICBASEURL")); // no Ingress: no public address known
        Assert.DoesNotContain(c.Env, e => e.Name is "ELASTICSEARCH_URL" or "KIBANA_BASE_URL");
        Assert.Equal(5601, Assert.Single(One<V1Service>(bundle, "kibana").Spec.Ports).Port);
        Assert.DoesNotContain("add-base-url", KoYaml.Write(bundle));
        Assert.DoesNotContain("/api/v1/proxy", KoYaml.Write(bundle));
    }

    [Theory]
    [InlineData(IngressController.NginxInc, "nginx.org/basic-auth-secret")]
    [InlineData(IngressController.IngressNginx, "nginx.ingress.kubernetes.io/auth-secret")]
    public void ExposesKibanaThroughTheIngressBuilderWithTlsAndBasicAuth(IngressController controller, string authAnnotation)
    {
        var exposure = new IngressExposure("logs.example.com", "logs-tls", "logs-auth", "nginx", controller);
        var bundle = Bundle(new LoggingOptions { Ingress = exposure });
        var ing = One<V1Ingress>(bundle);
        Assert.Equal("kibana", ing.Metadata.Name);
        Assert.Equal("nginx", ing.Spec.IngressClassName);
        var rule = Assert.Single(ing.Spec.Rules);
        Assert.Equal("logs.example.com", rule.Host);
        var path = Assert.Single(rule.Http.Paths);
        Assert.Equal("/kibana", path.Path);
        Assert.Equal("Prefix", path.PathType); // no rewrite: Kibana serves under its base path
        Assert.Equal("kibana", path.Backend.Service.Name);
        Assert.Equal(5601, path.Backend.Service.Port.Number);
        Assert.Equal("logs-tls", Assert.Single(ing.Spec.Tls).SecretName);
        Assert.Equal("logs-auth", ing.Metadata.Annotations[authAnnotation]);
        var env = One<V1Deployment>(bundle, "kibana").Spec.Template.Spec.Containers[0].Env;
        Assert.Equal("https://logs.example.com/kibana", env.Single(e => e.Name == "SERVER_PUBLICBASEURL").Value);
        Assert.Equal("http://logs.example.com/kibana", One<V1Deployment>(Bundle(new LoggingOptions { Ingress = new IngressExposure("logs.example.com") }), "kibana")
            .Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "SERVER_PUBLICBASEURL").Value);
    }

    [Fact]
    public void SetsUpThePolicyTemplateAndUsersWithAJobThatChangesWithTheConfiguration()
    {
        var bundle = Bundle(new LoggingOptions { RetentionDays = 30 });
        var setup = One<V1ConfigMap>(bundle, "elasticsearch-setup");
        var policy = System.Text.Json.Nodes.JsonNode.Parse(setup.Data["ilm-policy.json"])!;
        Assert.Equal("30d", policy["policy"]!["phases"]!["delete"]!["min_age"]!.GetValue<string>());
        Assert.NotNull(policy["policy"]!["phases"]!["delete"]!["actions"]!["delete"]);
        var template = System.Text.Json.Nodes.JsonNode.Parse(setup.Data["index-template.json"])!;
        Assert.Equal("k8s-logs-*", template["index_patterns"]![0]!.GetValue<string>());
        Assert.Equal("kubeops-logs", template["template"]!["settings"]!["index.lifecycle.name"]!.GetValue<string>());
        Assert.Equal(0, template["template"]!["settings"]!["index.number_of_replicas"]!.GetValue<int>());
        var role = System.Text.Json.Nodes.JsonNode.Parse(setup.Data["writer-role.json"])!;
        Assert.Equal("k8s-logs-*", role["indices"]![0]!["names"]![0]!.GetValue<string>());
        Assert.DoesNotContain("all", role["indices"]![0]!["privileges"]!.AsArray().Select(p => p!.GetValue<string>()));

        var job = One<V1Job>(bundle);
        Assert.StartsWith("elasticsearch-setup-", job.Metadata.Name);
        Assert.Equal("OnFailure", job.Spec.Template.Spec.RestartPolicy);
        var c = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal(Images.Elasticsearch.Reference, c.Image); // it has curl
        Assert.Equal(["sh", "/setup/setup.sh"], c.Command);
        Assert.Equal("elastic-password", SecretKeyOf(c, "ELASTIC_PASSWORD"));
        Assert.Equal("kibana-password", SecretKeyOf(c, "KIBANA_PASSWORD"));
        Assert.Equal("shipper-password", SecretKeyOf(c, "SHIPPER_PASSWORD"));
        Assert.Equal("elasticsearch-setup", job.Spec.Template.Spec.Volumes.Single().ConfigMap.Name);
        Assert.Equal(job.Metadata.Name, One<V1Job>(Bundle(new LoggingOptions { RetentionDays = 30 })).Metadata.Name);
        Assert.NotEqual(job.Metadata.Name, One<V1Job>(Bundle(new LoggingOptions { RetentionDays = 7 })).Metadata.Name);
        Assert.DoesNotContain(Creds.Elastic, KoYaml.Write([setup, job]));
    }

    [Fact]
    public void ShipsWithFluentBitByDefault()
    {
        var bundle = Bundle();
        var ds = One<V1DaemonSet>(bundle);
        Assert.Equal("fluent-bit", ds.Metadata.Name);
        var pod = ds.Spec.Template.Spec;
        Assert.Equal("fluent-bit", pod.ServiceAccountName);
        var c = Assert.Single(pod.Containers);
        Assert.Equal("cr.fluentbit.io/fluent/fluent-bit:5.1.2", c.Image);
        Assert.Equal(["-c", "/fluent-bit/etc/kubeops/fluent-bit.yaml"], c.Args);
        Assert.Equal("shipper-password", SecretKeyOf(c, "ES_PASSWORD"));
        Assert.Contains(c.VolumeMounts, m => m.Name == "varlog" && m.MountPath == "/var/log" && m.ReadOnlyProperty == true);
        Assert.Contains(c.VolumeMounts, m => m.Name == "state" && m.MountPath == ShipperConfig.StatePath);
        Assert.Equal("/var/log", pod.Volumes.Single(v => v.Name == "varlog").HostPath.Path);
        Assert.Equal("/var/lib/kubeops-logging/fluent-bit", pod.Volumes.Single(v => v.Name == "state").HostPath.Path);
        Assert.Equal("fluent-bit-config", pod.Volumes.Single(v => v.Name == "config").ConfigMap.Name);
        var role = One<V1ClusterRole>(bundle);
        Assert.Equal("kubeops-logging-fluent-bit", role.Metadata.Name);
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["pods", "namespaces"], rule.Resources);
        Assert.Equal(["get", "list", "watch"], rule.Verbs);
        var binding = One<V1ClusterRoleBinding>(bundle);
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        Assert.Equal(("fluent-bit", "kubeops-logging"), (binding.Subjects[0].Name, binding.Subjects[0].NamespaceProperty));
    }

    [Fact]
    public void ShipsWithFluentdWhenAsked()
    {
        var bundle = Bundle(new LoggingOptions { Shipper = LogShipper.Fluentd });
        var ds = One<V1DaemonSet>(bundle);
        Assert.Equal("fluentd", ds.Metadata.Name);
        var c = ds.Spec.Template.Spec.Containers[0];
        Assert.Equal("fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch9-1.1", c.Image);
        Assert.Contains(c.VolumeMounts, m => m.Name == "config" && m.MountPath == "/fluentd/etc/fluent.conf" && m.SubPath == "fluent.conf");
        Assert.Equal("/var/lib/kubeops-logging/fluentd", ds.Spec.Template.Spec.Volumes.Single(v => v.Name == "state").HostPath.Path);
        Assert.Contains("fluent.conf", One<V1ConfigMap>(bundle, "fluentd-config").Data.Keys);
        Assert.DoesNotContain(bundle.OfType<V1ConfigMap>(), m => m.Metadata.Name == "fluent-bit-config");
    }

    [Theory]
    [InlineData("Memory", "ten", "-Memory")]
    [InlineData("Memory", "256Mi", "-Memory")]
    [InlineData("Heap", "3Gi", "-Heap")]
    [InlineData("Heap", "lots", "-Heap")]
    [InlineData("Heap", "100Mi", "-Heap")]
    [InlineData("RetentionDays", "0", "-RetentionDays")]
    [InlineData("RetentionDays", "-3", "-RetentionDays")]
    [InlineData("RetentionDays", "99999", "-RetentionDays")]
    [InlineData("KibanaPath", "kibana", "-KibanaPath")]
    [InlineData("KibanaPath", "/kibana/", "-KibanaPath")]
    [InlineData("KibanaPath", "/", "-KibanaPath")]
    [InlineData("KibanaPath", "/ki bana", "-KibanaPath")]
    [InlineData("KibanaPath", "", "-KibanaPath")]
    [InlineData("StorageSize", "20GB", "-StorageSize")]
    [InlineData("StorageSize", "0", "-StorageSize")]
    [InlineData("StorageClass", "Bad Class", "-StorageClass")]
    [InlineData("Namespace", "Logging_NS", "-Namespace")]
    [InlineData("CorsAllowOrigin", "https://a.example.com https://b.example.com", "-CorsAllowOrigin")]
    [InlineData("CorsAllowOrigin", "", "-CorsAllowOrigin")]
    public void RefusesBadInputNamingTheParameter(string property, string value, string field)
    {
        var o = new LoggingOptions { Memory = "2Gi" };
        o = property switch
        {
            "Memory" => o with { Memory = value },
            "Heap" => o with { Heap = value },
            "RetentionDays" => o with { RetentionDays = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            "KibanaPath" => o with { KibanaPath = value },
            "StorageSize" => o with { StorageSize = value },
            "StorageClass" => o with { StorageClass = value },
            "Namespace" => o with { Namespace = value },
            "CorsAllowOrigin" => o with { CorsAllowOrigin = value },
            _ => throw new ArgumentException(property),
        };
        var e = Assert.Throws<KoValidationException>(() => Bundle(o));
        Assert.Equal(field, e.Field);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void SaysWhyAHeapAboveTheLimitIsRefused()
    {
        var e = Assert.Throws<KoValidationException>(() => Bundle(new LoggingOptions { Memory = "2Gi", Heap = "4Gi" }));
        Assert.Contains("larger than the container's memory limit", e.Message);
        Assert.NotNull(e.Hint);
        var slash = Assert.Throws<KoValidationException>(() => Bundle(new LoggingOptions { KibanaPath = "kibana" }));
        Assert.Contains("must start with '/'", slash.Message);
    }

    [Fact]
    public void RefusesPasswordsThatAreNotLettersAndDigits()
    {
        var e = Assert.Throws<KoValidationException>(() => LoggingBundle.Build(new LoggingOptions { Credentials = new LoggingCredentials("a\"b", "x", "y") }));
        Assert.DoesNotContain("a\"b", e.Message);
        Assert.Equal("(hidden)", e.Value);
    }
}
