using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Storage;

/// <summary>Builds a PersistentVolumeClaim (spec.storageClassName, not the old beta annotation).</summary>
public static class VolumeClaimBuilder
{
    /// <summary>The access modes a claim can ask for.</summary>
    public static readonly IReadOnlyList<string> AccessModes = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"];

    public static V1PersistentVolumeClaim Build(VolumeClaimOptions o)
    {
        var name = Validate.Subdomain(o.Name, "-Name");
        if (o.Namespace is not null) Validate.Label(o.Namespace, "-Namespace");
        var size = Validate.Quantity(o.Size, "-Size");
        var mode = AccessMode(o.AccessMode);
        if (o.StorageClass is { Length: > 0 }) Validate.Subdomain(o.StorageClass, "-StorageClass");
        var labels = o.Labels.Count == 0 ? null : new Dictionary<string, string>(Validate.Labels(new Dictionary<string, string>(o.Labels), "-Label"));
        return new V1PersistentVolumeClaim
        {
            ApiVersion = "v1", Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = o.Namespace, Labels = labels },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = [mode],
                StorageClassName = o.StorageClass,
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = size } },
            },
        };
    }

    /// <summary>An access mode, matched without regard to case, in its canonical spelling.</summary>
    public static string AccessMode(string? value)
    {
        Validate.Required(value, "-AccessMode");
        return AccessModes.FirstOrDefault(m => string.Equals(m, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Validate.Invalid("-AccessMode", value, $"-AccessMode '{value}' is not an access mode: use {string.Join(", ", AccessModes)}.",
                "NFS classes serve ReadWriteMany; most block storage only ReadWriteOnce.");
    }
}
