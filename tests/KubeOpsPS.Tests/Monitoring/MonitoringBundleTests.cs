using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Runtime.Monitoring;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Monitoring;

public class MonitoringBundleTests
{
    private static readonly UserPassword Smtp = new("alerts", "s3cret-smtp");
    private static readonly UserPassword Admin = new("admin", "s3cret-grafana");

    private static MonitoringOptions Full() => new()
    {
        Namespace = "mon", StorageClass = "nfs", Retention = "30d", StorageSize = "50Gi",
        SmtpServer = "smtp.example.com:587", From = "alerts@example.com", To = ["ops@example.com", "dev@example.com"], SmtpCredential = Smtp,
        GrafanaAdmin = Admin,
        Ingress = new IngressExposure("mon.example.com", "mon-tls", "mon-auth"),
        Rules = [new AlertRule { Name = "HighLoad", Expr = "node_load1 > 10", For = "10m" }],
    };

    private static T One<T>(IReadOnlyList<object> bundle, string name) => bundle.OfType<T>().Single(o => ((IKubernetesObject<V1ObjectMeta>)o!).Metadata.Name == name);

    [Fact]
    public void PrometheusRunsFromAConfigMapWithLifecycleRetentionAndAClaim()
    {
        var bundle = MonitoringBundle.Build(Full());
        var set = One<V1StatefulSet>(bundle, "prometheus");
        var c = set.Spec.Template.Spec.Containers.Single();
        Assert.Equal(Images.Prometheus.Reference, c.Image);
        Assert.Contains("--web.enable-lifecycle", c.Args);
        Assert.Contains("--config.auto-reload", c.Args);
        Assert.Contains("--storage.tsdb.retention.time=30d", c.Args);
        Assert.Contains("--config.file=/etc/prometheus/config/prometheus.yml", c.Args);
        Assert.Contains("--web.external-url=https://mon.example.com/prometheus/", c.Args);
        Assert.Contains("--web.route-prefix=/prometheus", c.Args);
        var claim = set.Spec.VolumeClaimTemplates.Single();
        Assert.Equal("nfs", claim.Spec.StorageClassName);
        Assert.Equal("50Gi", claim.Spec.Resources.Requests["storage"].ToString());
        // The whole ConfigMap is mounted (never subPath), so the kubelet can swap in a changed one.
        var mount = c.VolumeMounts.Single(m => m.Name == "config");
        Assert.Null(mount.SubPath);
        Assert.Equal("prometheus-config", set.Spec.Template.Spec.Volumes.Single(v => v.Name == "config").ConfigMap.Name);
        Assert.Equal("prometheus", set.Spec.Template.Spec.ServiceAccountName);
        Assert.Equal("/prometheus/-/ready", c.ReadinessProbe.HttpGet.Path);
        var cm = One<V1ConfigMap>(bundle, "prometheus-config");
        Assert.Equal(["custom.rules.yml", "kubeops-default.rules.yml", "kubeops-revision.rules.yml", "prometheus.yml"], cm.Data.Keys.Order());
        var role = One<V1ClusterRole>(bundle, "mon-prometheus");
        Assert.Contains(role.Rules, r => r.Resources?.Contains("nodes/proxy") == true && !r.Verbs.Contains("create"));
    }

    [Fact]
    public void NodeExporterRunsOnEveryNodeWithTheHostsNetworkAndProcesses()
    {
        var ds = One<V1DaemonSet>(MonitoringBundle.Build(Full()), "node-exporter");
        var pod = ds.Spec.Template.Spec;
        Assert.True(pod.HostNetwork);
        Assert.True(pod.HostPID);
        Assert.Equal("Exists", pod.Tolerations.Single().OperatorProperty);
        Assert.Null(pod.Tolerations.Single().Key);
        Assert.Contains("--path.rootfs=/host/root", pod.Containers[0].Args);
        Assert.True(pod.Containers[0].VolumeMounts.Single().ReadOnlyProperty);
        Assert.Equal(Images.NodeExporter.Reference, pod.Containers[0].Image);
    }

