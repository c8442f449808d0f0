using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Runtime.Monitoring;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Monitoring;

public class AlertRuleTests
{
    // promtool unit tests: each default alert fires on the series it is meant for, and stays quiet on healthy ones.
    private const string UnitTests = """
        rule_files:
          - kubeops-default.rules.yml
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'up{job="node-exporter",instance="10.0.0.1:9100"}'
                values: '0x20'
              - series: 'up{job="kube-state-metrics",instance="ksm:8080"}'
                values: '1x20'
            alert_rule_test:
              - eval_time: 4m
                alertname: TargetDown
                exp_alerts: []
              - eval_time: 6m
                alertname: TargetDown
                exp_alerts:
                  - exp_labels: { severity: warning, job: node-exporter, instance: "10.0.0.1:9100" }
                    exp_annotations:
                      summary: "Target node-exporter 10.0.0.1:9100 is down"
                      description: "Prometheus could not scrape 10.0.0.1:9100 (job node-exporter) for 5 minutes."
          - interval: 1m
            input_series:
              - series: 'kube_node_status_condition{condition="DiskPressure",status="true",node="n1"}'
                values: '1x20'
              - series: 'kube_node_status_condition{condition="DiskPressure",status="true",node="n2"}'
                values: '0x20'
              - series: 'kube_node_status_condition{condition="MemoryPressure",status="true",node="n2"}'
                values: '1x20'
              - series: 'kube_node_status_condition{condition="MemoryPressure",status="false",node="n1"}'
                values: '1x20'
            alert_rule_test:
              - eval_time: 6m
                alertname: NodeDiskPressure
                exp_alerts:
                  - exp_labels: { severity: warning, condition: DiskPressure, status: "true", node: n1 }
                    exp_annotations:
                      summary: "Node n1 has disk pressure"
                      description: "The kubelet on n1 reports DiskPressure: it is evicting pods and will not admit new ones."
              - eval_time: 6m
                alertname: NodeMemoryPressure
                exp_alerts:
                  - exp_labels: { severity: warning, condition: MemoryPressure, status: "true", node: n2 }
                    exp_annotations:
                      summary: "Node n2 has memory pressure"
                      description: "The kubelet on n2 reports MemoryPressure: pods may be evicted."
          - interval: 1m
            input_series:
              # A crash loop alternates between waiting (1) and a short run (0): max_over_time keeps it visible.
              - series: 'kube_pod_container_status_waiting_reason{namespace="web",pod="api-1",container="api",reason="CrashLoopBackOff"}'
                values: '1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0'
              - series: 'kube_pod_container_status_waiting_reason{namespace="web",pod="api-2",container="api",reason="CrashLoopBackOff"}'
                values: '0x21'
            alert_rule_test:
              - eval_time: 10m
                alertname: PodCrashLooping
                exp_alerts: []
              - eval_time: 16m
                alertname: PodCrashLooping
                exp_alerts:
                  - exp_labels: { severity: warning, namespace: web, pod: api-1, container: api, reason: CrashLoopBackOff }
                    exp_annotations:
                      summary: "Pod web/api-1 is crash-looping"
                      description: "Container api of pod web/api-1 has been in CrashLoopBackOff for 15 minutes."
          - interval: 1m
            input_series:
              - series: 'kube_deployment_status_replicas_unavailable{namespace="web",deployment="api"}'
                values: '2x20'
              - series: 'kube_deployment_status_replicas_unavailable{namespace="web",deployment="ok"}'
                values: '0x20'
            alert_rule_test:
              - eval_time: 16m
                alertname: DeploymentReplicasUnavailable
                exp_alerts:
                  - exp_labels: { severity: warning, namespace: web, deployment: api }
                    exp_annotations:
                      summary: "Deployment web/api has unavailable replicas"
                      description: "2 replicas of web/api have been unavailable for 15 minutes."
          - interval: 1m
            input_series:
              - series: 'kubelet_certificate_manager_client_ttl_seconds{instance="n1"}'
                values: '500000x5'
              - series: 'kubelet_certificate_manager_server_ttl_seconds{instance="n1"}'
                values: '2000000x5'
              - series: 'kubelet_certificate_manager_server_ttl_seconds{instance="n2"}'
                values: '86400x5'
            alert_rule_test:
              - eval_time: 1m
                alertname: CertificateExpiringSoon
                exp_alerts:
                  - exp_labels: { severity: critical, instance: n1 }
                    exp_annotations:
                      summary: "A kubelet certificate on n1 expires in less than 7 days"
                      description: "kubelet_certificate_manager_client_ttl_seconds on n1 is 5d 18h 53m 20s: renew the certificate or the node drops out of the cluster."
                  - exp_labels: { severity: critical, instance: n2 }
                    exp_annotations:
                      summary: "A kubelet certificate on n2 expires in less than 7 days"
                      description: "kubelet_certificate_manager_server_ttl_seconds on n2 is 1d 0h 0m 0s: renew the certificate or the node drops out of the cluster."
        """;

