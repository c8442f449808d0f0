using System.Text;
using k8s.Models;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Tls;

/// <summary>
/// Builds a kubernetes.io/tls Secret from a certificate with its key: tls.crt holds the leaf then its chain, tls.key
/// the unencrypted PKCS#8 key (the format Ingress controllers read). Refuses a key that is not the certificate's and a
/// certificate that has expired or is not yet valid.
/// </summary>
public static class TlsSecretBuilder
{
    public const int WarnDays = 30;

    public static V1Secret Build(string name, string? ns, KoCertificate certificate, DateTime now)
    {
        Validate.Subdomain(name, "-Name");
        if (ns is not null) Validate.Label(ns, "-Namespace");
        var key = certificate.Key ?? throw Validate.Invalid("-Key", certificate.Subject, $"No private key for {certificate.Subject}: give -Key (a key object or a PEM file).");
        if (!KoCrypto.KeyMatches(certificate, key))
            throw Validate.Invalid("-Key", key.Path ?? key.Fingerprint, $"The private key does not match the certificate {certificate.Subject}: their public keys differ.", "Use the key the certificate request was made with.");
        if (certificate.NotAfter <= now)
            throw Validate.Invalid("-Certificate", certificate.Source ?? certificate.Subject, $"The certificate {certificate.Subject} expired on {certificate.NotAfter:yyyy-MM-dd}: renew it before making a secret.");
        if (certificate.NotBefore > now)
            throw Validate.Invalid("-Certificate", certificate.Source ?? certificate.Subject, $"The certificate {certificate.Subject} is not valid before {certificate.NotBefore:yyyy-MM-dd HH:mm} UTC: check the clock of the machine that issued it.");
        if (certificate.IsCa)
            throw Validate.Invalid("-Certificate", certificate.Subject, $"{certificate.Subject} is a CA certificate; a TLS secret needs a server certificate signed by it (New-KoCertificate -Issuer).");
        return new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Type = TlsSecrets.Type,
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Data = new Dictionary<string, byte[]>
            {
                ["tls.crt"] = Encoding.ASCII.GetBytes(certificate.Pem),
                ["tls.key"] = Encoding.ASCII.GetBytes(key.Pem),
            },
        };
    }
}
