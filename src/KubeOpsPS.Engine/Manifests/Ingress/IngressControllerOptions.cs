namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>Options of an NGINX Ingress controller install.</summary>
public sealed record IngressControllerOptions
{
    public IngressController Controller { get; init; } = IngressController.NginxInc;
    /// <summary>Null: nginx-ingress (F5 NGINX) or ingress-nginx (community), as their own manifests name it.</summary>
    public string? Namespace { get; init; }
    /// <summary>The port NGINX listens on for HTTP (the seed moved it to 8080 when 80 was blocked).</summary>
    public int HttpPort { get; init; } = 80;
    public int HttpsPort { get; init; } = 443;
    /// <summary>Listen on the nodes' own network (HttpPort/HttpsPort on every node running the controller).</summary>
    public bool HostNetwork { get; init; }
    /// <summary>Node ports for HTTP and HTTPS of a NodePort Service; null: the cluster picks them.</summary>
    public int? NodePort { get; init; }
    public int? HttpsNodePort { get; init; }
    /// <summary>Node addresses that accept traffic for the Service's ports (externalIPs).</summary>
    public IReadOnlyList<string> ExternalIPs { get; init; } = [];
    /// <summary>Only watch Ingresses in this namespace; null: all namespaces (the seed's behaviour).</summary>
    public string? WatchNamespace { get; init; }
    /// <summary>A service of the user's ("ns/name" or "name" in the controller's namespace) for requests no rule matches; null: the controller's own 404.</summary>
    public string? DefaultBackend { get; init; }
    /// <summary>Controller ConfigMap options (the supported replacement for a custom nginx.tmpl).</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();
    public int Replicas { get; init; } = 1;
    /// <summary>Run one controller per node (a DaemonSet) instead of a Deployment.</summary>
    public bool DaemonSet { get; init; }
    public string IngressClassName { get; init; } = "nginx";
    public bool AsDefaultClass { get; init; }
    public string? Image { get; init; }
}