    private static Dictionary<string, string> DefaultRuleFiles() => new() { [AlertRules.DefaultFile] = AlertRules.Render(AlertRules.DefaultGroup, AlertRules.Defaults) };

    [Fact]
    public void TheDefaultRulesPassPromtoolCheckRules()
    {
        var check = PromTool.CheckRules(DefaultRuleFiles());
        Assert.True(check.Available, "promtool is not installed (apt-get install prometheus)");
        Assert.True(check.Passed, check.Output);
        Assert.Contains("SUCCESS: 6 rules found", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void EachDefaultAlertFiresOnTheSeriesItIsMeantFor()
    {
        var files = DefaultRuleFiles();
        files["defaults.test.yml"] = UnitTests;
        var check = PromTool.TestRules(files, "defaults.test.yml");
        Assert.True(check.Available, "promtool is not installed (apt-get install prometheus)");
        Assert.True(check.Passed, check.Output);
        Assert.Equal(6, AlertRules.Defaults.Count); // a new default alert needs its own unit test above
    }

    [Fact]
    public void RulesRenderFieldByFieldAndReadBack()
    {
        var rule = AlertRules.Check(new AlertRule { Name = "HighErrorRate", Expr = "rate(http_errors_total[5m]) > 1", For = "10m", Severity = "Critical", Summary = "Errors: {{ $value }}", Description = "yes: no" });
        Assert.Equal("critical", rule.Severity);
        var text = AlertRules.Render("custom", [rule]);
        Assert.Equal("""
            groups:
              - name: custom
                rules:
                  - alert: HighErrorRate
                    expr: rate(http_errors_total[5m]) > 1
                    for: 10m
                    labels:
                      severity: critical
                    annotations:
                      summary: 'Errors: {{ $value }}'
                      description: 'yes: no'

            """.Replace("\r\n", "\n", StringComparison.Ordinal), text);
        Assert.Equal([rule], AlertRules.Parse(text, "custom.rules.yml"));
        Assert.True(PromTool.CheckRules(new Dictionary<string, string> { ["custom.rules.yml"] = text }).Passed);
    }

    [Fact]
    public void MergeReplacesARuleOfTheSameName()
    {
        var a = new AlertRule { Name = "A", Expr = "up == 0" };
        var b = new AlertRule { Name = "B", Expr = "up == 0" };
        var a2 = a with { Expr = "up < 1" };
        Assert.Equal([a2, b], AlertRules.Merge([a, b], [a2]));
    }

    [Fact]
    public void PromtoolRejectsAnInvalidExpression()
    {
        var text = AlertRules.Render("custom", [new AlertRule { Name = "Broken", Expr = "rate(up[5m] > 1" }]);
        var check = PromTool.CheckRules(new Dictionary<string, string> { ["custom.rules.yml"] = text });
        Assert.False(check.Passed);
        Assert.Contains("Broken", text, StringComparison.Ordinal);
        Assert.Contains("parse error", check.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "up", "5m", "warning", "-Name")]
    [InlineData("9lives", "up", "5m", "warning", "-Name")]
    [InlineData("has space", "up", "5m", "warning", "-Name")]
    [InlineData("A", "", "5m", "warning", "-Expr")]
    [InlineData("A", "up", "five minutes", "warning", "-For")]
    [InlineData("A", "up", "5", "warning", "-For")]
    [InlineData("A", "up", "5m", "urgent", "-Severity")]
    public void BadRulesAreRefusedNamingTheParameter(string name, string expr, string @for, string severity, string field)
    {
        var e = Assert.Throws<KoValidationException>(() => AlertRules.Check(new AlertRule { Name = name, Expr = expr, For = @for, Severity = severity }));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void TwoRulesWithOneNameAreRefused()
    {
        var r = new AlertRule { Name = "A", Expr = "up == 0" };
        Assert.Equal("-Name", Assert.Throws<KoValidationException>(() => AlertRules.Render("g", [r, r])).Field);
    }
}
