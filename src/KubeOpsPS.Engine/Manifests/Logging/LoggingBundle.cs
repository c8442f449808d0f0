using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Workloads;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Logging;

/// <summary>
/// Builds the logging stack of <see cref="LoggingOptions"/> in dependency order: namespace, credentials Secret,
/// configuration, Elasticsearch (StatefulSet with a claim from a StorageClass), its setup Job (passwords, lifecycle
/// policy, index template, roles), Kibana on a sub-path, the shipper DaemonSet with its RBAC, and an Ingress.
/// </summary>
public static class LoggingBundle
{
    public const string DefaultNamespace = "kubeops-logging";
    public const string SecretName = "elasticsearch-credentials";
    public const string ElasticKey = "elastic-password";
    public const string KibanaKey = "kibana-password";
    public const string ShipperKey = "shipper-password";
    public const string ElasticsearchName = "elasticsearch";
    public const string KibanaName = "kibana";
    public const string DataPath = "/usr/share/elasticsearch/data";
    public const string ConfigHashAnnotation = "logging.kubeops.io/config-hash";
    public const int ElasticsearchPort = 9200;
    public const int KibanaPort = 5601;
    public const int MaxRetentionDays = 3650;

    private const string PartOf = "kubeops-logging";
    private const string Rbac = "rbac.authorization.k8s.io/v1";

    public static string ShipperName(LogShipper shipper) => shipper == LogShipper.Fluentd ? "fluentd" : "fluent-bit";

