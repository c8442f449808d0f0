using System.Globalization;
using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>The validated parts of a workload: its name, labels (selector = app.kubernetes.io/name) and pod template.</summary>
public sealed record WorkloadParts(string Name, Dictionary<string, string> Labels, Dictionary<string, string> Selector, V1PodTemplateSpec Template);

/// <summary>Builds the pod template shared by the workload builders; the one place the shorthands are parsed.</summary>
public static class PodTemplateBuilder
{
    public const string NameLabel = "app.kubernetes.io/name";

    public static WorkloadParts Build(WorkloadOptions o)
    {
        var name = Validate.Subdomain(o.Name, "-Name");
        if (o.Namespace is not null) Validate.Label(o.Namespace, "-Namespace");
        Validate.Image(o.Image, "-Image");
        if (o.Replicas < 0) throw Validate.Invalid("-Replicas", o.Replicas, "-Replicas cannot be negative.");
        if (o.MinReadySeconds is < 0) throw Validate.Invalid("-MinReadySeconds", o.MinReadySeconds, "-MinReadySeconds cannot be negative.");
        var labels = new Dictionary<string, string>(Validate.Labels(new Dictionary<string, string>(o.Labels), "-Label")) { [NameLabel] = name };
        var container = new V1Container
        {
            Name = ContainerName(name),
            Image = o.Image,
            Ports = o.Ports.Count == 0 ? null : o.Ports.Select(p => new V1ContainerPort { ContainerPort = Validate.Port(p, "-Port") }).ToList(),
            Env = o.Env.Count == 0 ? null : o.Env.Select(e => new V1EnvVar { Name = Validate.Required(e.Key, "-Env"), Value = e.Value }).ToList(),
            EnvFrom = o.EnvFromSecret.Count == 0 ? null : o.EnvFromSecret.Select(s => new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = Validate.Subdomain(s, "-EnvFromSecret") } }).ToList(),
            ReadinessProbe = o.ReadinessProbe is null ? null : Probe(o.ReadinessProbe, "-ReadinessProbe"),
            LivenessProbe = o.LivenessProbe is null ? null : Probe(o.LivenessProbe, "-LivenessProbe"),
        };
        var requests = Resources(("cpu", o.Cpu, "-Cpu"), ("memory", o.Memory, "-Memory"));
        var limits = Resources(("cpu", o.CpuLimit, "-CpuLimit"), ("memory", o.MemoryLimit, "-MemoryLimit"));
        if (requests is not null || limits is not null) container.Resources = new V1ResourceRequirements { Requests = requests, Limits = limits };
        var volumes = new List<V1Volume>();
        var mounts = new List<V1VolumeMount>();
        foreach (var spec in o.VolumeClaims)
        {
            var (claim, path) = ClaimMount(spec, "-VolumeClaim", "claim:/absolute/mount/path, e.g. mysql-data:/var/lib/mysql");
            var volName = Validate.Label(claim.Length <= 63 ? claim.Replace('.', '-') : claim[..63], "-VolumeClaim");
            volumes.Add(new V1Volume { Name = volName, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } });
            mounts.Add(new V1VolumeMount { Name = volName, MountPath = path });
        }
        if (mounts.Count > 0) container.VolumeMounts = mounts;
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
            Spec = new V1PodSpec { Containers = [container], Volumes = volumes.Count == 0 ? null : volumes },
        };
        return new WorkloadParts(name, labels, new Dictionary<string, string> { [NameLabel] = name }, template);
    }

    /// <summary>A container name (a DNS label) from a workload name (a DNS subdomain).</summary>
    public static string ContainerName(string name) => name.Length <= 63 ? name.Split('.')[0] : name[..63].TrimEnd('-', '.');

    /// <summary>Splits "name:/absolute/path" (the -VolumeClaim shorthand); the name is a DNS subdomain.</summary>
    public static (string Name, string Path) ClaimMount(string spec, string field, string shape)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == spec.Length - 1 || spec[colon + 1] != '/')
            throw Validate.Invalid(field, spec, $"{field} '{spec}' must be {shape}.");
        var path = spec[(colon + 1)..];
        if (path.Any(char.IsControl)) throw Validate.Invalid(field, spec, $"{field} '{spec}' has a control character in its mount path.");
        return (Validate.Subdomain(spec[..colon], field), path);
    }

    /// <summary>A probe from the shorthand tcp:8080 or http:8080/healthz (the seed's tcpSocket probes).</summary>
    public static V1Probe Probe(string spec, string field)
    {
        var parts = spec.Split(':', 2);
        if (parts.Length == 2 && parts[0] == "tcp" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var tcpPort))
            return new V1Probe { TcpSocket = new V1TCPSocketAction { Port = Validate.Port(tcpPort, field) }, PeriodSeconds = 10 };
        if (parts.Length == 2 && parts[0] is "http" or "https")
        {
            var slash = parts[1].IndexOf('/', StringComparison.Ordinal);
            var portText = slash < 0 ? parts[1] : parts[1][..slash];
            if (int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var httpPort))
                return new V1Probe { HttpGet = new V1HTTPGetAction { Port = Validate.Port(httpPort, field), Path = slash < 0 ? "/" : parts[1][slash..], Scheme = parts[0].ToUpperInvariant() }, PeriodSeconds = 10 };
        }
        throw Validate.Invalid(field, spec, $"{field} '{spec}' is not a probe: use tcp:PORT (e.g. tcp:8080) or http:PORT/PATH (e.g. http:8080/healthz).");
    }

    private static Dictionary<string, ResourceQuantity>? Resources(params (string Key, string? Value, string Field)[] items)
    {
        var d = items.Where(i => i.Value is not null).ToDictionary(i => i.Key, i => Validate.Quantity(i.Value, i.Field));
        return d.Count == 0 ? null : d;
    }
}
