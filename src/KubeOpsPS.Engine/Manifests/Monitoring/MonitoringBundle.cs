using k8s.Models;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Workloads;
using KubeOpsPS.Engine.Validation;
using static KubeOpsPS.Engine.Manifests.Monitoring.MonitoringConfig;
using static KubeOpsPS.Engine.Manifests.Workloads.RbacBuilder;

namespace KubeOpsPS.Engine.Manifests.Monitoring;

/// <summary>
/// Builds the monitoring stack of <see cref="MonitoringOptions"/> in dependency order: node-exporter (DaemonSet on
/// every node), kube-state-metrics (Deployment with read-only RBAC), Prometheus and Alertmanager (StatefulSets
/// configured by ConfigMaps, lifecycle API on), Grafana (Deployment with provisioned datasource and dashboards), and
/// Ingresses when asked. Every config file lives in a ConfigMap key named like the file.
/// </summary>
public static class MonitoringBundle
{
    public const string DefaultNamespace = "monitoring";
    public const string Prometheus = "prometheus";
    public const string Alertmanager = "alertmanager";
    public const string Grafana = "grafana";
    public const string NodeExporter = "node-exporter";
    public const string KubeStateMetrics = "kube-state-metrics";
    public const string PrometheusConfigMap = "prometheus-config";
    public const string AlertmanagerConfigMap = "alertmanager-config";
    public const string AlertmanagerSecret = "alertmanager-smtp";
    public const string KubeletCaConfigMap = "prometheus-kubelet-ca";
    public const string GrafanaAdminSecret = "grafana-admin";
    public const string GrafanaDatasourcesConfigMap = "grafana-datasources";
    public const string GrafanaProvidersConfigMap = "grafana-dashboard-providers";
    public const string GrafanaDashboardsConfigMap = "grafana-dashboards";
    public const string PartOf = "kubeops-monitoring";

