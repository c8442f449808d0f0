namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>One routing rule: requests for Host (any host when null) under Path go to a service port.</summary>
public sealed record IngressRuleOptions
{
    public string? Host { get; init; }
    public string Path { get; init; } = "/";
    /// <summary>Prefix (default), Exact or ImplementationSpecific.</summary>
    public string PathType { get; init; } = "Prefix";
    public required string ServiceName { get; init; }
    /// <summary>A port number or a port name of the service.</summary>
    public required object ServicePort { get; init; }
}

/// <summary>Options of an Ingress (networking.k8s.io/v1).</summary>
public sealed record IngressOptions
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    public required IReadOnlyList<IngressRuleOptions> Rules { get; init; }
    public IngressController Controller { get; init; } = IngressController.NginxInc;
    /// <summary>The IngressClass; null: the cluster's default class.</summary>
    public string? IngressClassName { get; init; }
    /// <summary>A kubernetes.io/tls secret in the same namespace; TLS is served for <see cref="TlsHosts"/> or the rules' hosts.</summary>
    public string? TlsSecretName { get; init; }
    /// <summary>The hosts the TLS certificate covers (its DNS SANs); null: the rules' hosts.</summary>
    public IReadOnlyList<string>? TlsHosts { get; init; }
    /// <summary>A basic-auth secret (the controller's format, see BasicAuthSecretBuilder).</summary>
    public string? BasicAuthSecret { get; init; }
    public string BasicAuthRealm { get; init; } = "Authentication Required";
    /// <summary>Strip the rule's path prefix before passing the request on, for apps that only know '/'.</summary>
    public bool StripPathPrefix { get; init; }
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
