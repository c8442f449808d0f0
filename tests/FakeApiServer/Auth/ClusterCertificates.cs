using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FakeApiServer.Auth;

/// <summary>
/// The cluster's CA, the API server's serving certificate (127.0.0.1 and localhost) and client certificates the CA
/// signs: CN is the user, each O a group, as a real API server reads a client certificate.
/// </summary>
public sealed class ClusterCertificates
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    internal ClusterCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        var caRequest = new CertificateRequest("CN=fake-kubernetes-ca", _caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        san.AddDnsName("kubernetes.default.svc");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(Ca, now.AddDays(-1), now.AddYears(1), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        Server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The CA certificate (what kubeconfigs carry as certificate-authority-data).</summary>
    public X509Certificate2 Ca { get; }

    internal X509Certificate2 Server { get; }

    public string CaPem => Ca.ExportCertificatePem();

    /// <summary>A client certificate and its key (PEM) for <paramref name="user"/> in <paramref name="groups"/>.</summary>
    public (string CertificatePem, string KeyPem) IssueClient(string user, IEnumerable<string> groups)
    {
        if (string.IsNullOrEmpty(user)) throw new ArgumentException("a user name is required", nameof(user));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        foreach (var g in groups) subject.AddOrganizationName(g);
        subject.AddCommonName(user);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.Create(Ca, now.AddMinutes(-5), now.AddDays(30), RandomNumberGenerator.GetBytes(16));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The user a client certificate names, when this cluster's CA signed it and it is valid now.</summary>
    internal UserInfo? Authenticate(X509Certificate2? cert)
    {
        if (cert is null) return null;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(cert)) return null;
        var cn = cert.GetNameInfo(X509NameType.SimpleName, false);
        if (string.IsNullOrEmpty(cn)) return null;
        var groups = cert.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(r => r.GetSingleElementType().Value == "2.5.4.10").Select(r => r.GetSingleElementValue() ?? "").Where(g => g.Length > 0);
        return new UserInfo(cn, [.. groups.Where(g => g != UserInfo.Authenticated), UserInfo.Authenticated]);
    }
}