    [Fact]
    public void KubeStateMetricsHasReadOnlyClusterRbac()
    {
        var bundle = MonitoringBundle.Build(Full());
        var role = One<V1ClusterRole>(bundle, "mon-kube-state-metrics");
        Assert.All(role.Rules, r => Assert.Equal(["list", "watch"], r.Verbs));
        var binding = One<V1ClusterRoleBinding>(bundle, "mon-kube-state-metrics");
        Assert.Equal("kube-state-metrics", binding.Subjects.Single().Name);
        Assert.Equal("mon", binding.Subjects.Single().NamespaceProperty);
        Assert.Equal("kube-state-metrics", One<V1Deployment>(bundle, "kube-state-metrics").Spec.Template.Spec.ServiceAccountName);
    }

    [Fact]
    public void TheSmtpPasswordIsOnlyInTheSecretAndAlertmanagerReadsItAsAFile()
    {
        var bundle = MonitoringBundle.Build(Full());
        var secret = One<V1Secret>(bundle, "alertmanager-smtp");
        Assert.Equal("s3cret-smtp", secret.StringData["smtp-password"]);
        var yaml = KoYaml.Write(bundle.Where(o => o is not V1Secret));
        Assert.DoesNotContain("s3cret", yaml, StringComparison.Ordinal);
        var am = One<V1ConfigMap>(bundle, "alertmanager-config").Data["alertmanager.yml"];
        Assert.Contains("smtp_auth_password_file: /etc/alertmanager/secrets/smtp-password", am, StringComparison.Ordinal);
        Assert.Contains("smtp_require_tls: true", am, StringComparison.Ordinal);
        Assert.Contains("to: ops@example.com, dev@example.com", am, StringComparison.Ordinal);
        var set = One<V1StatefulSet>(bundle, "alertmanager");
        Assert.Equal("alertmanager-smtp", set.Spec.Template.Spec.Volumes.Single(v => v.Name == "smtp").Secret.SecretName);
        Assert.DoesNotContain(Full().ToString(), "s3cret", StringComparison.Ordinal);
    }

    [Fact]
    public void GrafanaGetsItsDatasourceAndDashboardsByProvisioning()
    {
        var bundle = MonitoringBundle.Build(Full());
        var d = One<V1Deployment>(bundle, "grafana");
        var c = d.Spec.Template.Spec.Containers.Single();
        Assert.Equal(Images.Grafana.Reference, c.Image);
        Assert.Equal("/etc/grafana/provisioning/datasources", c.VolumeMounts.Single(m => m.Name == "datasources").MountPath);
        Assert.Equal("/etc/grafana/provisioning/dashboards", c.VolumeMounts.Single(m => m.Name == "providers").MountPath);
        Assert.Equal("/var/lib/grafana/dashboards", c.VolumeMounts.Single(m => m.Name == "dashboards").MountPath);
        Assert.Contains(c.Env, e => e.Name == "GF_SECURITY_ADMIN_PASSWORD__FILE");
        Assert.DoesNotContain(c.Env, e => e.Value?.Contains("s3cret", StringComparison.Ordinal) == true);
        Assert.Contains(c.Env, e => e.Name == "GF_AUTH_BASIC_ENABLED" && e.Value == "false");
        Assert.Contains(c.Env, e => e.Name == "GF_SERVER_ROOT_URL" && e.Value == "https://mon.example.com/");
        Assert.Equal(["kubeops-cluster-overview.json", "kubeops-node.json"], One<V1ConfigMap>(bundle, "grafana-dashboards").Data.Keys.Order());
    }

