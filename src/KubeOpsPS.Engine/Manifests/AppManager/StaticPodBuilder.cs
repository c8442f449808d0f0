using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.AppManager;

/// <summary>Static pods: Pod manifests the kubelet runs from its --pod-manifest-path, validated before they are written.</summary>
public static class StaticPodBuilder
{
    /// <summary>Why a static pod may not reference API objects: the reason every refusal gives.</summary>
    internal const string Why = "the kubelet starts static pods from files, without the API server, and since Kubernetes 1.37 it refuses a static pod that references a ConfigMap, Secret or ServiceAccount";

    public const string DefaultManifestPath = "/etc/kubernetes/manifests";

    /// <summary>A Pod with one container, for the common case.</summary>
    public static V1Pod Build(string name, string ns, string image, IReadOnlyList<int> ports, IReadOnlyList<string>? command, bool hostNetwork)
    {
        var pod = new V1Pod
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name } },
            Spec = new V1PodSpec
            {
                HostNetwork = hostNetwork ? true : null,
                Containers =
                [
                    new V1Container
                    {
                        Name = name.Length <= 63 ? name : name[..63].TrimEnd('-', '.'),
                        Image = image,
                        Command = command is { Count: > 0 } ? command.ToList() : null,
                        Ports = ports.Count == 0 ? null : ports.Select(p => new V1ContainerPort { ContainerPort = Validate.Port(p, "-Port") }).ToList(),
                    },
                ],
            },
        };
        Check(pod);
        return pod;
    }

    /// <summary>What the kubelet and API server would refuse: names, containers, images, ports. Returns the file name to write.</summary>
    public static string Check(V1Pod pod)
    {
        var name = Validate.Subdomain(pod.Metadata?.Name, "metadata.name");
        if (pod.Metadata?.NamespaceProperty is { } ns) Validate.Label(ns, "metadata.namespace");
        if (pod.Spec?.Containers is not { Count: > 0 } containers)
            throw Validate.Invalid("spec.containers", null, $"Pod {name} has no containers; a static pod needs at least one.");
        // The kubelet runs static pods without the API server: they cannot use ServiceAccounts, ConfigMaps or Secrets,
        // and since Kubernetes 1.37 the kubelet refuses to start a static pod that references one.
        if (!string.IsNullOrEmpty(pod.Spec.ServiceAccountName) && pod.Spec.ServiceAccountName != "default")
            throw Validate.Invalid("spec.serviceAccountName", pod.Spec.ServiceAccountName, $"Static pod {name} names ServiceAccount '{pod.Spec.ServiceAccountName}'; static pods cannot use ServiceAccounts ({Why}).");
        foreach (var v in pod.Spec.Volumes ?? [])
            if (v.ConfigMap is not null || v.Secret is not null || v.Projected is not null)
                throw Validate.Invalid("spec.volumes", v.Name, $"Static pod {name} mounts volume '{v.Name}' from a ConfigMap, Secret or projected source; static pods cannot use them ({Why}; use hostPath).");
        foreach (var c in containers.Concat(pod.Spec.InitContainers ?? []))
            if ((c.EnvFrom ?? []).Any(e => e.ConfigMapRef is not null || e.SecretRef is not null) || (c.Env ?? []).Any(e => e.ValueFrom?.ConfigMapKeyRef is not null || e.ValueFrom?.SecretKeyRef is not null))
                throw Validate.Invalid("spec.containers[].env", c.Name, $"Container '{c.Name}' of static pod {name} reads a ConfigMap or Secret; static pods cannot ({Why}).");
        var seen = new HashSet<string>();
        foreach (var c in containers)
        {
            Validate.Label(c.Name, "spec.containers[].name");
            if (!seen.Add(c.Name)) throw Validate.Invalid("spec.containers[].name", c.Name, $"Container name '{c.Name}' is used twice.");
            Validate.Required(c.Image, $"spec.containers[{c.Name}].image");
            foreach (var p in c.Ports ?? []) Validate.Port(p.ContainerPort, $"spec.containers[{c.Name}].ports");
        }
        return name + ".yaml";
    }
}
