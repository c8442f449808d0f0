using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.Ingress;

/// <summary>Finds which controller serves an IngressClass, so annotations and secrets match the cluster's controller.</summary>
public static class IngressClassLookup
{
    public static readonly KubeKind ClassKind = KubeTypes.Find("networking.k8s.io/v1", "IngressClass")!;

    /// <summary>
    /// The controller of class <paramref name="className"/> (or of the cluster's default class when null); null when
    /// the class is missing or belongs to another controller.
    /// </summary>
    public static async Task<IngressController?> ControllerAsync(ClusterGateway gateway, string? className, CancellationToken ct)
    {
        var (items, _) = await gateway.ListAsync(ClassKind, null, ct: ct).ConfigureAwait(false);
        var classes = items.OfType<V1IngressClass>().ToList();
        var match = className is null
            ? classes.FirstOrDefault(c => c.Metadata.Annotations?.TryGetValue(IngressControllerBundle.DefaultClassAnnotation, out var v) == true && v == "true")
            : classes.FirstOrDefault(c => c.Metadata.Name == className);
        return IngressControllerProfile.FromControllerClass(match?.Spec?.Controller);
    }
}