    [Fact]
    public void TheIngressExposesTheThreeUisWithTlsAndBasicAuth()
    {
        var ingresses = MonitoringBundle.Build(Full()).OfType<V1Ingress>().ToList();
        Assert.Equal(["alertmanager", "grafana", "prometheus"], ingresses.Select(i => i.Metadata.Name).Order());
        Assert.All(ingresses, i =>
        {
            Assert.Equal("mon-tls", i.Spec.Tls.Single().SecretName);
            Assert.Equal("mon.example.com", i.Spec.Rules.Single().Host);
            Assert.Contains(i.Metadata.Annotations, a => a.Value.Contains("mon-auth", StringComparison.Ordinal));
        });
        Assert.Equal("/prometheus", ingresses.Single(i => i.Metadata.Name == "prometheus").Spec.Rules[0].Http.Paths[0].Path);
        Assert.Empty(MonitoringBundle.Build(Full() with { Ingress = null }).OfType<V1Ingress>());
    }

    [Fact]
    public void TheGeneratedPrometheusConfigPassesPromtoolWithItsRuleFiles()
    {
        var files = MonitoringBundle.PrometheusFiles(Full(), "mon");
        var check = PromTool.CheckConfig(files);
        Assert.True(check.Available, "promtool is not installed (apt-get install prometheus)");
        Assert.True(check.Passed, check.Output);
        // Debian's promtool has no Kubernetes discovery: the check ran on a copy with static stubs, rules included.
        Assert.Contains("prometheus.yml is valid prometheus config file syntax", check.Output, StringComparison.Ordinal);
        foreach (var rules in files.Keys.Where(k => k.EndsWith(".rules.yml", StringComparison.Ordinal)))
            Assert.Contains($"Checking {rules}\n  SUCCESS", check.Output, StringComparison.Ordinal);
        Assert.Contains("kubernetes-sd-stub", PromTool.StubKubernetesSd(files["prometheus.yml"]), StringComparison.Ordinal);
    }

