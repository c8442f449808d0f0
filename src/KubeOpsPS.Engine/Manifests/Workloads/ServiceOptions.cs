namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>One port of a Service: Port is what clients use, TargetPort the pod's port (number or name), NodePort for NodePort/LoadBalancer.</summary>
public sealed record ServicePortOptions(int Port, object? TargetPort = null, int? NodePort = null, string? Name = null, string Protocol = "TCP");

/// <summary>Options of a Service.</summary>
public sealed record ServiceOptions
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    /// <summary>ClusterIP (default), NodePort, LoadBalancer or Headless (clusterIP None).</summary>
    public string Type { get; init; } = "ClusterIP";
    public required IReadOnlyList<ServicePortOptions> Ports { get; init; }
    /// <summary>The pods' labels; required (a Service without a selector needs hand-made EndpointSlices).</summary>
    public required IReadOnlyDictionary<string, string> Selector { get; init; }
    /// <summary>Addresses of nodes that accept traffic for the Service's ports (the seed's NodePort + externalIPs pattern).</summary>
    public IReadOnlyList<string> ExternalIPs { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