    public static IReadOnlyList<object> Build(LoggingOptions o)
    {
        var ns = Validate.Label(o.Namespace, "-Namespace");
        if (!Enum.IsDefined(o.Shipper)) throw Validate.Invalid("-Shipper", o.Shipper, $"-Shipper '{o.Shipper}' must be FluentBit or Fluentd.");
        var storageClass = o.StorageClass is null ? null : Validate.Subdomain(o.StorageClass, "-StorageClass");
        var size = Validate.Quantity(o.StorageSize, "-StorageSize");
        var heapMiB = HeapMiB(o.Memory, o.Heap);
        if (o.RetentionDays <= 0 || o.RetentionDays > MaxRetentionDays)
            throw Validate.Invalid("-RetentionDays", o.RetentionDays, $"-RetentionDays {o.RetentionDays} must be between 1 and {MaxRetentionDays}: it is how many days an index is kept before it is deleted.");
        var kibanaPath = KibanaPath(o.KibanaPath);
        if (o.CorsAllowOrigin is not null && (o.CorsAllowOrigin.Length == 0 || o.CorsAllowOrigin.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            throw Validate.Invalid("-CorsAllowOrigin", o.CorsAllowOrigin, $"-CorsAllowOrigin '{o.CorsAllowOrigin}' must be one origin such as https://grafana.example.com, or /regex/, without spaces.");
        if (o.Credentials is { } c && new[] { c.Elastic, c.Kibana, c.Shipper }.Any(p => string.IsNullOrEmpty(p) || p.Any(ch => !char.IsAsciiLetterOrDigit(ch))))
            throw Validate.Invalid("-Credentials", "(hidden)", "Generated passwords must be non-empty letters and digits.");

        var esHost = $"{ElasticsearchName}.{ns}.svc";
        var labels = Labels(ElasticsearchName);
        var objects = new List<object>
        {
            new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns, Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = PartOf } } },
        };
        if (o.Credentials is { } creds)
        {
            objects.Add(new V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Type = "Opaque",
                Metadata = Meta(SecretName, ns, labels),
                StringData = new Dictionary<string, string> { [ElasticKey] = creds.Elastic, [KibanaKey] = creds.Kibana, [ShipperKey] = creds.Shipper },
            });
        }

        // ---- Elasticsearch
        var esConfig = new V1ConfigMap
        {
            ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta("elasticsearch-config", ns, labels),
            Data = new Dictionary<string, string>
            {
                ["elasticsearch.yml"] = ElasticsearchConfig.ElasticsearchYml(o),
                ["log4j2.properties"] = ElasticsearchConfig.Log4j2Properties(),
            },
        };
        objects.Add(esConfig);
        var set = StatefulSetBuilder.Build(new StatefulSetOptions
        {
            Name = ElasticsearchName, Namespace = ns, Image = Images.Elasticsearch.Reference,
            Ports = [ElasticsearchPort, 9300],
            Env = new Dictionary<string, string> { ["ES_JAVA_OPTS"] = $"-Xms{heapMiB}m -Xmx{heapMiB}m" },
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = PartOf },
            Cpu = "500m", Memory = o.Memory, MemoryLimit = o.Memory,
            // Security is on, so an HTTP probe without a password gets 401; the port answering is the readiness signal.
            ReadinessProbe = $"tcp:{ElasticsearchPort}",
            VolumeClaimTemplates = [$"data={size}:{DataPath}"],
            StorageClass = storageClass,
            ServiceName = "elasticsearch-nodes",
        });
        var es = set.Spec.Template.Spec.Containers[0];
        es.Env.Add(SecretEnv("ELASTIC_PASSWORD", ElasticKey)); // the bootstrap password of the elastic user
        es.VolumeMounts.Add(new V1VolumeMount { Name = "config", MountPath = "/usr/share/elasticsearch/config/elasticsearch.yml", SubPath = "elasticsearch.yml", ReadOnlyProperty = true });
        es.VolumeMounts.Add(new V1VolumeMount { Name = "config", MountPath = "/usr/share/elasticsearch/config/log4j2.properties", SubPath = "log4j2.properties", ReadOnlyProperty = true });
        var esPod = set.Spec.Template.Spec;
        esPod.Volumes = [.. esPod.Volumes ?? [], new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = esConfig.Metadata.Name } }];
        esPod.SecurityContext = new V1PodSecurityContext { FsGroup = 1000, RunAsUser = 1000, RunAsGroup = 0 };
        // Elasticsearch needs vm.max_map_count >= 262144 on the node (mmapfs); a privileged init container sets it.
        esPod.InitContainers =
        [
            new V1Container
            {
                Name = "sysctl", Image = Images.Elasticsearch.Reference,
                Command = ["sh", "-c", "sysctl -w vm.max_map_count=262144"],
                SecurityContext = new V1SecurityContext { Privileged = true, RunAsUser = 0 },
            },
        ];
        // subPath mounts do not follow ConfigMap changes: a new hash rolls the pod when the configuration changes.
        set.Spec.Template.Metadata.Annotations = new Dictionary<string, string> { [ConfigHashAnnotation] = Hash(esConfig.Data.Values) };
        objects.Add(StatefulSetBuilder.HeadlessService(set));
        objects.Add(ServiceBuilder.Build(new ServiceOptions
        {
            Name = ElasticsearchName, Namespace = ns, Labels = labels,
            Selector = new Dictionary<string, string>(set.Spec.Selector.MatchLabels),
            Ports = [new ServicePortOptions(ElasticsearchPort, ElasticsearchPort, Name: "http")],
        }));
        objects.Add(set);

        // ---- One-time setup: passwords, lifecycle policy, template, roles
        var setupData = new Dictionary<string, string>
        {
            ["setup.sh"] = ElasticsearchConfig.SetupScript(o, ns),
            ["ilm-policy.json"] = ElasticsearchConfig.IlmPolicy(o.RetentionDays),
            ["index-template.json"] = ElasticsearchConfig.IndexTemplate(),
            ["writer-role.json"] = ElasticsearchConfig.WriterRoleJson(),
        };
        if (o.AllowIndexListing) setupData["monitor-role.json"] = ElasticsearchConfig.MonitorRoleJson();
        var setupLabels = Labels("elasticsearch-setup");
        objects.Add(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta("elasticsearch-setup", ns, setupLabels), Data = setupData });
        objects.Add(SetupJob(ns, setupLabels, Hash(setupData.Values)));

        // ---- Kibana
        var kibanaEnv = new Dictionary<string, string>
        {
            ["ELASTICSEARCH_HOSTS"] = $"http://{esHost}:{ElasticsearchPort}",
            ["ELASTICSEARCH_USERNAME"] = "kibana_system",
            ["SERVER_BASEPATH"] = kibanaPath,
            ["SERVER_REWRITEBASEPATH"] = "true",
        };
        if (o.Ingress is { } exposure)
            kibanaEnv["SERVER_PUBLICBASEURL"] = $"{(exposure.TlsSecretName is null ? "http" : "https")}://{exposure.Host}{kibanaPath}";
        var kibana = DeploymentBuilder.Build(new DeploymentOptions
        {
            Name = KibanaName, Namespace = ns, Image = Images.Kibana.Reference, Ports = [KibanaPort],
            Env = kibanaEnv,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = PartOf },
            Cpu = "250m", Memory = "1Gi", MemoryLimit = "2Gi",
            ReadinessProbe = $"tcp:{KibanaPort}",
        });
        kibana.Spec.Template.Spec.Containers[0].Env.Add(SecretEnv("ELASTICSEARCH_PASSWORD", KibanaKey));
        objects.Add(kibana);
        objects.Add(ServiceBuilder.Build(new ServiceOptions
        {
            Name = KibanaName, Namespace = ns, Labels = Labels(KibanaName),
            Selector = new Dictionary<string, string>(kibana.Spec.Selector.MatchLabels),
            Ports = [new ServicePortOptions(KibanaPort, KibanaPort, Name: "http")],
        }));

        // ---- Shipper
        objects.AddRange(Shipper(o.Shipper, ns, esHost));

        if (o.Ingress is { } ing)
            objects.Add(IngressBuilder.ForService(ing, KibanaName, ns, KibanaName, (IntOrString)KibanaPort, kibanaPath));
        return objects;
    }

    /// <summary>The JVM heap in MiB: <paramref name="heap"/>, or half of the container memory; never above it.</summary>
    public static long HeapMiB(string? memory, string? heap)
    {
        var limit = Validate.Quantity(memory, "-Memory").ToDecimal();
        const decimal MiB = 1024 * 1024;
        if (limit < 512 * MiB) throw Validate.Invalid("-Memory", memory, $"-Memory '{memory}' is too small for Elasticsearch: give at least 512Mi (2Gi or more for real use).");
        if (heap is null) return (long)Math.Floor(limit / 2 / MiB);
        var h = Validate.Quantity(heap, "-Heap").ToDecimal();
        if (h > limit)
            throw Validate.Invalid("-Heap", heap, $"-Heap '{heap}' is larger than the container's memory limit -Memory '{memory}': the JVM would be killed when the heap fills.",
                "Give a heap of at most half of -Memory (Elasticsearch needs the rest for the file cache), e.g. -Memory 4Gi -Heap 2Gi.");
        var mib = (long)Math.Floor(h / MiB);
        if (mib < 256) throw Validate.Invalid("-Heap", heap, $"-Heap '{heap}' is too small: Elasticsearch needs at least 256Mi of heap.");
        return mib;
    }

    /// <summary>Kibana's server.basePath: starts with '/', does not end with '/', is not '/' itself.</summary>
    public static string KibanaPath(string? path)
    {
        Validate.Required(path, "-KibanaPath");
        if (!path!.StartsWith('/'))
            throw Validate.Invalid("-KibanaPath", path, $"-KibanaPath '{path}' must start with '/': e.g. '/{path.Trim('/')}'.");
        if (path.Length == 1 || path.EndsWith('/'))
            throw Validate.Invalid("-KibanaPath", path, $"-KibanaPath '{path}' must name a sub-path without a trailing '/', e.g. /kibana (Kibana's server.basePath cannot end with '/').");
        return Validate.HttpPath(path, "-KibanaPath");
    }

    private static V1Job SetupJob(string ns, Dictionary<string, string> labels, string hash) => new()
    {
        ApiVersion = "batch/v1", Kind = "Job",
        // A Job's pod template cannot change: a new configuration gets a new Job (the hash), old ones go after a day.
        Metadata = Meta($"elasticsearch-setup-{hash}", ns, labels),
        Spec = new V1JobSpec
        {
            BackoffLimit = 6,
            TtlSecondsAfterFinished = 86400,
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                Spec = new V1PodSpec
                {
                    RestartPolicy = "OnFailure",
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "setup", Image = Images.Elasticsearch.Reference,
                            Command = ["sh", "/setup/setup.sh"],
                            Env = [SecretEnv("ELASTIC_PASSWORD", ElasticKey), SecretEnv("KIBANA_PASSWORD", KibanaKey), SecretEnv("SHIPPER_PASSWORD", ShipperKey)],
                            VolumeMounts = [new V1VolumeMount { Name = "setup", MountPath = "/setup", ReadOnlyProperty = true }],
                            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("32Mi") } },
                        },
                    ],
                    Volumes = [new V1Volume { Name = "setup", ConfigMap = new V1ConfigMapVolumeSource { Name = "elasticsearch-setup" } }],
                },
            },
        },
    };

    private static List<object> Shipper(LogShipper shipper, string ns, string esHost)
    {
        var name = ShipperName(shipper);
        var labels = Labels(name);
        var file = ShipperConfig.FileName(shipper);
        var config = new V1ConfigMap
        {
            ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta($"{name}-config", ns, labels),
            Data = new Dictionary<string, string> { [file] = ShipperConfig.Render(shipper, esHost) },
        };
        var clusterName = $"{ns}-{name}";
        var container = new V1Container
        {
            Name = name,
            Image = shipper == LogShipper.Fluentd ? Images.Fluentd.Reference : Images.FluentBit.Reference,
            Env = [SecretEnv("ES_PASSWORD", ShipperKey)],
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m"), ["memory"] = new(shipper == LogShipper.Fluentd ? "200Mi" : "64Mi") },
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(shipper == LogShipper.Fluentd ? "512Mi" : "256Mi") },
            },
            // Reads every pod's log files (root-owned on the node) and writes its buffer to the node's disk.
            SecurityContext = new V1SecurityContext { RunAsUser = 0, ReadOnlyRootFilesystem = shipper == LogShipper.FluentBit },
            VolumeMounts =
            [
                new V1VolumeMount { Name = "varlog", MountPath = "/var/log", ReadOnlyProperty = true },
                new V1VolumeMount { Name = "state", MountPath = ShipperConfig.StatePath },
                shipper == LogShipper.Fluentd
                    ? new V1VolumeMount { Name = "config", MountPath = "/fluentd/etc/fluent.conf", SubPath = file, ReadOnlyProperty = true }
                    : new V1VolumeMount { Name = "config", MountPath = "/fluent-bit/etc/kubeops", ReadOnlyProperty = true },
            ],
        };
        // fluentd's kubernetes_metadata filter watches only this node's pods when K8S_NODE_NAME is set; Fluent Bit's
        // kubernetes filter has no such setting, so it is not given the variable.
        if (shipper == LogShipper.Fluentd)
            container.Env.Add(new V1EnvVar { Name = "K8S_NODE_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "spec.nodeName" } } });
        if (shipper == LogShipper.FluentBit)
        {
            container.Args = ["-c", $"/fluent-bit/etc/kubeops/{file}"];
            container.Ports = [new V1ContainerPort { Name = "http", ContainerPort = 2020 }];
            container.LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = 2020 }, PeriodSeconds = 30 };
            container.ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/api/v1/health", Port = 2020 }, PeriodSeconds = 10 };
        }
        var ds = new V1DaemonSet
        {
            ApiVersion = "apps/v1", Kind = "DaemonSet", Metadata = Meta(name, ns, labels),
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [PodTemplateBuilder.NameLabel] = name } },
                UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = 1 } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = new Dictionary<string, string>(labels),
                        Annotations = new Dictionary<string, string> { [ConfigHashAnnotation] = Hash(config.Data.Values) },
                    },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = name,
                        PriorityClassName = "system-node-critical",
                        TerminationGracePeriodSeconds = 30,
                        // Every node's logs, control-plane nodes included.
                        Tolerations = [new V1Toleration { OperatorProperty = "Exists", Effect = "NoSchedule" }],
                        Containers = [container],
                        Volumes =
                        [
                            new V1Volume { Name = "varlog", HostPath = new V1HostPathVolumeSource { Path = "/var/log" } },
                            new V1Volume { Name = "state", HostPath = new V1HostPathVolumeSource { Path = $"{ShipperConfig.StatePath}/{name}", Type = "DirectoryOrCreate" } },
                            new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = config.Metadata.Name } },
                        ],
                    },
                },
            },
        };
        return
        [
            config,
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(name, ns, labels) },
            new V1ClusterRole
            {
                ApiVersion = Rbac, Kind = "ClusterRole", Metadata = new V1ObjectMeta { Name = clusterName, Labels = new Dictionary<string, string>(labels) },
                // Read-only: the metadata filter looks up each pod (labels) and its namespace.
                Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods", "namespaces"], Verbs = ["get", "list", "watch"] }],
            },
            new V1ClusterRoleBinding
            {
                ApiVersion = Rbac, Kind = "ClusterRoleBinding", Metadata = new V1ObjectMeta { Name = clusterName, Labels = new Dictionary<string, string>(labels) },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = clusterName },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns }],
            },
            ds,
        ];
    }

    private static Dictionary<string, string> Labels(string name) => new() { [PodTemplateBuilder.NameLabel] = name, ["app.kubernetes.io/part-of"] = PartOf };

    private static V1ObjectMeta Meta(string name, string ns, Dictionary<string, string> labels) => new() { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };

    private static V1EnvVar SecretEnv(string name, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = SecretName, Key = key } },
    };

    /// <summary>The first 10 hex digits of the SHA-256 of some texts (in order): a stable fingerprint of a configuration.</summary>
    private static string Hash(IEnumerable<string> texts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\0", texts))))[..10];
}
