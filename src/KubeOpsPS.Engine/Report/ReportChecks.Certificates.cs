using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using k8s.Models;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Report;

public static partial class ReportChecks
{
    // Signature algorithms over SHA-1: sha1WithRSAEncryption, ecdsa-with-SHA1, dsa-with-sha1.
    private static readonly HashSet<string> Sha1Signatures = ["1.2.840.113549.1.1.5", "1.2.840.10045.4.1", "1.2.840.10040.4.3"];

    private sealed record TlsCert(V1Secret Secret, KoCertificate? Certificate, string? Error);

    // Six checks read the same certificates: parse each TLS Secret once per snapshot (in parallel: parsing dominates the report's time).
    private static readonly ConditionalWeakTable<ClusterSnapshot, IReadOnlyList<TlsCert>> Parsed = new();

    private static IReadOnlyList<TlsCert> TlsCertificates(ClusterSnapshot s) => Parsed.GetValue(s, static s =>
        s.Of<V1Secret>().Where(x => x.Type == TlsSecrets.Type).AsParallel().AsOrdered().Select(secret =>
        {
            try { return new TlsCert(secret, TlsSecrets.Certificate(secret, s.Now), null); }
            catch (KoValidationException e) { return new TlsCert(secret, null, e.Message); }
        }).ToList());

    private static string RenewFix(V1Secret secret) =>
        $"Issue a new certificate (New-KoCertificateRequest, New-KoCertificate) and replace the Secret: New-KoTlsSecret -Name {secret.Metadata.Name} -Namespace {secret.Metadata.NamespaceProperty} ... | Publish-KoResource";

    private static IEnumerable<ReportFinding> CertExpired(ClusterSnapshot s, ReportOptions o) =>
        from t in TlsCertificates(s)
        where t.Certificate is { } c && c.NotAfter <= s.Now
        select Finding(ReportSeverity.Critical, "cert-expired", "Secret", t.Secret.Metadata,
            $"The certificate {t.Certificate!.Subject} expired on {t.Certificate.NotAfter:yyyy-MM-dd}: clients reject it.", RenewFix(t.Secret));

    private static IEnumerable<ReportFinding> CertExpiring(ClusterSnapshot s, ReportOptions o) =>
        from t in TlsCertificates(s)
        where t.Certificate is { } c && c.NotAfter > s.Now && c.NotAfter <= s.Now.AddDays(o.CertificateDays)
        select Finding(ReportSeverity.Warning, "cert-expiring", "Secret", t.Secret.Metadata,
            $"The certificate {t.Certificate!.Subject} expires on {t.Certificate.NotAfter:yyyy-MM-dd}, in {t.Certificate.DaysLeft} days (within {o.CertificateDays}).", RenewFix(t.Secret));

    private static IEnumerable<ReportFinding> CertWeakKey(ClusterSnapshot s, ReportOptions o)
    {
        foreach (var t in TlsCertificates(s))
        {
            using var rsa = t.Certificate?.Certificate.GetRSAPublicKey();
            if (rsa is not null && rsa.KeySize < 2048)
                yield return Finding(ReportSeverity.Critical, "cert-weak-key", "Secret", t.Secret.Metadata,
                    $"The certificate {t.Certificate!.Subject} has a {rsa.KeySize}-bit RSA key; 2048 bits is the minimum browsers and Go clients accept.",
                    $"New-KoPrivateKey -KeySize 2048 (or -Algorithm ECDSA), a new request and certificate, then New-KoTlsSecret -Name {t.Secret.Metadata.Name} ... | Publish-KoResource");
        }
    }

    private static IEnumerable<ReportFinding> CertSha1(ClusterSnapshot s, ReportOptions o) =>
        from t in TlsCertificates(s)
        where t.Certificate is { } c && Sha1Signatures.Contains(c.Certificate.SignatureAlgorithm.Value ?? string.Empty)
        select Finding(ReportSeverity.Critical, "cert-sha1", "Secret", t.Secret.Metadata,
            $"The certificate {t.Certificate!.Subject} is signed with SHA-1, which browsers and Go 1.18+ clients reject.", RenewFix(t.Secret));

    private static IEnumerable<ReportFinding> CertUnreadable(ClusterSnapshot s, ReportOptions o) =>
        from t in TlsCertificates(s)
        where t.Error is not null
        select Finding(ReportSeverity.Warning, "cert-unreadable", "Secret", t.Secret.Metadata, t.Error!, RenewFix(t.Secret));

    private static IEnumerable<ReportFinding> CertHostMismatch(ClusterSnapshot s, ReportOptions o)
    {
        var certs = TlsCertificates(s).Where(t => t.Certificate is not null).ToDictionary(t => Ref(t.Secret.Metadata), t => t.Certificate!, StringComparer.Ordinal);
        foreach (var ing in s.Of<V1Ingress>())
            foreach (var tls in ing.Spec?.Tls ?? [])
            {
                if (tls.SecretName is null || !certs.TryGetValue($"{ing.Metadata.NamespaceProperty}/{tls.SecretName}", out var cert)) continue;
                var hosts = tls.Hosts is { Count: > 0 } h ? h : (ing.Spec?.Rules ?? []).Select(r => r.Host).OfType<string>().ToList();
                var names = cert.DnsNames;
                var uncovered = hosts.Where(host => !names.Any(n => IngressBuilder.Covers(n, host))).ToList();
                if (uncovered.Count > 0)
                    yield return Finding(ReportSeverity.Critical, "cert-host-mismatch", "Ingress", ing.Metadata,
                        $"Serves {string.Join(", ", uncovered)} with Secret {tls.SecretName}, whose certificate covers only {(names.Count == 0 ? "no DNS names" : string.Join(", ", names))}: clients reject the connection.",
                        $"New-KoCertificateRequest -DnsName {string.Join(",", hosts)} ..., then New-KoTlsSecret -Name {tls.SecretName} -Namespace {ing.Metadata.NamespaceProperty} ... | Publish-KoResource");
            }
    }
}
