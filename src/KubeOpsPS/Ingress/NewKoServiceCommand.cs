using System.Collections;
using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.Workloads;

namespace KubeOpsPS.Ingress;

/// <summary>
/// Builds a Service: ClusterIP, NodePort, LoadBalancer or Headless, with externalIPs for the seed's NodePort +
/// externalIPs pattern. Pipe a Deployment or StatefulSet to take its selector, name and ports; the workload is
/// passed on first, so the pipeline can end in Publish-KoResource. Touches no cluster.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoService", DefaultParameterSetName = "Selector")]
[OutputType(typeof(V1Service), typeof(V1Deployment), typeof(V1StatefulSet))]
public sealed class NewKoServiceCommand : KoCmdlet
{
    /// <summary>The Service's name; omitted with a piped workload: the workload's name.</summary>
    [Parameter(Position = 0)]
    public string? Name { get; set; }

    /// <summary>The namespace; omitted: the piped workload's, or the context's when applied.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>ClusterIP (default), NodePort, LoadBalancer or Headless.</summary>
    [Parameter]
    [ValidateSet("ClusterIP", "NodePort", "LoadBalancer", "Headless")]
    public string Type { get; set; } = "ClusterIP";

    /// <summary>The ports clients connect to; omitted with a piped workload: its container ports.</summary>
    [Parameter]
    public int[] Port { get; set; } = [];

    /// <summary>The pods' ports (numbers or names), one per -Port; omitted: the same as -Port.</summary>
    [Parameter]
    public object[] TargetPort { get; set; } = [];

    /// <summary>Node ports (NodePort or LoadBalancer), one per -Port.</summary>
    [Parameter]
    public int[] NodePort { get; set; } = [];

    /// <summary>Node addresses that accept traffic for the ports (externalIPs).</summary>
    [Parameter]
    public string[] ExternalIP { get; set; } = [];

    /// <summary>The labels of the pods to send traffic to; omitted with a piped workload: its selector.</summary>
    [Parameter(ParameterSetName = "Selector")]
    public Hashtable? Selector { get; set; }

    /// <summary>A Deployment or StatefulSet to put the Service in front of.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Workload")]
    public object? InputObject { get; set; }

    /// <summary>Extra labels.</summary>
    [Parameter]
    public Hashtable? Label { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            Emit(Name, Namespace, PSObjects.Strings(Selector), Port);
            return;
        }
        foreach (var workload in KubernetesObjects([InputObject]))
        {
            var target = Build(() => ServiceBuilder.Target(workload), workload);
            WriteObject(workload);
            Emit(Name ?? target.Name, Namespace ?? target.Namespace, Selector is null ? target.Selector : PSObjects.Strings(Selector), Port.Length > 0 ? Port : target.Ports);
        }
    }

    private void Emit(string? name, string? ns, IReadOnlyDictionary<string, string> selector, IReadOnlyList<int> ports)
    {
        if (TargetPort.Length > ports.Count || NodePort.Length > ports.Count)
            Fail(Engine.Validation.Validate.Invalid(TargetPort.Length > ports.Count ? "-TargetPort" : "-NodePort", null, "Give at most one -TargetPort and one -NodePort per -Port, in the same order."));
        var options = new ServiceOptions
        {
            Name = name!, Namespace = ns, Type = Type, Selector = selector, ExternalIPs = ExternalIP, Labels = PSObjects.Strings(Label),
            Ports = ports.Select((p, i) => new ServicePortOptions(p, i < TargetPort.Length ? PSObjects.Unwrap(TargetPort[i]) : null, i < NodePort.Length ? NodePort[i] : null)).ToList(),
        };
        var service = Build(() => ServiceBuilder.Build(options));
        if (ExternalIP.Length > 0)
            WriteWarning("Service externalIPs are deprecated since Kubernetes 1.36 (the API server warns) and off by default from 1.40. Prefer -Type LoadBalancer with a bare-metal load balancer (MetalLB, kube-vip, Cilium LB IPAM) or a Gateway; see recipe 1.");
        WriteObject(service);
    }
}
