using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>Options of a Gateway API HTTPRoute: the same host/path/service/TLS options as an Ingress, plus the Gateway it attaches to.</summary>
public sealed record HttpRouteOptions
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    public required IReadOnlyList<IngressRuleOptions> Rules { get; init; }
    public string GatewayName { get; init; } = HttpRouteBuilder.DefaultGatewayName;
    public string? GatewayNamespace { get; init; } = HttpRouteBuilder.DefaultGatewayNamespace;
    /// <summary>Serve HTTPS for the hosts with this kubernetes.io/tls secret: a ListenerSet on the Gateway terminates TLS.</summary>
    public string? TlsSecretName { get; init; }
    public IReadOnlyList<string>? TlsHosts { get; init; }
    /// <summary>Strip the rule's path prefix (a URLRewrite filter with ReplacePrefixMatch '/').</summary>
    public bool StripPathPrefix { get; init; }
}

/// <summary>An Ingress converted to Gateway API objects, with the annotations nothing in Gateway API replaces.</summary>
public sealed record IngressConversion(string Source, IReadOnlyList<GenericResource> Objects, IReadOnlyList<string> Untranslated);

/// <summary>
/// Builds gateway.networking.k8s.io/v1 HTTPRoutes (and, for TLS, a ListenerSet: GA since Gateway API v1.5, it lets an
/// app add its own HTTPS listener and certificate to a shared Gateway), and converts Ingress objects to them.
/// </summary>
public static class HttpRouteBuilder
{
    public const string ApiVersion = "gateway.networking.k8s.io/v1";
    public const string DefaultGatewayName = "gateway";
    public const string DefaultGatewayNamespace = "gateway-system";