    [Fact]
    public void ScrapeConfigsCoverTheClusterAndVerifyTlsByDefault()
    {
        var doc = (JsonObject)KoYaml.ReadDocument(MonitoringConfig.Prometheus(new MonitoringOptions(), "monitoring"), "p")!;
        var jobs = doc["scrape_configs"]!.AsArray().ToDictionary(j => j!["job_name"]!.ToString(), j => j!.AsObject());
        Assert.Equal(["alertmanager", "kube-state-metrics", "kubernetes-apiservers", "kubernetes-cadvisor", "kubernetes-nodes", "kubernetes-pods", "kubernetes-service-endpoints", "node-exporter", "prometheus"], jobs.Keys.Order());
        var text = doc.ToJsonString();
        Assert.DoesNotContain("insecure_skip_verify", text, StringComparison.Ordinal);
        Assert.Equal("/api/v1/nodes/$1/proxy/metrics/cadvisor", jobs["kubernetes-cadvisor"]["relabel_configs"]!.AsArray().Last()!["replacement"]!.ToString());
        Assert.Equal("kubernetes.default.svc:443", jobs["kubernetes-nodes"]["relabel_configs"]!.AsArray().Single(r => r!["target_label"]?.ToString() == "__address__")!["replacement"]!.ToString());
        Assert.Equal("alertmanager.monitoring.svc:9093", doc["alerting"]!["alertmanagers"]![0]!["static_configs"]![0]!["targets"]![0]!.ToString());

        var insecure = MonitoringConfig.Prometheus(new MonitoringOptions { KubeletScrape = KubeletScrape.DirectInsecure }, "monitoring");
        Assert.Equal(2, insecure.Split("insecure_skip_verify: true").Length - 1); // kubelet and cAdvisor only, never the API server
        var withCa = MonitoringConfig.Prometheus(new MonitoringOptions { KubeletScrape = KubeletScrape.DirectWithCa, KubeletCaCertificate = "-----BEGIN CERTIFICATE-----" }, "monitoring");
        Assert.Contains("ca_file: /etc/prometheus/kubelet-ca/ca.crt", withCa, StringComparison.Ordinal);
        Assert.DoesNotContain("insecure_skip_verify", withCa, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheGeneratedAlertmanagerConfigPassesAmtool(bool email)
    {
        var o = email ? Full() : new MonitoringOptions();
        var yaml = MonitoringConfig.Alertmanager(o with { SmtpRequireTls = false });
        var check = PromTool.CheckAlertmanager(yaml);
        Assert.True(check.Available, "amtool is not installed (apt-get install prometheus-alertmanager)");
        Assert.True(check.Passed, check.Output);
        Assert.Contains(email ? "2 receivers" : "1 receivers", check.Output, StringComparison.Ordinal);
        if (email) Assert.Contains("smtp_require_tls: false", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smtp.example.com:465", false, true)]
    [InlineData("smtp.example.com:2465", true, true)]
    [InlineData("smtp.example.com:587", false, false)]
    public void ImplicitTlsIsWrittenForPort465OrWhenAskedAndAmtoolStillChecksTheRest(string server, bool ask, bool implicitTls)
    {
        var yaml = MonitoringConfig.Alertmanager(Full() with { SmtpServer = server, SmtpImplicitTls = ask });
        var global = (JsonObject)KoYaml.ReadDocument(yaml, "alertmanager.yml")!["global"]!;
        Assert.Equal(implicitTls, global.ContainsKey("smtp_force_implicit_tls"));
        if (implicitTls) Assert.True(global["smtp_force_implicit_tls"]!.GetValue<bool>());
        Assert.True(global["smtp_require_tls"]!.GetValue<bool>());
        Assert.DoesNotContain("match:", yaml, StringComparison.Ordinal); // no deprecated match/match_re/source_match/target_match
        Assert.DoesNotContain("match_re", yaml, StringComparison.Ordinal);

        var check = PromTool.CheckAlertmanager(yaml);
        Assert.True(check.Available, "amtool is not installed (apt-get install prometheus-alertmanager)");
        Assert.True(check.Passed, check.Output);
        Assert.Contains("2 receivers", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAmtoolRejectionForAnotherReasonStillFailsWithImplicitTls()
    {
        var yaml = MonitoringConfig.Alertmanager(Full() with { SmtpServer = "smtp.example.com:465" }).Replace("receiver: email", "receiver: nowhere", StringComparison.Ordinal);
        var check = PromTool.CheckAlertmanager(yaml);
        Assert.True(check.Available, "amtool is not installed (apt-get install prometheus-alertmanager)");
        Assert.False(check.Passed, check.Output);
        Assert.Contains("nowhere", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRevisionChangesWithTheContentAndNotOtherwise()
    {
        var a = MonitoringBundle.PrometheusFiles(Full(), "mon");
        var b = MonitoringBundle.PrometheusFiles(Full(), "mon");
        Assert.Equal(a[MonitoringConfig.RevisionFile], b[MonitoringConfig.RevisionFile]);
        var c = MonitoringBundle.PrometheusFiles(Full() with { Retention = "31d", Rules = [] }, "mon");
        Assert.NotEqual(a[MonitoringConfig.RevisionFile], c[MonitoringConfig.RevisionFile]);
        var rev = MonitoringConfig.Revision(a);
        Assert.InRange(rev, 0, (1L << 48) - 1); // exact in a double, as Prometheus reports it
        Assert.Contains($"vector({rev})", a[MonitoringConfig.RevisionFile], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad_NS", null, null, null, null, "-Namespace")]
    [InlineData("mon", "forever", null, null, null, "-Retention")]
    [InlineData("mon", "15", null, null, null, "-Retention")]
    [InlineData("mon", null, "lots", null, null, "-StorageSize")]
    [InlineData("mon", null, "-1Gi", null, null, "-StorageSize")]
    [InlineData("mon", null, null, "smtp.example.com", "a@example.com", "-SmtpServer")]
    [InlineData("mon", null, null, "smtp.example.com:99999", "a@example.com", "-SmtpServer")]
    [InlineData("mon", null, null, "bad host:25", "a@example.com", "-SmtpServer")]
    [InlineData("mon", null, null, "smtp.example.com:25", "not-an-address", "-From")]
    [InlineData("mon", null, null, "smtp.example.com:25", "Ops <ops@example.com>", "-From")]
    [InlineData("mon", null, null, "smtp.example.com:25", "a@b@example.com", "-From")]
    public void BadInputIsRefusedNamingTheParameter(string ns, string? retention, string? size, string? smtp, string? from, string field)
    {
        var o = new MonitoringOptions { Namespace = ns, Retention = retention ?? "15d", StorageSize = size ?? "10Gi", SmtpServer = smtp, From = from, To = ["ops@example.com"] };
        var e = Assert.Throws<KoValidationException>(() => MonitoringBundle.Build(o));
        Assert.Equal(field, e.Field);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MailSettingsWithoutAServerOrRecipientsAreRefused()
    {
        Assert.Equal("-SmtpServer", Assert.Throws<KoValidationException>(() => MonitoringBundle.Build(new MonitoringOptions { To = ["ops@example.com"] })).Field);
        Assert.Equal("-To", Assert.Throws<KoValidationException>(() => MonitoringBundle.Build(new MonitoringOptions { SmtpServer = "smtp.example.com:25", From = "a@example.com" })).Field);
        Assert.Equal("-To", Assert.Throws<KoValidationException>(() => MonitoringBundle.Build(new MonitoringOptions { SmtpServer = "smtp.example.com:25", From = "a@example.com", To = ["nope"] })).Field);
        Assert.Equal("-CaFile", Assert.Throws<KoValidationException>(() => MonitoringBundle.Build(new MonitoringOptions { KubeletScrape = KubeletScrape.DirectWithCa })).Field);
        Assert.Equal("-CaFile", Assert.Throws<KoValidationException>(() => MonitoringBundle.Build(new MonitoringOptions { KubeletScrape = KubeletScrape.DirectWithCa, KubeletCaCertificate = "junk" })).Field);
    }

    [Fact]
    public void TheAlertmanagerHashMatchesWhatAlertmanagerReports()
    {
        // alertmanager_config_hash: the first 6 bytes of the file's MD5, little-endian (seen from prometheus-alertmanager 0.25).
        const string file = "# kubeops-revision: 12345\nroute:\n  receiver: \"null\"\nreceivers:\n- name: \"null\"\n";
        Assert.Equal(2.49502862342441e+14, ConfigReloader.AlertmanagerHash(file), 0);
        Assert.Equal(2.49502862342441e+14, ConfigReloader.LoadedAlertmanagerHash("# TYPE alertmanager_config_hash gauge\nalertmanager_config_hash 2.49502862342441e+14\n"));
        Assert.Equal(123456789012345.0, ConfigReloader.LoadedRevision("""{"status":"success","data":{"groups":[{"name":"kubeops-revision","rules":[{"name":"kubeops_config_revision","query":"vector(1.23456789012345e+14)","type":"recording"}]}]}}"""));
    }

    [Theory]
    [InlineData("rule_files: ['*.rules.yml']", true)]
    [InlineData("rule_files: ['/etc/prometheus/config/*.yml']", true)]
    [InlineData("rule_files: ['kubeops-revision.rules.yml', 'x.yml']", true)]
    [InlineData("rule_files: ['custom.rules.yml']", false)]
    [InlineData("rule_files: ['rules/*.rules.yml']", false)]
    [InlineData("global: {scrape_interval: 1m}", false)]
    public void APrometheusConfigMustLoadTheRevisionMarker(string yaml, bool loads)
    {
        Assert.Equal(loads, MonitoringConfig.LoadsRevision(yaml));
        Assert.True(MonitoringConfig.LoadsRevision(MonitoringConfig.Prometheus(new MonitoringOptions(), "monitoring")));
    }
}
