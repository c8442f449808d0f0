using System.Text;
using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Crypto;

/// <summary>Reads kubernetes.io/tls secrets.</summary>
public static class TlsSecrets
{
    public const string Type = "kubernetes.io/tls";

    /// <summary>The certificate (leaf first, with its chain) in a TLS secret's tls.crt; the key is not read.</summary>
    public static KoCertificate Certificate(V1Secret secret, DateTime now)
    {
        var name = $"{secret.Metadata?.NamespaceProperty}/{secret.Metadata?.Name}".TrimStart('/');
        var bytes = secret.Data?.TryGetValue("tls.crt", out var b) == true ? b
            : secret.StringData?.TryGetValue("tls.crt", out var text) == true ? Encoding.ASCII.GetBytes(text)
            : throw Validate.Invalid("-InputObject", name, $"Secret {name} has no tls.crt, so it is not a TLS secret: make one with New-KoTlsSecret.");
        try
        {
            return KoCrypto.Import(bytes, $"secret {name}", default, null, now);
        }
        catch (KoValidationException)
        {
            throw Validate.Invalid("-InputObject", name, $"The tls.crt of secret {name} is not a PEM certificate.");
        }
    }

    /// <summary>The DNS names (subject alternative names) of the leaf certificate in a TLS secret's tls.crt.</summary>
    public static IReadOnlyList<string> HostsOf(V1Secret secret)
    {
        var cert = Certificate(secret, DateTime.UtcNow);
        if (cert.DnsNames.Count == 0)
            throw Validate.Invalid("-InputObject", secret.Metadata?.Name, $"The certificate in secret {secret.Metadata?.Name} ({cert.Subject}) has no DNS names: clients ignore the common name, so it would never match a host.",
                "Issue a certificate with DNS names (New-KoCertificateRequest -DnsName).");
        return cert.DnsNames;
    }
}
