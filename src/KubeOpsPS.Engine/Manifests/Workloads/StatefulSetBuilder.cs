using k8s.Models;
using KubeOpsPS.Engine.Manifests.Storage;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>
/// Builds a StatefulSet whose selector matches its template, with volumeClaimTemplates and an explicit claim
/// retention policy (Retain on delete and on scale-down: the seed's "deleting the StatefulSet keeps the claims"),
/// and, when asked, the headless Service that gives its pods their stable DNS names.
/// </summary>
public static class StatefulSetBuilder
{
    public static V1StatefulSet Build(StatefulSetOptions o)
    {
        var parts = PodTemplateBuilder.Build(o);
        // Pod names are <name>-<ordinal> and serve as host names (DNS labels); the controller-revision-hash label
        // (<name>-<hash>) must stay within 63 characters, which leaves 52 for the name.
        if (parts.Name.Contains('.') || parts.Name.Length > 52)
            throw Validate.Invalid("-Name", o.Name, $"-Name '{o.Name}' cannot name a StatefulSet: use at most 52 lower-case letters, digits and '-' (its pods are named <name>-0, <name>-1, ...).");
        var serviceName = Validate.Dns1035(o.ServiceName ?? parts.Name, "-ServiceName");
        if (o.PodManagementPolicy is not ("OrderedReady" or "Parallel"))
            throw Validate.Invalid("-PodManagementPolicy", o.PodManagementPolicy, $"-PodManagementPolicy '{o.PodManagementPolicy}' must be OrderedReady or Parallel.");
        var templates = new List<V1PersistentVolumeClaim>();
        var mounts = parts.Template.Spec.Containers[0].VolumeMounts ?? [];
        foreach (var spec in o.VolumeClaimTemplates)
        {
            var (name, size, path) = ParseTemplate(spec);
            if (templates.Any(t => t.Metadata.Name == name) || (parts.Template.Spec.Volumes ?? []).Any(v => v.Name == name))
                throw Validate.Invalid("-VolumeClaimTemplate", spec, $"-VolumeClaimTemplate '{spec}': the volume name '{name}' is used twice.");
            var claim = VolumeClaimBuilder.Build(new VolumeClaimOptions { Name = name, Size = size, AccessMode = o.AccessMode, StorageClass = o.StorageClass });
            // A template has no kind, apiVersion or namespace of its own: the controller names claims <template>-<pod>.
            templates.Add(new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = name }, Spec = claim.Spec });
            mounts.Add(new V1VolumeMount { Name = name, MountPath = path });
        }
        if (mounts.Count > 0) parts.Template.Spec.Containers[0].VolumeMounts = mounts;
        if (o.StorageClass is not null && templates.Count == 0)
            throw Validate.Invalid("-StorageClass", o.StorageClass, "-StorageClass applies to the claims of -VolumeClaimTemplate; give at least one template.");
        return new V1StatefulSet
        {
            ApiVersion = "apps/v1", Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = parts.Name, NamespaceProperty = o.Namespace, Labels = parts.Labels },
            Spec = new V1StatefulSetSpec
            {
                Replicas = o.Replicas,
                ServiceName = serviceName,
                Selector = new V1LabelSelector { MatchLabels = parts.Selector },
                PodManagementPolicy = o.PodManagementPolicy == "OrderedReady" ? null : o.PodManagementPolicy,
                MinReadySeconds = o.MinReadySeconds,
                Template = parts.Template,
                VolumeClaimTemplates = templates.Count == 0 ? null : templates,
                PersistentVolumeClaimRetentionPolicy = templates.Count == 0 ? null : new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Retain", WhenScaled = "Retain" },
            },
        };
    }

    /// <summary>The headless Service (clusterIP None) governing a StatefulSet: stable names pod-N.service.namespace.</summary>
    public static V1Service HeadlessService(V1StatefulSet set)
    {
        var ports = set.Spec.Template.Spec.Containers.SelectMany(c => c.Ports ?? []).Select(p => p.ContainerPort).Distinct().ToList();
        return new V1Service
        {
            ApiVersion = "v1", Kind = "Service",
            Metadata = new V1ObjectMeta { Name = set.Spec.ServiceName, NamespaceProperty = set.Metadata.NamespaceProperty, Labels = new Dictionary<string, string>(set.Metadata.Labels) },
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                Selector = new Dictionary<string, string>(set.Spec.Selector.MatchLabels),
                // Pods are addressable before they are ready, so peers can find each other while they start.
                PublishNotReadyAddresses = true,
                Ports = ports.Count == 0 ? null : ports.Select(p => new V1ServicePort { Name = $"port-{p}", Port = p, TargetPort = p, Protocol = "TCP" }).ToList(),
            },
        };
    }

    /// <summary>Parses name=size:/mount/path.</summary>
    public static (string Name, string Size, string Path) ParseTemplate(string spec)
    {
        const string Field = "-VolumeClaimTemplate";
        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw Validate.Invalid(Field, spec, $"{Field} '{spec}' must be name=size:/mount/path, e.g. data=10Gi:/var/lib/mysql.");
        try
        {
            var name = Validate.Label(spec[..eq], Field);
            var (size, path) = SplitSizePath(spec, spec[(eq + 1)..], Field);
            return (name, size, path);
        }
        catch (KoValidationException e) when (!e.Message.Contains(spec, StringComparison.Ordinal))
        {
            // Name the whole template, not just its part, so the user sees which one is wrong.
            throw Validate.Invalid(Field, spec, $"{Field} '{spec}': {e.Message}", e.Hint);
        }
    }

    private static (string Size, string Path) SplitSizePath(string spec, string rest, string field)
    {
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == rest.Length - 1 || rest[colon + 1] != '/')
            throw Validate.Invalid(field, spec, $"{field} '{spec}' must be name=size:/mount/path, e.g. data=10Gi:/var/lib/mysql.");
        var size = rest[..colon];
        Validate.Quantity(size, field);
        var path = rest[(colon + 1)..];
        if (path.Any(char.IsControl)) throw Validate.Invalid(field, spec, $"{field} '{spec}' has a control character in its mount path.");
        return (size, path);
    }
}
