using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Crypto;

/// <summary>Reads kubernetes.io/tls secrets.</summary>
public static class TlsSecrets
{
    public const string Type = "kubernetes.io/tls";

    /// <summary>The DNS names (subject alternative names) of the leaf certificate in a TLS secret's tls.crt.</summary>
    public static IReadOnlyList<string> HostsOf(V1Secret secret)
    {
        var name = secret.Metadata?.Name ?? "(unnamed)";
        var pem = secret.Data?.TryGetValue("tls.crt", out var bytes) == true ? Encoding.ASCII.GetString(bytes)
            : secret.StringData?.TryGetValue("tls.crt", out var text) == true ? text
            : throw Validate.Invalid("-InputObject", name, $"Secret {name} has no tls.crt, so it is not a TLS secret: make one with New-KoTlsSecret.");
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            throw Validate.Invalid("-InputObject", name, $"The tls.crt of secret {name} is not a PEM certificate.");
        }
        using (leaf)
        {
            var hosts = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (hosts.Count == 0)
                throw Validate.Invalid("-InputObject", name, $"The certificate in secret {name} ({leaf.Subject}) has no DNS names: clients ignore the common name, so it would never match a host.",
                    "Issue a certificate with DNS names (New-KoCertificateRequest -DnsName).");
            return hosts;
        }
    }
}
