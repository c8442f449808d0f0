using System.Collections;
using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>
/// Where an install cmdlet's -Ingress hashtable exposes a web UI:
/// <c>@{ Host = 'mon.example.com'; TlsSecretName = 'mon-tls'; BasicAuthSecret = 'mon-auth'; IngressClassName = 'nginx'; Controller = 'NginxInc' }</c>.
/// </summary>
public sealed record IngressExposure(string Host, string? TlsSecretName = null, string? BasicAuthSecret = null, string? IngressClassName = null,
    IngressController Controller = IngressController.NginxInc)
{
    private static readonly string[] Keys = ["Host", "TlsSecretName", "BasicAuthSecret", "IngressClassName", "Controller"];

    /// <summary>Reads an -Ingress hashtable (keys matched without regard to case); Host is required.</summary>
    public static IngressExposure FromMap(IDictionary map, string field = "-Ingress")
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry e in map)
        {
            var key = e.Key.ToString() ?? string.Empty;
            var known = Keys.FirstOrDefault(k => k.Equals(key, StringComparison.OrdinalIgnoreCase))
                ?? throw Validate.Invalid(field, key, $"{field} has an unknown key '{key}': use {string.Join(", ", Keys)}.");
            values[known] = e.Value?.ToString();
        }
        if (!values.TryGetValue("Host", out var host) || string.IsNullOrWhiteSpace(host))
            throw Validate.Invalid(field, null, $"{field} needs a Host, e.g. @{{ Host = 'app.example.com' }}.");
        var controller = IngressController.NginxInc;
        if (values.TryGetValue("Controller", out var c) && c is not null && !Enum.TryParse(c, true, out controller))
            throw Validate.Invalid(field, c, $"{field} Controller '{c}' is not a controller: use NginxInc or IngressNginx.");
        var exposure = new IngressExposure(Validate.Host(host, $"{field} Host"), values.GetValueOrDefault("TlsSecretName"),
            values.GetValueOrDefault("BasicAuthSecret"), values.GetValueOrDefault("IngressClassName"), controller);
        if (exposure.TlsSecretName is not null) Validate.Subdomain(exposure.TlsSecretName, $"{field} TlsSecretName");
        if (exposure.BasicAuthSecret is not null) Validate.Subdomain(exposure.BasicAuthSecret, $"{field} BasicAuthSecret");
        if (exposure.IngressClassName is not null) Validate.Subdomain(exposure.IngressClassName, $"{field} IngressClassName");
        return exposure;
    }
}

/// <summary>Builds Ingress objects with the current API (networking.k8s.io/v1, explicit pathType, ingressClassName).</summary>
public static class IngressBuilder
{
    public static readonly IReadOnlyList<string> PathTypes = ["Prefix", "Exact", "ImplementationSpecific"];

    public static V1Ingress Build(IngressOptions o)
    {
        var name = Validate.Subdomain(o.Name, "-Name");
        if (o.Namespace is not null) Validate.Label(o.Namespace, "-Namespace");
        if (o.Rules.Count == 0) throw Validate.Invalid("-ServiceName", null, "An Ingress needs at least one rule: give -ServiceName and -ServicePort (and -Host, -Path).");
        if (o.IngressClassName is not null) Validate.Subdomain(o.IngressClassName, "-IngressClassName");
        if (o.TlsSecretName is not null) Validate.Subdomain(o.TlsSecretName, "-TlsSecretName");
        if (o.BasicAuthSecret is not null) Validate.Subdomain(o.BasicAuthSecret, "-BasicAuthSecret");
        var profile = IngressControllerProfile.For(o.Controller);

        var annotations = new Dictionary<string, string>();
        foreach (var (key, value) in o.Annotations) annotations[Validate.LabelKey(key, "-Annotation")] = value;
        if (o.BasicAuthSecret is not null)
            foreach (var (k, v) in profile.BasicAuthAnnotations(o.BasicAuthSecret, o.BasicAuthRealm)) annotations.TryAdd(k, v);

        var rules = new List<V1IngressRule>();
        foreach (var group in o.Rules.Select(Rule).GroupBy(r => r.Host))
        {
            var paths = group.Select(r => r.Path).ToList();
            var duplicate = paths.GroupBy(p => (p.Path, p.PathType)).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw Validate.Invalid("-Path", duplicate.Key.Path, $"Two rules route host '{group.Key ?? "*"}' path '{duplicate.Key.Path}' ({duplicate.Key.PathType}): give each path once.");
            rules.Add(new V1IngressRule { Host = group.Key, Http = new V1HTTPIngressRuleValue { Paths = paths } });
        }
        if (o.StripPathPrefix)
        {
            var services = rules.SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service.Name).Distinct().ToList();
            if (o.Controller == IngressController.IngressNginx && services.Count > 1)
                throw Validate.Invalid("-StripPathPrefix", null, "-StripPathPrefix with ingress-nginx rewrites every path of the Ingress: give one Ingress per service.");
            foreach (var (k, v) in o.Controller == IngressController.IngressNginx
                ? profile.StripPrefixAnnotations(services[0])
                : new Dictionary<string, string> { ["nginx.org/rewrites"] = string.Join(";", services.Select(s => profile.StripPrefixAnnotations(s).Values.Single())) })
                annotations[k] = v;
            foreach (var path in rules.SelectMany(r => r.Http.Paths)) StripPrefix(path, o.Controller);
        }

