using System.Text.Json.Nodes;

namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>Options of a Gateway API HTTPRoute: the same host/path/service/TLS options as an Ingress, plus the Gateway it attaches to.</summary>
public sealed record HttpRouteOptions
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    public required IReadOnlyList<IngressRuleOptions> Rules { get; init; }
    public string GatewayName { get; init; } = HttpRouteBuilder.DefaultGatewayName;
    public string? GatewayNamespace { get; init; } = HttpRouteBuilder.DefaultGatewayNamespace;
    /// <summary>Serve HTTPS for the hosts with this kubernetes.io/tls secret: a ListenerSet on the Gateway terminates TLS.</summary>
    public string? TlsSecretName { get; init; }
    public IReadOnlyList<string>? TlsHosts { get; init; }
    /// <summary>Strip the rule's path prefix (a URLRewrite filter with ReplacePrefixMatch '/').</summary>
    public bool StripPathPrefix { get; init; }
    /// <summary>A URLRewrite per rule (same order as <see cref="Rules"/>; null: none); overrides <see cref="StripPathPrefix"/>.</summary>
    public IReadOnlyList<PathRewrite?>? Rewrites { get; init; }
    /// <summary>A filter added to every rule (an implementation's ExtensionRef, such as NGINX Gateway Fabric's AuthenticationFilter).</summary>
    public JsonObject? RuleFilter { get; init; }
}
