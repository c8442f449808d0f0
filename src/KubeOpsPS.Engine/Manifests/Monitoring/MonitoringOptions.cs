using KubeOpsPS.Engine.Manifests.Ingress;

namespace KubeOpsPS.Engine.Manifests.Monitoring;

/// <summary>A user name and password bound for a Kubernetes Secret. ToString shows the user name only, so the password never reaches a log.</summary>
public sealed class UserPassword(string userName, string password)
{
    public string UserName { get; } = userName;
    public string Password { get; } = password;
    public override string ToString() => UserName;
}

/// <summary>How Prometheus reaches the kubelets (node and cAdvisor metrics).</summary>
public enum KubeletScrape
{
    /// <summary>Through the API server's node proxy, verified with the cluster CA (works without kubelet serving certificates).</summary>
    ApiServerProxy,
    /// <summary>Straight to each kubelet on port 10250, verified with <see cref="MonitoringOptions.KubeletCaCertificate"/>.</summary>
    DirectWithCa,
    /// <summary>Straight to each kubelet without verifying its certificate (the seed's self-signed case; an explicit opt-in).</summary>
    DirectInsecure,
}

/// <summary>Options of the monitoring stack: Prometheus, Alertmanager, node-exporter, kube-state-metrics and Grafana.</summary>
public sealed record MonitoringOptions
{
    public string Namespace { get; init; } = MonitoringBundle.DefaultNamespace;
    /// <summary>The StorageClass of Prometheus' and Alertmanager's claims; null: the cluster's default class.</summary>
    public string? StorageClass { get; init; }
    /// <summary>How long Prometheus keeps samples (--storage.tsdb.retention.time).</summary>
    public string Retention { get; init; } = "15d";
    /// <summary>The size of Prometheus' claim.</summary>
    public string StorageSize { get; init; } = "20Gi";

    /// <summary>host:port of the mail relay; null: alerts are not mailed (the "null" receiver).</summary>
    public string? SmtpServer { get; init; }
    public string? From { get; init; }
    public IReadOnlyList<string> To { get; init; } = [];
    /// <summary>SMTP login; the password goes to a Secret that Alertmanager reads as a file.</summary>
    public UserPassword? SmtpCredential { get; init; }
    /// <summary>STARTTLS required (Alertmanager's default). The seed turned it off for a relay without TLS.</summary>
    public bool SmtpRequireTls { get; init; } = true;
    /// <summary>
    /// TLS from the first byte (smtp_force_implicit_tls, Alertmanager 0.31+), for a relay that speaks TLS on a port
    /// other than 465 and no STARTTLS. Port 465 always gets it written; the STARTTLS rule (<see cref="SmtpRequireTls"/>) then does not apply.
    /// </summary>
    public bool SmtpImplicitTls { get; init; }

    /// <summary>Whether alert mail goes over implicit TLS: asked for, or the relay's port is 465 (SMTPS).</summary>
    public bool ImplicitTls => SmtpImplicitTls || (SmtpServer?.EndsWith(":465", StringComparison.Ordinal) ?? false);

    public KubeletScrape KubeletScrape { get; init; } = KubeletScrape.ApiServerProxy;
    /// <summary>PEM of the CA that signed the kubelets' serving certificates (with <see cref="KubeletScrape.DirectWithCa"/>).</summary>
    public string? KubeletCaCertificate { get; init; }

    /// <summary>Grafana's admin login (a Secret); null: the cmdlet generates one.</summary>
    public UserPassword? GrafanaAdmin { get; init; }
    /// <summary>Exposes Prometheus, Alertmanager and Grafana under /prometheus, /alertmanager and / of this host.</summary>
    public IngressExposure? Ingress { get; init; }

    /// <summary>Alert rules beyond the defaults (the custom rule file).</summary>
    public IReadOnlyList<AlertRule> Rules { get; init; } = [];
    /// <summary>Include the module's default alert rules.</summary>
    public bool DefaultRules { get; init; } = true;
}