        List<V1IngressTLS>? tls = null;
        if (o.TlsSecretName is not null)
        {
            var hosts = (o.TlsHosts ?? rules.Select(r => r.Host).OfType<string>().Distinct().ToList()).Select(h => Validate.Host(h, "-TlsHost")).ToList();
            var uncovered = rules.Select(r => r.Host).OfType<string>().Where(h => !hosts.Any(t => Covers(t, h))).ToList();
            if (uncovered.Count > 0)
                throw Validate.Invalid("-Host", uncovered[0], $"The TLS certificate in secret {o.TlsSecretName} covers {string.Join(", ", hosts)}, not {string.Join(", ", uncovered)}: clients would get a name mismatch.",
                    "Use a host the certificate names, or issue a certificate with this host as a DNS name (New-KoCertificateRequest -DnsName).");
            tls = [new V1IngressTLS { SecretName = o.TlsSecretName, Hosts = hosts.Count == 0 ? null : hosts }];
        }

        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1", Kind = "Ingress",
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = o.Namespace,
                Annotations = annotations.Count == 0 ? null : annotations,
                Labels = o.Labels.Count == 0 ? null : new Dictionary<string, string>(Validate.Labels(new Dictionary<string, string>(o.Labels), "-Label")),
            },
            Spec = new V1IngressSpec { IngressClassName = o.IngressClassName, Rules = rules, Tls = tls },
        };
    }

    /// <summary>One Ingress that routes <paramref name="exposure"/>'s host and <paramref name="path"/> to a service port.</summary>
    public static V1Ingress ForService(IngressExposure exposure, string name, string @namespace, string serviceName, IntOrString servicePort, string path = "/") =>
        Build(new IngressOptions
        {
            Name = name, Namespace = @namespace, Controller = exposure.Controller, IngressClassName = exposure.IngressClassName,
            TlsSecretName = exposure.TlsSecretName, BasicAuthSecret = exposure.BasicAuthSecret,
            Rules = [new IngressRuleOptions { Host = exposure.Host, Path = path, ServiceName = serviceName, ServicePort = servicePort.Value }],
        });

    /// <summary>True when a certificate name (possibly '*.example.com') covers a host.</summary>
    public static bool Covers(string certificateName, string host)
    {
        if (string.Equals(certificateName, host, StringComparison.OrdinalIgnoreCase)) return true;
        if (!certificateName.StartsWith("*.", StringComparison.Ordinal)) return false;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && !host.StartsWith("*.", StringComparison.Ordinal) && string.Equals(host[(dot + 1)..], certificateName[2..], StringComparison.OrdinalIgnoreCase);
    }

    private static (string? Host, V1HTTPIngressPath Path) Rule(IngressRuleOptions r)
    {
        var host = r.Host is null ? null : Validate.Host(r.Host, "-Host");
        var pathType = PathTypes.FirstOrDefault(t => t.Equals(r.PathType, StringComparison.OrdinalIgnoreCase))
            ?? throw Validate.Invalid("-PathType", r.PathType, $"-PathType '{r.PathType}' is not a path type: use {string.Join(", ", PathTypes)}.");
        var path = pathType == "ImplementationSpecific" ? Validate.Required(r.Path, "-Path") : Validate.HttpPath(r.Path, "-Path");
        var service = Validate.Label(r.ServiceName, "-ServiceName");
        if (!char.IsAsciiLetterLower(service[0]))
            throw Validate.Invalid("-ServiceName", r.ServiceName, $"-ServiceName '{r.ServiceName}' must start with a letter (a Service name is a DNS-1035 label).");
        var port = Validate.PortOrName(r.ServicePort, "-ServicePort");
        var backend = new V1IngressServiceBackend
        {
            Name = service,
            Port = int.TryParse(port.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? new V1ServiceBackendPort { Number = number }
                : new V1ServiceBackendPort { Name = port.Value },
        };
        return (host, new V1HTTPIngressPath { Path = path, PathType = pathType, Backend = new V1IngressBackend { Service = backend } });
    }

    private static void StripPrefix(V1HTTPIngressPath path, IngressController controller)
    {
        var prefix = path.Path.TrimEnd('/');
        if (prefix.Length == 0) throw Validate.Invalid("-StripPathPrefix", path.Path, "-StripPathPrefix needs a -Path below '/', e.g. -Path /kibana.");
        if (controller == IngressController.IngressNginx)
        {
            path.Path = $"{prefix}(/|$)(.*)";
            path.PathType = "ImplementationSpecific";
        }
        else
        {
            path.Path = prefix + "/";
        }
    }
}
