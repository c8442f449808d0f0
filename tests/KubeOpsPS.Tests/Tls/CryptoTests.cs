using System.Text;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Tls;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Tls;

public class CryptoTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private static (KoCertificate Ca, KoCertificate Leaf) Issue(int validDays = 90, DateTime? at = null)
    {
        var ca = KoCrypto.NewAuthority("Test CA", KoCrypto.NewKey("ECDSA", null, "P384"), 3650, at ?? Now);
        var key = KoCrypto.NewKey("RSA", 2048, null);
        var csr = KoCrypto.NewRequest(key, new CertificateRequestOptions { CommonName = "app.example.com", DnsNames = ["www.example.com"], IpAddresses = ["10.0.0.5"] });
        var leaf = KoCrypto.WithKey(KoCrypto.Sign(csr, ca, null, validDays, at ?? Now), key, at ?? Now);
        return (ca, leaf);
    }

    [Fact]
    public void SignsAServerCertificateWithTheRequestsNamesAndTheCaChain()
    {
        var (ca, leaf) = Issue();
        Assert.Equal("CN=app.example.com", leaf.Subject);
        Assert.Equal("CN=Test CA", leaf.Issuer);
        Assert.Equal(["app.example.com", "www.example.com"], leaf.DnsNames);
        Assert.Equal(["10.0.0.5"], leaf.IpAddresses);
        Assert.False(leaf.IsCa);
        Assert.True(ca.IsCa);
        Assert.Equal(90, leaf.DaysLeft);
        Assert.Equal(2, leaf.Pem.Split("-----BEGIN CERTIFICATE-----").Length - 1); // leaf then the CA
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", leaf.Pem);
    }

    [Fact]
    public void BuildsATlsSecretAndRefusesWhatWouldBreakTls()
    {
        var (ca, leaf) = Issue();
        var secret = TlsSecretBuilder.Build("app-tls", "web", leaf, Now);
        Assert.Equal("kubernetes.io/tls", secret.Type);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", Encoding.ASCII.GetString(secret.Data["tls.key"]));
        Assert.Equal(["app.example.com", "www.example.com"], TlsSecrets.HostsOf(secret));

        var expired = Assert.Throws<KoValidationException>(() => TlsSecretBuilder.Build("t", null, leaf, Now.AddDays(91)));
        Assert.Contains("expired", expired.Message);
        Assert.Contains("not valid before", Assert.Throws<KoValidationException>(() => TlsSecretBuilder.Build("t", null, leaf, Now.AddDays(-1))).Message);
        Assert.Contains("CA certificate", Assert.Throws<KoValidationException>(() => TlsSecretBuilder.Build("t", null, ca, Now)).Message);
        var mismatch = Assert.Throws<KoValidationException>(() => KoCrypto.WithKey(leaf, KoCrypto.NewKey("RSA", null, null), Now));
        Assert.Contains("does not match", mismatch.Message);
        Assert.DoesNotContain("PRIVATE KEY", mismatch.Message);
    }

    [Fact]
    public void NeverOutlivesItsCaAndNeverCopiesCaTrueFromARequest()
    {
        var ca = KoCrypto.NewAuthority("Short CA", KoCrypto.NewKey("ECDSA", null, null), 30, Now);
        var csr = KoCrypto.NewRequest(KoCrypto.NewKey("ECDSA", null, null), new CertificateRequestOptions { CommonName = "a.example.com" });
        var cert = KoCrypto.Sign(csr, ca, null, 365, Now);
        Assert.True(cert.NotAfter <= ca.NotAfter);
        Assert.False(cert.IsCa);
    }

    [Fact]
    public void ImportsAChainInAnyOrderLeafFirst()
    {
        var (ca, leaf) = Issue();
        var backwards = ca.Pem + leaf.Pem.Split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n";
        var imported = KoCrypto.Import(Encoding.ASCII.GetBytes(backwards), "chain.pem", default, null, Now);
        Assert.Equal("CN=app.example.com", imported.Subject);
        Assert.Throws<KoValidationException>(() => KoCrypto.Import(Encoding.ASCII.GetBytes("not a certificate"), "x.pem", default, null, Now));
    }

    [Fact]
    public void KeysRoundTripThroughEveryFormat()
    {
        var key = KoCrypto.NewKey("ECDSA", null, "P384");
        Assert.Equal("P384", key.Curve);
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", KoCrypto.KeyPem(key, "Pkcs1", default));
        var encrypted = KoCrypto.KeyPem(key, "Pkcs8", "pass");
        Assert.Equal(key.Fingerprint, KoCrypto.ReadKey(encrypted, "k.pem", "pass").Fingerprint);
        Assert.Equal("-Passphrase", Assert.Throws<KoValidationException>(() => KoCrypto.ReadKey(encrypted, "k.pem", "nope")).Field);
        Assert.Equal("-Passphrase", Assert.Throws<KoValidationException>(() => KoCrypto.ReadKey(encrypted, "k.pem", default)).Field);
        Assert.Equal("-Key", Assert.Throws<KoValidationException>(() => KoCrypto.ReadKey("garbage", "k.pem", default)).Field);
        Assert.Equal("-KeySize", Assert.Throws<KoValidationException>(() => KoCrypto.NewKey("RSA", 1024, null)).Field);
        Assert.Equal("-KeySize", Assert.Throws<KoValidationException>(() => KoCrypto.NewKey("ECDSA", 2048, null)).Field);
        Assert.DoesNotContain("PRIVATE", key.ToString());
    }

    [Theory]
    [InlineData("dashboard", "-CommonName")]
    [InlineData("10.0.0.1", "-CommonName")]
    [InlineData("-bad.example.com", "-CommonName")]
    public void RefusesACommonNameThatIsNotAnFqdn(string cn, string field) =>
        Assert.Equal(field, Assert.Throws<KoValidationException>(() => KoCrypto.NewRequest(KoCrypto.NewKey("ECDSA", null, null), new CertificateRequestOptions { CommonName = cn })).Field);

    [Fact]
    public void ReadsTheAltNamesOfAnOpenSslConfig()
    {
        var (dns, ips) = KoCrypto.ReadOpenSslAltNames("[req]\nreq_extensions = v3_req\n[ alt_names ]\nDNS.1 = a.example.com # main\nDNS.2 = b.example.com\nIP.1 = 10.0.0.1\n[other]\nDNS.3 = no.example.com\n", "openssl.conf");
        Assert.Equal(["a.example.com", "b.example.com"], dns);
        Assert.Equal(["10.0.0.1"], ips);
        Assert.Throws<KoValidationException>(() => KoCrypto.ReadOpenSslAltNames("[req]\n", "openssl.conf"));
    }

    [Theory]
    [InlineData("30d", 30 * 24)]
    [InlineData("2w", 14 * 24)]
    [InlineData("1d12h", 36)]
    [InlineData("1.00:00:00", 24)]
    public void ReadsExpiryWindows(string value, double hours) => Assert.Equal(hours, Validate.DurationSpan(value, "-ExpiringWithin").TotalHours);
}
