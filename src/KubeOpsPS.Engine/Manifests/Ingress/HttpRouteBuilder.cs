using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>An HTTPRoute URLRewrite of the path: the whole path (ReplaceFullPath) or the matched prefix (ReplacePrefixMatch).</summary>
public sealed record PathRewrite(bool FullPath, string Value);

/// <summary>The Gateway implementation whose own resources carry what Gateway API has no field for (basic auth).</summary>
public enum GatewayImplementation { None, EnvoyGateway, NginxGatewayFabric }

/// <summary>
/// An Ingress converted to Gateway API objects, with the annotations nothing in Gateway API (or the chosen
/// implementation) replaces, and notes on what was converted but needs the user's attention.
/// </summary>
public sealed record IngressConversion(string Source, IReadOnlyList<GenericResource> Objects, IReadOnlyList<string> Untranslated, IReadOnlyList<string> Notes);

/// <summary>
/// Builds gateway.networking.k8s.io/v1 HTTPRoutes (and, for TLS, a ListenerSet: standard channel, v1, since Gateway API
/// v1.5; it lets an app add its own HTTPS listener and certificate to a shared Gateway whose allowedListeners admits
/// it), and converts Ingress objects to them. Experimental Gateway API types live in gateway.networking.x-k8s.io with
/// an X prefix (XBackendTrafficPolicy, XMesh); the module writes none of them. Checked against the v1.6.1 CRDs.
/// </summary>
public static class HttpRouteBuilder
{
    public const string ApiVersion = "gateway.networking.k8s.io/v1";
    /// <summary>Envoy Gateway's policy group (v1.9: SecurityPolicy, whose basicAuth reads the Secret key ".htpasswd").</summary>
    public const string EnvoyGatewayApiVersion = "gateway.envoyproxy.io/v1alpha1";
    public const string EnvoyBasicAuthKey = ".htpasswd";
    /// <summary>NGINX Gateway Fabric's filter group (v2.6: AuthenticationFilter, type Basic, Secret key "auth").</summary>
    public const string NginxGatewayFabricGroup = "gateway.nginx.org";
    public const string NginxGatewayFabricAuthKey = "auth";
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
        foreach (var ((_, r), index) in rules.Select((r, i) => (r, i)))
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
            var rewrite = o.Rewrites is { } rw && index < rw.Count ? rw[index] : o.StripPathPrefix && path != "/" ? new PathRewrite(false, "/") : null;
            var filters = new JsonArray();
            if (o.RuleFilter is not null) filters.Add(o.RuleFilter.DeepClone());
            if (rewrite is not null)
            {
                var value = Validate.HttpPath(rewrite.Value, "-Rewrite");
                filters.Add(new JsonObject
                {
                    ["type"] = "URLRewrite",
                    ["urlRewrite"] = new JsonObject
                    {
                        ["path"] = rewrite.FullPath
                            ? new JsonObject { ["type"] = "ReplaceFullPath", ["replaceFullPath"] = value }
                            : new JsonObject { ["type"] = "ReplacePrefixMatch", ["replacePrefixMatch"] = value },
                    },
                });
            }
            if (filters.Count > 0) rule["filters"] = filters;
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
    /// several), a ListenerSet when it has TLS, the chosen implementation's basic-auth resource, and the list of
    /// annotations that have no equivalent. rewrite-target becomes a URLRewrite where one can say it: a target without
    /// capture groups replaces the full path; a path 'P(/|$)(.*)' with target 'T$2' (or 'P/(.*)' with 'T$1', T empty
    /// or ending in '/') replaces the prefix P with T.
    /// </summary>
    public static IngressConversion FromIngress(V1Ingress ingress, string gatewayName = DefaultGatewayName, string? gatewayNamespace = DefaultGatewayNamespace,
        GatewayImplementation implementation = GatewayImplementation.None)
    {
        var source = $"Ingress {ingress.Metadata?.NamespaceProperty}/{ingress.Metadata?.Name}".Replace(" /", " ", StringComparison.Ordinal);
        var annotations = ingress.Metadata?.Annotations ?? new Dictionary<string, string>();
        var notes = new List<string>();
        var translated = new HashSet<string>(StringComparer.Ordinal) { "kubernetes.io/ingress.class" }; // the Gateway chooses the implementation
        var rules = ingress.Spec?.Rules ?? [];
        var paths = rules.SelectMany(r => r.Http?.Paths ?? []).Select(p => p.Path ?? "/").ToList();

        // rewrite-target (ingress-nginx) and nginx.org/rewrites (F5 NGINX Ingress Controller, strip form only).
        Func<string?, (string Path, string? PathType, PathRewrite? Rewrite)>? rewrite = null;
        var untranslatedReasons = new List<string>();
        if (annotations.TryGetValue("nginx.ingress.kubernetes.io/rewrite-target", out var target))
        {
            // A route without the rewrite would send other paths to the backend: refuse rather than convert wrongly.
            if (paths.FirstOrDefault(p => Rewrite(p, target) is null) is { } failed)
                throw Validate.Invalid("-InputObject", source, $"{source}: rewrite-target '{target}' for path '{failed}' has no URLRewrite equivalent (it replaces the full path or a literal prefix; this regular-expression rewrite is neither). Convert this Ingress by hand.");
            rewrite = p => Rewrite(p ?? "/", target)!.Value;
            translated.UnionWith(["nginx.ingress.kubernetes.io/rewrite-target", "nginx.ingress.kubernetes.io/use-regex"]);
        }
        else if (annotations.TryGetValue("nginx.org/rewrites", out var r) && r.Contains("rewrite=/", StringComparison.Ordinal) && !r.Contains("rewrite=/.", StringComparison.Ordinal))
        {
            rewrite = p => (StrippedPath(p), "Prefix", StrippedPath(p) == "/" ? null : new PathRewrite(false, "/"));
            translated.Add("nginx.org/rewrites");
        }

        // Basic auth: the implementation's own resource, or an annotation left for the user.
        var auth = BasicAuth(annotations);
        JsonObject? ruleFilter = null;
        var ns = ingress.Metadata?.NamespaceProperty;
        if (auth is { } a && implementation != GatewayImplementation.None)
        {
            translated.UnionWith(a.Keys);
            if (implementation == GatewayImplementation.NginxGatewayFabric)
            {
                var filterName = $"{ingress.Metadata!.Name}-basic-auth";
                ruleFilter = new JsonObject
                {
                    ["type"] = "ExtensionRef",
                    ["extensionRef"] = new JsonObject { ["group"] = NginxGatewayFabricGroup, ["kind"] = "AuthenticationFilter", ["name"] = filterName },
                };
                notes.Add($"basic auth: AuthenticationFilter {filterName} reads Secret {a.Secret} key '{NginxGatewayFabricAuthKey}' (htpasswd){(a.Keys.Any(k => k.StartsWith("nginx.org/", StringComparison.Ordinal)) ? "; the F5 NGINX Ingress Controller's secret keeps it under 'htpasswd': copy it to 'auth'" : string.Empty)}.");
            }
            else
                notes.Add($"basic auth: SecurityPolicy per route reads Secret {a.Secret} key '{EnvoyBasicAuthKey}', and Envoy verifies only {{SHA}} hashes (htpasswd -s); a bcrypt or $apr1$ secret must be re-made.");
        }
        else if (auth is not null)
        {
            translated.UnionWith(auth.Keys);
            untranslatedReasons.Add($"basic auth ({string.Join(", ", auth.Keys)}; -Implementation EnvoyGateway or NginxGatewayFabric converts it to that implementation's resource)");
        }

        var untranslated = annotations.Keys.Where(k => !translated.Contains(k) && !k.StartsWith("kubectl.kubernetes.io/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        untranslated.AddRange(untranslatedReasons);
        if (rules.Count == 0 && ingress.Spec?.DefaultBackend is not null)
            return new IngressConversion(source, [], [.. untranslated, "spec.defaultBackend (a catch-all belongs on the Gateway: an HTTPRoute without hostnames and a '/' match)"], notes);
        var objects = new List<GenericResource>();
        var byHost = rules.GroupBy(r => r.Host).ToList();
        foreach (var group in byHost)
        {
            var name = byHost.Count == 1 || group.Key is null ? ingress.Metadata!.Name : $"{ingress.Metadata!.Name}-{group.Key.Split('.')[0].Replace("*", "wildcard", StringComparison.Ordinal)}";
            var ingressPaths = group.SelectMany(r => r.Http?.Paths ?? []).ToList();
            var converted = ingressPaths.Select(p => rewrite?.Invoke(p.Path)).ToList();
            var routeRules = ingressPaths.Select((p, i) => new IngressRuleOptions
            {
                Host = group.Key,
                Path = converted[i]?.Path ?? p.Path ?? "/",
                PathType = converted[i]?.PathType ?? p.PathType,
                ServiceName = p.Backend?.Service?.Name ?? throw Validate.Invalid("-InputObject", source, $"{source} routes {p.Path} to a resource backend, which HTTPRoute cannot express."),
                ServicePort = (object?)p.Backend.Service.Port?.Number ?? p.Backend.Service.Port?.Name ?? throw Validate.Invalid("-InputObject", source, $"{source} has a backend without a port."),
            }).ToList();
            var tls = ingress.Spec?.Tls?.FirstOrDefault(t => group.Key is not null && (t.Hosts ?? []).Any(h => IngressBuilder.Covers(h, group.Key)));
            objects.AddRange(Build(new HttpRouteOptions
            {
                Name = name, Namespace = ns, Rules = routeRules, GatewayName = gatewayName, GatewayNamespace = gatewayNamespace,
                TlsSecretName = tls?.SecretName, TlsHosts = tls is null ? null : [group.Key!],
                Rewrites = rewrite is null ? null : converted.Select(c => c?.Rewrite).ToList(), RuleFilter = ruleFilter,
            }));
            if (auth is { } au && implementation == GatewayImplementation.EnvoyGateway)
                objects.Add(Resource("SecurityPolicy", $"{name}-basic-auth", ns, new JsonObject
                {
                    ["targetRefs"] = new JsonArray(new JsonObject { ["group"] = "gateway.networking.k8s.io", ["kind"] = "HTTPRoute", ["name"] = name }),
                    ["basicAuth"] = new JsonObject { ["users"] = new JsonObject { ["name"] = au.Secret } },
                }, EnvoyGatewayApiVersion));
        }
        if (auth is { } af && implementation == GatewayImplementation.NginxGatewayFabric)
            objects.Add(Resource("AuthenticationFilter", $"{ingress.Metadata!.Name}-basic-auth", ns, new JsonObject
            {
                ["type"] = "Basic",
                ["basic"] = new JsonObject { ["secretRef"] = new JsonObject { ["name"] = af.Secret }, ["realm"] = af.Realm },
            }, $"{NginxGatewayFabricGroup}/v1alpha1"));
        return new IngressConversion(source, objects, untranslated, notes);
    }

    /// <summary>
    /// The HTTPRoute match and URLRewrite for an ingress-nginx path with rewrite-target, or null when no URLRewrite
    /// says the same (see <see cref="FromIngress"/>).
    /// </summary>
    internal static (string Path, string? PathType, PathRewrite? Rewrite)? Rewrite(string path, string target)
    {
        if (!target.Contains('$'))
            return IsLiteral(path) && target.StartsWith('/') ? (path, "Prefix", new PathRewrite(true, target)) : null;
        foreach (var (suffix, group) in new[] { ("(/|$)(.*)", "$2"), ("/(.*)", "$1") })
        {
            if (!path.EndsWith(suffix, StringComparison.Ordinal) || !target.EndsWith(group, StringComparison.Ordinal)) continue;
            var prefix = path[..^suffix.Length];
            var replacement = target[..^group.Length];
            if (prefix.Length == 0 || !IsLiteral(prefix) || replacement.Contains('$') || (replacement.Length > 0 && !replacement.EndsWith('/'))) return null;
            var value = replacement.TrimEnd('/');
            if (value.Length == 0) value = "/";
            return (prefix, "Prefix", prefix == "/" && value == "/" ? null : new PathRewrite(false, value));
        }
        return null;
    }

    private static bool IsLiteral(string path) => path.StartsWith('/') && path.IndexOfAny(['(', ')', '[', ']', '*', '+', '?', '|', '^', '$', '\\', '{', '}', '.']) < 0;

    private sealed record BasicAuthAnnotations(string Secret, string Realm, IReadOnlyList<string> Keys);

    /// <summary>The basic-auth annotations of either NGINX controller (a Secret in the Ingress's namespace), or null.</summary>
    private static BasicAuthAnnotations? BasicAuth(IDictionary<string, string> a)
    {
        if (a.TryGetValue("nginx.ingress.kubernetes.io/auth-type", out var type) && type == "basic" && a.TryGetValue("nginx.ingress.kubernetes.io/auth-secret", out var secret)
            && !secret.Contains('/') && (!a.TryGetValue("nginx.ingress.kubernetes.io/auth-secret-type", out var st) || st == "auth-file"))
            return new(secret, a.TryGetValue("nginx.ingress.kubernetes.io/auth-realm", out var realm) ? realm : "Authentication Required",
                [.. new[] { "nginx.ingress.kubernetes.io/auth-type", "nginx.ingress.kubernetes.io/auth-secret", "nginx.ingress.kubernetes.io/auth-secret-type", "nginx.ingress.kubernetes.io/auth-realm" }.Where(a.ContainsKey)]);
        if (a.TryGetValue("nginx.org/basic-auth-secret", out var s2) && !s2.Contains('/'))
            return new(s2, a.TryGetValue("nginx.org/basic-auth-realm", out var r2) ? r2 : "Authentication Required",
                [.. new[] { "nginx.org/basic-auth-secret", "nginx.org/basic-auth-realm" }.Where(a.ContainsKey)]);
        return null;
    }

    private static string StrippedPath(string? path)
    {
        var p = path ?? "/";
        var regex = p.IndexOf("(/|$)", StringComparison.Ordinal);
        return regex > 0 ? p[..regex] : p.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/";
    }

    private static GenericResource Resource(string kind, string name, string? ns, JsonObject spec, string apiVersion = ApiVersion)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null) metadata["namespace"] = ns;
        return new GenericResource(new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec });
    }
}
