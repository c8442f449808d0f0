using System.Net;
using System.Text.RegularExpressions;

namespace KubeOpsPS.Engine.Validation;

/// <summary>Host names and URL paths as Ingress and HTTPRoute rules accept them.</summary>
public static partial class Validate
{
    [GeneratedRegex(@"^[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")]
    private static partial Regex PathCharsRegex();

    /// <summary>
    /// A rule's host: a DNS-1123 subdomain, optionally starting with a single '*.' wildcard label; not an IP address
    /// (the Ingress and HTTPRoute APIs refuse addresses). Upper case is folded, as DNS is case-insensitive.
    /// </summary>
    public static string Host(string? value, string field)
    {
        Require(value, field);
        var host = value!.Trim().ToLowerInvariant();
        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
            throw Invalid(field, value, $"{field} '{value}' is an IP address; a rule's host must be a DNS name (e.g. 'app.example.com').",
                "Omit the host to match requests for any host, or use the name clients put in the Host header.");
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (name.Contains('*', StringComparison.Ordinal))
            throw Invalid(field, value, $"{field} '{value}' has a '*' that is not the whole first label: only '*.example.com' wildcards are allowed.");
        if (name.Length > 253 || !Dns1123SubdomainRegex().IsMatch(name) || name.Split('.').Any(l => l.Length > 63))
            throw Invalid(field, value, $"{field} '{value}' is not a valid host name: DNS labels of letters, digits and '-' (at most 63 each), separated by '.', e.g. 'dashboard.example.com'.");
        return host;
    }

    /// <summary>An HTTP path for a routing rule: starts with '/', no spaces, query or fragment.</summary>
    public static string HttpPath(string? value, string field)
    {
        Require(value, field);
        if (!value!.StartsWith('/'))
            throw Invalid(field, value, $"{field} '{value}' must start with '/': e.g. '/{value.TrimStart('.')}'.");
        if (value.Contains("//", StringComparison.Ordinal) || !PathCharsRegex().IsMatch(value) || value.Length > 1024)
            throw Invalid(field, value, $"{field} '{value}' is not a valid URL path: no spaces, '?', '#', '//' or other characters that need escaping.");
        return value;
    }

    /// <summary>An IPv4 address in dotted-quad form (four parts, no shorthand) or an IPv6 address; returned in canonical form.</summary>
    public static string IpAddress(string? value, string field)
    {
        Require(value, field);
        var v = value!.Trim();
        var ok = IPAddress.TryParse(v, out var address)
            && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? v.Contains(':', StringComparison.Ordinal) : v.Split('.').Length == 4);
        if (!ok) throw Invalid(field, value, $"{field} '{value}' is not an IP address (e.g. 192.168.1.10 or fd00::10).");
        return address!.ToString();
    }
}