    public static IReadOnlyList<GenericResource> Build(HttpRouteOptions o)
    {
        var name = Validate.Subdomain(o.Name, "-Name");
        if (o.Namespace is not null) Validate.Label(o.Namespace, "-Namespace");
        var gateway = Validate.Subdomain(o.GatewayName, "-GatewayName");
        if (o.GatewayNamespace is not null) Validate.Label(o.GatewayNamespace, "-GatewayNamespace");
        if (o.Rules.Count == 0) throw Validate.Invalid("-ServiceName", null, "An HTTPRoute needs at least one rule: give -ServiceName and -ServicePort.");
        var rules = o.Rules.Select(r => (Host: r.Host is null ? null : Validate.Host(r.Host, "-Host"), Rule: r)).ToList();
        var hosts = rules.Select(r => r.Host).OfType<string>().Distinct().ToList();
        if (hosts.Count > 0 && rules.Any(r => r.Host is null))
            throw Validate.Invalid("-Host", null, "An HTTPRoute's hostnames apply to all its rules: give every rule the same hosts, or make one route per host.");

        var objects = new List<GenericResource>();
        JsonObject parent;
        if (o.TlsSecretName is not null)
        {
            var secret = Validate.Subdomain(o.TlsSecretName, "-TlsSecretName");
            var tlsHosts = (o.TlsHosts ?? hosts).Select(h => Validate.Host(h, "-TlsHost")).ToList();
            if (tlsHosts.Count == 0) throw Validate.Invalid("-Host", null, "TLS needs a host: give -Host, or a certificate with DNS names.");
            var uncovered = hosts.Where(h => !tlsHosts.Any(t => IngressBuilder.Covers(t, h))).ToList();
            if (uncovered.Count > 0)
                throw Validate.Invalid("-Host", uncovered[0], $"The TLS certificate in secret {secret} covers {string.Join(", ", tlsHosts)}, not {string.Join(", ", uncovered)}.");
            var listeners = new JsonArray();
            foreach (var (h, i) in tlsHosts.Select((h, i) => (h, i)))
                listeners.Add(new JsonObject
                {
                    ["name"] = $"https-{i}", ["hostname"] = h, ["port"] = 443, ["protocol"] = "HTTPS",
                    ["tls"] = new JsonObject { ["mode"] = "Terminate", ["certificateRefs"] = new JsonArray(new JsonObject { ["kind"] = "Secret", ["name"] = secret }) },
                    ["allowedRoutes"] = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "Same" } },
                });
            var parentRef = new JsonObject { ["group"] = "gateway.networking.k8s.io", ["kind"] = "Gateway", ["name"] = gateway };
            if (o.GatewayNamespace is not null) parentRef["namespace"] = o.GatewayNamespace;
            objects.Add(Resource("ListenerSet", name, o.Namespace, new JsonObject { ["parentRef"] = parentRef, ["listeners"] = listeners }));
            parent = new JsonObject { ["group"] = "gateway.networking.k8s.io", ["kind"] = "ListenerSet", ["name"] = name };
        }
        else
        {
            parent = new JsonObject { ["name"] = gateway };
            if (o.GatewayNamespace is not null) parent["namespace"] = o.GatewayNamespace;
        }

        var routeRules = new JsonArray();
        foreach (var (_, r) in rules)
        {
            var pathType = r.PathType.ToLowerInvariant() switch
            {
                "prefix" => "PathPrefix",
                "exact" => "Exact",
                _ => throw Validate.Invalid("-PathType", r.PathType, $"-PathType '{r.PathType}' has no HTTPRoute equivalent: use Prefix or Exact."),
            };
            var path = Validate.HttpPath(r.Path, "-Path");
            var port = Validate.PortOrName(r.ServicePort, "-ServicePort");
            if (!int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber))
                throw Validate.Invalid("-ServicePort", port.Value, $"-ServicePort '{port.Value}' is a port name; an HTTPRoute backend needs the Service's port number.");
            var rule = new JsonObject
            {
                ["matches"] = new JsonArray(new JsonObject { ["path"] = new JsonObject { ["type"] = pathType, ["value"] = path } }),
                ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = Validate.Dns1035(r.ServiceName, "-ServiceName"), ["port"] = portNumber }),
            };
            if (o.StripPathPrefix && path != "/")
                rule["filters"] = new JsonArray(new JsonObject
                {
                    ["type"] = "URLRewrite",
                    ["urlRewrite"] = new JsonObject { ["path"] = new JsonObject { ["type"] = "ReplacePrefixMatch", ["replacePrefixMatch"] = "/" } },
                });
            routeRules.Add(rule);
        }
        var spec = new JsonObject { ["parentRefs"] = new JsonArray(parent) };
        if (hosts.Count > 0) spec["hostnames"] = new JsonArray(hosts.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray());
        spec["rules"] = routeRules;
        objects.Add(Resource("HTTPRoute", name, o.Namespace, spec));
        return objects;
    }

    /// <summary>
    /// Converts an Ingress: one HTTPRoute per host (named after the Ingress, with the host's first label when there are
    /// several), a ListenerSet when it has TLS, and the list of annotations that have no Gateway API equivalent.
    /// </summary>
    public static IngressConversion FromIngress(V1Ingress ingress, string gatewayName = DefaultGatewayName, string? gatewayNamespace = DefaultGatewayNamespace)
    {
        var source = $"Ingress {ingress.Metadata?.NamespaceProperty}/{ingress.Metadata?.Name}".Replace(" /", " ", StringComparison.Ordinal);
        var annotations = ingress.Metadata?.Annotations ?? new Dictionary<string, string>();
        var strip = IsStripPrefix(annotations);
        var untranslated = annotations.Keys.Where(k => !Translated(k, strip) && !k.StartsWith("kubectl.kubernetes.io/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var rules = ingress.Spec?.Rules ?? [];
        if (rules.Count == 0 && ingress.Spec?.DefaultBackend is not null)
            return new IngressConversion(source, [], [.. untranslated, "spec.defaultBackend (a catch-all belongs on the Gateway: an HTTPRoute without hostnames and a '/' match)"]);
        var objects = new List<GenericResource>();
        var byHost = rules.GroupBy(r => r.Host).ToList();
        foreach (var group in byHost)
        {
            var name = byHost.Count == 1 || group.Key is null ? ingress.Metadata!.Name : $"{ingress.Metadata!.Name}-{group.Key.Split('.')[0].Replace("*", "wildcard", StringComparison.Ordinal)}";
            var routeRules = group.SelectMany(r => r.Http?.Paths ?? []).Select(p => new IngressRuleOptions
            {
                Host = group.Key,
                Path = strip ? StrippedPath(p.Path) : p.Path ?? "/",
                PathType = strip ? "Prefix" : p.PathType,
                ServiceName = p.Backend?.Service?.Name ?? throw Validate.Invalid("-InputObject", source, $"{source} routes {p.Path} to a resource backend, which HTTPRoute cannot express."),
                ServicePort = (object?)p.Backend.Service.Port?.Number ?? p.Backend.Service.Port?.Name ?? throw Validate.Invalid("-InputObject", source, $"{source} has a backend without a port."),
            }).ToList();
            var tls = ingress.Spec?.Tls?.FirstOrDefault(t => group.Key is not null && (t.Hosts ?? []).Any(h => IngressBuilder.Covers(h, group.Key)));
            objects.AddRange(Build(new HttpRouteOptions
            {
                Name = name, Namespace = ingress.Metadata.NamespaceProperty, Rules = routeRules, GatewayName = gatewayName, GatewayNamespace = gatewayNamespace,
                TlsSecretName = tls?.SecretName, TlsHosts = tls is null ? null : [group.Key!], StripPathPrefix = strip,
            }));
        }
        return new IngressConversion(source, objects, untranslated);
    }

    private static bool IsStripPrefix(IDictionary<string, string> a) =>
        (a.TryGetValue("nginx.ingress.kubernetes.io/rewrite-target", out var t) && t == "/$2")
        || (a.TryGetValue("nginx.org/rewrites", out var r) && r.Contains("rewrite=/", StringComparison.Ordinal) && !r.Contains("rewrite=/.", StringComparison.Ordinal));

    private static bool Translated(string key, bool strip) => key switch
    {
        "kubernetes.io/ingress.class" => true, // the Gateway chooses the implementation
        "nginx.ingress.kubernetes.io/rewrite-target" or "nginx.ingress.kubernetes.io/use-regex" or "nginx.org/rewrites" => strip,
        _ => false,
    };

    private static string StrippedPath(string? path)
    {
        var p = path ?? "/";
        var regex = p.IndexOf("(/|$)", StringComparison.Ordinal);
        return regex > 0 ? p[..regex] : p.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
    }

    private static GenericResource Resource(string kind, string name, string? ns, JsonObject spec)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null) metadata["namespace"] = ns;
        return new GenericResource(new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec });
    }
}
