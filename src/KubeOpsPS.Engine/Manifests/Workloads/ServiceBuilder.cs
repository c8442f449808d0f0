using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>Builds Services, from options or in front of a Deployment or StatefulSet.</summary>
public static class ServiceBuilder
{
    public static readonly IReadOnlyList<string> Types = ["ClusterIP", "NodePort", "LoadBalancer", "Headless"];

    public static V1Service Build(ServiceOptions o)
    {
        var name = Validate.Dns1035(o.Name, "-Name");
        if (o.Namespace is not null) Validate.Label(o.Namespace, "-Namespace");
        var type = Types.FirstOrDefault(t => t.Equals(o.Type, StringComparison.OrdinalIgnoreCase))
            ?? throw Validate.Invalid("-Type", o.Type, $"-Type '{o.Type}' is not a Service type: use {string.Join(", ", Types)}.");
        if (o.Ports.Count == 0 && type != "Headless") throw Validate.Invalid("-Port", null, "-Port is required: give the port clients connect to (e.g. -Port 80 -TargetPort 8080).");
        if (o.Selector.Count == 0) throw Validate.Invalid("-Selector", null, "-Selector is required: give the pods' labels, or pipe in the Deployment or StatefulSet.");
        var ports = o.Ports.Select(p => Port(p, type, o.Ports.Count)).ToList();
        var duplicate = ports.GroupBy(p => (p.Port, p.Protocol)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw Validate.Invalid("-Port", duplicate.Key.Port, $"-Port {duplicate.Key.Port} is given twice.");
        var externalIps = o.ExternalIPs.Select(ip => Validate.IpAddress(ip, "-ExternalIP")).ToList();
        return new V1Service
        {
            ApiVersion = "v1", Kind = "Service",
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = o.Namespace,
                Labels = o.Labels.Count == 0 ? null : new Dictionary<string, string>(Validate.Labels(new Dictionary<string, string>(o.Labels), "-Label")),
            },
            Spec = new V1ServiceSpec
            {
                Type = type == "Headless" ? "ClusterIP" : type,
                ClusterIP = type == "Headless" ? "None" : null,
                Selector = new Dictionary<string, string>(Validate.Labels(new Dictionary<string, string>(o.Selector), "-Selector")),
                Ports = ports.Count == 0 ? null : ports,
                ExternalIPs = externalIps.Count == 0 ? null : externalIps,
            },
        };
    }

    /// <summary>The selector and container ports of a Deployment or StatefulSet, to put a Service in front of it.</summary>
    public static (string Name, string? Namespace, IReadOnlyDictionary<string, string> Selector, IReadOnlyList<int> Ports) Target(object workload) => workload switch
    {
        V1Deployment d => (d.Metadata.Name, d.Metadata.NamespaceProperty, d.Spec.Selector.MatchLabels.AsReadOnly(), ContainerPorts(d.Spec.Template)),
        V1StatefulSet s => (s.Metadata.Name, s.Metadata.NamespaceProperty, s.Spec.Selector.MatchLabels.AsReadOnly(), ContainerPorts(s.Spec.Template)),
        _ => throw Validate.Invalid("-InputObject", workload.GetType().Name, "Pipe a Deployment or StatefulSet (New-KoDeployment, New-KoStatefulSet, Get-KoResource) to put a Service in front of it."),
    };

    private static IReadOnlyList<int> ContainerPorts(V1PodTemplateSpec template) =>
        template.Spec.Containers.SelectMany(c => c.Ports ?? []).Select(p => p.ContainerPort).Distinct().ToList();

    private static V1ServicePort Port(ServicePortOptions p, string type, int count)
    {
        Validate.Port(p.Port, "-Port");
        var target = Validate.PortOrName(p.TargetPort ?? p.Port, "-TargetPort");
        if (p.NodePort is { } np)
        {
            if (type is not ("NodePort" or "LoadBalancer"))
                throw Validate.Invalid("-NodePort", np, $"-NodePort needs -Type NodePort or LoadBalancer, not {type}.");
            Validate.Port(np, "-NodePort");
        }
        var protocol = p.Protocol.ToUpperInvariant() is "TCP" or "UDP" or "SCTP" ? p.Protocol.ToUpperInvariant()
            : throw Validate.Invalid("-Protocol", p.Protocol, $"-Protocol '{p.Protocol}' is not TCP, UDP or SCTP.");
        return new V1ServicePort
        {
            Name = p.Name is null ? (count > 1 ? $"port-{p.Port}" : null) : Validate.PortName(p.Name, "-PortName"),
            Port = p.Port, TargetPort = target, NodePort = p.NodePort, Protocol = protocol,
        };
    }
}