    public static IReadOnlyList<object> Build(MonitoringOptions o)
    {
        var ns = Validate.Label(o.Namespace, "-Namespace");
        if (o.StorageClass is not null) Validate.Subdomain(o.StorageClass, "-StorageClass");
        var retention = Validate.Duration(o.Retention, "-Retention");
        var size = Validate.Quantity(o.StorageSize, "-StorageSize").ToString();
        if (o.KubeletScrape == KubeletScrape.DirectWithCa && string.IsNullOrWhiteSpace(o.KubeletCaCertificate))
            throw Validate.Invalid("-CaFile", null, "-CaFile is required to scrape the kubelets directly with a CA: give the PEM file of the CA that signed their serving certificates.");
        if (o.KubeletCaCertificate is not null && !o.KubeletCaCertificate.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            throw Validate.Invalid("-CaFile", null, "-CaFile must be a PEM certificate file (-----BEGIN CERTIFICATE-----).");

        var objects = new List<object>
        {
            new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns, Labels = Labels(null) } },
        };
        objects.AddRange(NodeExporterObjects(ns));
        objects.AddRange(KubeStateMetricsObjects(ns));
        objects.AddRange(PrometheusObjects(o, ns, retention, size));
        objects.AddRange(AlertmanagerObjects(o, ns));
        objects.AddRange(GrafanaObjects(o, ns));
        if (o.Ingress is { } ingress)
        {
            objects.Add(IngressBuilder.ForService(ingress, Grafana, ns, Grafana, 3000, "/"));
            objects.Add(IngressBuilder.ForService(ingress, Prometheus, ns, Prometheus, 9090, PrometheusPrefix));
            objects.Add(IngressBuilder.ForService(ingress, Alertmanager, ns, Alertmanager, 9093, AlertmanagerPrefix));
        }
        return objects;
    }

    /// <summary>The files of the Prometheus ConfigMap: prometheus.yml, the rule files and the revision marker.</summary>
    public static Dictionary<string, string> PrometheusFiles(MonitoringOptions o, string ns)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { [PrometheusFile] = MonitoringConfig.Prometheus(o, ns) };
        if (o.DefaultRules) files[AlertRules.DefaultFile] = AlertRules.Render(AlertRules.DefaultGroup, AlertRules.Defaults);
        if (o.Rules.Count > 0) files[AlertRules.CustomFile] = AlertRules.Render(AlertRules.CustomGroup, o.Rules);
        return WithRevision(files);
    }

    /// <summary>A ConfigMap holding config files, one key per file.</summary>
    public static V1ConfigMap ConfigMap(string name, string ns, IReadOnlyDictionary<string, string> files, string component) => new()
    {
        ApiVersion = "v1", Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = Labels(component) },
        Data = files.ToDictionary(f => Validate.ConfigKey(f.Key, "-Path"), f => f.Value),
    };

    // ------------------------------------------------------------------ node-exporter

    private static IEnumerable<object> NodeExporterObjects(string ns)
    {
        var labels = Labels(NodeExporter);
        var container = new V1Container
        {
            Name = NodeExporter, Image = Images.NodeExporter.Reference,
            Args = ["--path.rootfs=/host/root", "--web.listen-address=:9100", "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/kubelet/.+)($|/)"],
            Ports = [new V1ContainerPort { Name = "metrics", ContainerPort = 9100 }],
            ReadinessProbe = PodTemplateBuilder.Probe("http:9100/", "node-exporter"),
            Resources = Resources("50m", "64Mi", "128Mi"),
            SecurityContext = new V1SecurityContext { ReadOnlyRootFilesystem = true, AllowPrivilegeEscalation = false, RunAsNonRoot = true, RunAsUser = 65534 },
            VolumeMounts = [new V1VolumeMount { Name = "root", MountPath = "/host/root", ReadOnlyProperty = true, MountPropagation = "HostToContainer" }],
        };
        yield return new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(NodeExporter, ns, labels), AutomountServiceAccountToken = false };
        yield return new V1DaemonSet
        {
            ApiVersion = "apps/v1", Kind = "DaemonSet", Metadata = Meta(NodeExporter, ns, labels),
            Spec = new V1DaemonSetSpec
            {
                Selector = Selector(NodeExporter),
                UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = 1 } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                    Spec = new V1PodSpec
                    {
                        ServiceAccountName = NodeExporter, AutomountServiceAccountToken = false,
                        // The host's network and process table, so the metrics are the node's, not the pod's.
                        HostNetwork = true, HostPID = true, DnsPolicy = "ClusterFirstWithHostNet",
                        PriorityClassName = "system-node-critical",
                        NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" },
                        // Every node, control plane and tainted nodes included.
                        Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
                        Containers = [container],
                        Volumes = [new V1Volume { Name = "root", HostPath = new V1HostPathVolumeSource { Path = "/" } }],
                    },
                },
            },
        };
        yield return Service(NodeExporter, ns, 9100, headless: true);
    }

    // ------------------------------------------------------------------ kube-state-metrics

    private static IEnumerable<object> KubeStateMetricsObjects(string ns)
    {
        var labels = Labels(KubeStateMetrics);
        foreach (var rbac in ServiceAccountWithClusterRole(KubeStateMetrics, ns, $"{ns}-{KubeStateMetrics}", labels,
            [
                Rule("", ["configmaps", "secrets", "nodes", "pods", "services", "serviceaccounts", "resourcequotas", "replicationcontrollers", "limitranges", "persistentvolumeclaims", "persistentvolumes", "namespaces", "endpoints"], "list", "watch"),
                Rule("apps", ["statefulsets", "daemonsets", "deployments", "replicasets"], "list", "watch"),
                Rule("batch", ["cronjobs", "jobs"], "list", "watch"),
                Rule("autoscaling", ["horizontalpodautoscalers"], "list", "watch"),
                Rule("policy", ["poddisruptionbudgets"], "list", "watch"),
                Rule("certificates.k8s.io", ["certificatesigningrequests"], "list", "watch"),
                Rule("discovery.k8s.io", ["endpointslices"], "list", "watch"),
                Rule("storage.k8s.io", ["storageclasses", "volumeattachments"], "list", "watch"),
                Rule("networking.k8s.io", ["networkpolicies", "ingresses", "ingressclasses"], "list", "watch"),
                Rule("coordination.k8s.io", ["leases"], "list", "watch"),
                Rule("admissionregistration.k8s.io", ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"], "list", "watch"),
            ]))
            yield return rbac;
        var deployment = DeploymentBuilder.Build(new DeploymentOptions
        {
            Name = KubeStateMetrics, Namespace = ns, Image = Images.KubeStateMetrics.Reference, Ports = [8080, 8081],
            Labels = labels, Cpu = "50m", Memory = "128Mi", MemoryLimit = "256Mi",
            ReadinessProbe = "http:8081/readyz", LivenessProbe = "http:8080/livez",
        });
        var pod = deployment.Spec.Template.Spec;
        pod.ServiceAccountName = KubeStateMetrics;
        pod.SecurityContext = NonRoot();
        pod.Containers[0].SecurityContext = Locked();
        yield return deployment;
        yield return Service(KubeStateMetrics, ns, 8080);
    }

    // ------------------------------------------------------------------ Prometheus

    private static IEnumerable<object> PrometheusObjects(MonitoringOptions o, string ns, string retention, string size)
    {
        var labels = Labels(Prometheus);
        foreach (var rbac in ServiceAccountWithClusterRole(Prometheus, ns, $"{ns}-{Prometheus}", labels,
            [
                // nodes/proxy: the kubelet metrics through the API server; nodes/metrics: straight from the kubelet.
                // No "endpoints": every job discovers through EndpointSlices (Endpoints is deprecated and warns on each request).
                Rule("", ["nodes", "nodes/proxy", "nodes/metrics", "services", "pods"], "get", "list", "watch"),
                Rule("discovery.k8s.io", ["endpointslices"], "get", "list", "watch"),
                new V1PolicyRule { NonResourceURLs = ["/metrics", "/metrics/cadvisor"], Verbs = ["get"] },
            ]))
            yield return rbac;
        yield return ConfigMap(PrometheusConfigMap, ns, PrometheusFiles(o, ns), Prometheus);
        if (o.KubeletCaCertificate is not null)
            yield return ConfigMap(KubeletCaConfigMap, ns, new Dictionary<string, string> { ["ca.crt"] = o.KubeletCaCertificate }, Prometheus);

        var external = ExternalUrl(o.Ingress, PrometheusPrefix);
        var set = StatefulSetBuilder.Build(new StatefulSetOptions
        {
            Name = Prometheus, Namespace = ns, Image = Images.Prometheus.Reference, Ports = [9090], Labels = labels,
            Cpu = "200m", Memory = "1Gi", MemoryLimit = "4Gi",
            ReadinessProbe = $"http:9090{PrometheusPrefix}/-/ready", LivenessProbe = $"http:9090{PrometheusPrefix}/-/healthy",
            VolumeClaimTemplates = [$"data={size}:/prometheus"], StorageClass = o.StorageClass,
        });
        var c = set.Spec.Template.Spec.Containers[0];
        c.Args =
        [
            $"--config.file={PrometheusConfigDir}/{PrometheusFile}",
            "--storage.tsdb.path=/prometheus",
            $"--storage.tsdb.retention.time={retention}",
            // POST /-/reload: Update-KoMonitoringConfig reloads after the new ConfigMap has reached the pod, and
            // confirms through the revision rule. --config.auto-reload (stable since 3.12) also picks up a ConfigMap
            // changed by other means (kubectl apply) within its 30s interval; the explicit reload stays the fast path.
            "--web.enable-lifecycle",
            "--config.auto-reload",
            $"--web.route-prefix={PrometheusPrefix}",
        ];
        if (external is not null) c.Args.Add($"--web.external-url={external}");
        c.SecurityContext = Locked();
        c.VolumeMounts.Add(new V1VolumeMount { Name = "config", MountPath = PrometheusConfigDir, ReadOnlyProperty = true });
        var volumes = new List<V1Volume> { new() { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = PrometheusConfigMap } } };
        if (o.KubeletCaCertificate is not null)
        {
            c.VolumeMounts.Add(new V1VolumeMount { Name = "kubelet-ca", MountPath = KubeletCaDir, ReadOnlyProperty = true });
            volumes.Add(new V1Volume { Name = "kubelet-ca", ConfigMap = new V1ConfigMapVolumeSource { Name = KubeletCaConfigMap } });
        }
        var pod = set.Spec.Template.Spec;
        pod.Volumes = volumes;
        pod.ServiceAccountName = Prometheus;
        pod.SecurityContext = NonRoot();
        pod.TerminationGracePeriodSeconds = 600; // Prometheus flushes its head block on shutdown
        yield return Service(Prometheus, ns, 9090, headless: true); // the StatefulSet's governing Service, also what clients use
        yield return set;
    }

    // ------------------------------------------------------------------ Alertmanager

    private static IEnumerable<object> AlertmanagerObjects(MonitoringOptions o, string ns)
    {
        var labels = Labels(Alertmanager);
        yield return ConfigMap(AlertmanagerConfigMap, ns, new Dictionary<string, string> { [AlertmanagerFile] = MonitoringConfig.Alertmanager(o) }, Alertmanager);
        if (o.SmtpCredential is { } cred)
        {
            yield return new V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Type = "Opaque", Metadata = Meta(AlertmanagerSecret, ns, labels),
                StringData = new Dictionary<string, string> { [SmtpPasswordKey] = cred.Password },
            };
        }
        var external = ExternalUrl(o.Ingress, AlertmanagerPrefix);
        var set = StatefulSetBuilder.Build(new StatefulSetOptions
        {
            Name = Alertmanager, Namespace = ns, Image = Images.Alertmanager.Reference, Ports = [9093], Labels = labels,
            Cpu = "50m", Memory = "64Mi", MemoryLimit = "256Mi",
            ReadinessProbe = $"http:9093{AlertmanagerPrefix}/-/ready", LivenessProbe = $"http:9093{AlertmanagerPrefix}/-/healthy",
            // Silences and the notification log survive a restart.
            VolumeClaimTemplates = ["data=1Gi:/alertmanager"], StorageClass = o.StorageClass,
        });
        var c = set.Spec.Template.Spec.Containers[0];
        c.Args =
        [
            $"--config.file={AlertmanagerConfigDir}/{AlertmanagerFile}",
            "--storage.path=/alertmanager",
            $"--web.route-prefix={AlertmanagerPrefix}",
            "--cluster.listen-address=", // one replica: no gossip
        ];
        if (external is not null) c.Args.Add($"--web.external-url={external}");
        c.SecurityContext = Locked();
        c.VolumeMounts.Add(new V1VolumeMount { Name = "config", MountPath = AlertmanagerConfigDir, ReadOnlyProperty = true });
        var volumes = new List<V1Volume> { new() { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = AlertmanagerConfigMap } } };
        if (o.SmtpCredential is not null)
        {
            c.VolumeMounts.Add(new V1VolumeMount { Name = "smtp", MountPath = AlertmanagerSecretDir, ReadOnlyProperty = true });
            volumes.Add(new V1Volume { Name = "smtp", Secret = new V1SecretVolumeSource { SecretName = AlertmanagerSecret, DefaultMode = 0x100 /* 0400 */ } });
        }
        var pod = set.Spec.Template.Spec;
        pod.Volumes = volumes;
        pod.SecurityContext = NonRoot();
        pod.AutomountServiceAccountToken = false;
        yield return Service(Alertmanager, ns, 9093, headless: true);
        yield return set;
    }

    // ------------------------------------------------------------------ Grafana

    private static IEnumerable<object> GrafanaObjects(MonitoringOptions o, string ns)
    {
        var labels = Labels(Grafana);
        if (o.GrafanaAdmin is { } admin)
        {
            yield return new V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Type = "Opaque", Metadata = Meta(GrafanaAdminSecret, ns, labels),
                StringData = new Dictionary<string, string> { ["admin-user"] = Validate.Required(admin.UserName, "-GrafanaCredential"), ["admin-password"] = admin.Password },
            };
        }
        yield return ConfigMap(GrafanaDatasourcesConfigMap, ns, new Dictionary<string, string> { [Monitoring.GrafanaConfig.DatasourcesFile] = Monitoring.GrafanaConfig.Datasources(ns) }, Grafana);
        yield return ConfigMap(GrafanaProvidersConfigMap, ns, new Dictionary<string, string> { [Monitoring.GrafanaConfig.ProvidersFile] = Monitoring.GrafanaConfig.Providers() }, Grafana);
        yield return ConfigMap(GrafanaDashboardsConfigMap, ns, Monitoring.GrafanaConfig.ShippedDashboards(), Grafana);

        var env = new Dictionary<string, string> { ["GF_ANALYTICS_REPORTING_ENABLED"] = "false", ["GF_ANALYTICS_CHECK_FOR_UPDATES"] = "false" };
        if (o.Ingress is { } ing)
        {
            env["GF_SERVER_ROOT_URL"] = ExternalUrl(ing, "/")!;
            // The Ingress asks for basic auth itself; Grafana would try the same header against its own users and refuse.
            if (ing.BasicAuthSecret is not null) env["GF_AUTH_BASIC_ENABLED"] = "false";
        }
        var deployment = DeploymentBuilder.Build(new DeploymentOptions
        {
            Name = Grafana, Namespace = ns, Image = Images.Grafana.Reference, Ports = [3000], Labels = labels, Env = env,
            Cpu = "100m", Memory = "128Mi", MemoryLimit = "512Mi",
            ReadinessProbe = "http:3000/api/health", LivenessProbe = "tcp:3000",
        });
        var c = deployment.Spec.Template.Spec.Containers[0];
        // The admin login is read from the Secret's files (GF_*__FILE), never put in the pod spec.
        c.Env.Add(new V1EnvVar { Name = "GF_SECURITY_ADMIN_USER__FILE", Value = "/etc/grafana/admin/admin-user" });
        c.Env.Add(new V1EnvVar { Name = "GF_SECURITY_ADMIN_PASSWORD__FILE", Value = "/etc/grafana/admin/admin-password" });
        c.SecurityContext = Locked(readOnlyRoot: false);
        c.VolumeMounts =
        [
            new V1VolumeMount { Name = "admin", MountPath = "/etc/grafana/admin", ReadOnlyProperty = true },
            new V1VolumeMount { Name = "datasources", MountPath = $"{Monitoring.GrafanaConfig.ProvisioningDir}/datasources", ReadOnlyProperty = true },
            new V1VolumeMount { Name = "providers", MountPath = $"{Monitoring.GrafanaConfig.ProvisioningDir}/dashboards", ReadOnlyProperty = true },
            new V1VolumeMount { Name = "dashboards", MountPath = Monitoring.GrafanaConfig.DashboardsDir, ReadOnlyProperty = true },
            new V1VolumeMount { Name = "data", MountPath = "/var/lib/grafana" },
        ];
        var pod = deployment.Spec.Template.Spec;
        pod.SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 472, RunAsGroup = 472, FsGroup = 472, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } };
        pod.AutomountServiceAccountToken = false;
        pod.Volumes =
        [
            new V1Volume { Name = "admin", Secret = new V1SecretVolumeSource { SecretName = GrafanaAdminSecret } },
            new V1Volume { Name = "datasources", ConfigMap = new V1ConfigMapVolumeSource { Name = GrafanaDatasourcesConfigMap } },
            new V1Volume { Name = "providers", ConfigMap = new V1ConfigMapVolumeSource { Name = GrafanaProvidersConfigMap } },
            new V1Volume { Name = "dashboards", ConfigMap = new V1ConfigMapVolumeSource { Name = GrafanaDashboardsConfigMap } },
            // Datasource, dashboards and admin come from provisioning, so Grafana's own database can start empty.
            new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() },
        ];
        yield return deployment;
        yield return Service(Grafana, ns, 3000);
    }

    // ------------------------------------------------------------------ shared parts

    /// <summary>The external URL of a UI under the Ingress host (https when the Ingress has TLS); null without an Ingress.</summary>
    private static string? ExternalUrl(IngressExposure? ingress, string prefix) =>
        ingress is null ? null : $"{(ingress.TlsSecretName is null ? "http" : "https")}://{ingress.Host}{(prefix == "/" ? "/" : prefix + "/")}";

    private static Dictionary<string, string> Labels(string? component)
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = PartOf };
        if (component is not null) labels[PodTemplateBuilder.NameLabel] = component;
        return labels;
    }

    private static V1ObjectMeta Meta(string name, string ns, Dictionary<string, string> labels) => new() { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };

    private static V1LabelSelector Selector(string name) => new() { MatchLabels = new Dictionary<string, string> { [PodTemplateBuilder.NameLabel] = name } };

    private static V1Service Service(string name, string ns, int port, bool headless = false)
    {
        var svc = ServiceBuilder.Build(new ServiceOptions
        {
            Name = name, Namespace = ns, Type = headless ? "Headless" : "ClusterIP",
            Ports = [new ServicePortOptions(port, Name: "http")], Selector = new Dictionary<string, string> { [PodTemplateBuilder.NameLabel] = name },
            Labels = Labels(name),
        });
        return svc;
    }

    private static V1PodSecurityContext NonRoot() => new()
    {
        RunAsNonRoot = true, RunAsUser = 65534, RunAsGroup = 65534, FsGroup = 65534, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    private static V1SecurityContext Locked(bool readOnlyRoot = true) => new()
    {
        AllowPrivilegeEscalation = false, ReadOnlyRootFilesystem = readOnlyRoot, Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };

    private static V1ResourceRequirements Resources(string cpu, string memory, string memoryLimit) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
        Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(memoryLimit) },
    };
}
