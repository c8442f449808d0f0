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
    [Parameter(Position = 0)]
    public string? Name { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter]
    [ValidateSet("ClusterIP", "NodePort", "LoadBalancer", "Headless")]
    public string Type { get; set; } = "ClusterIP";

    [Parameter]
    public int[] Port { get; set; } = [];

    [Parameter]
    public object[] TargetPort { get; set; } = [];

    [Parameter]
    public int[] NodePort { get; set; } = [];

    [Parameter]
    public string[] ExternalIP { get; set; } = [];

    [Parameter(ParameterSetName = "Selector")]
    public Hashtable? Selector { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Workload")]
    public object? InputObject { get; set; }

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
