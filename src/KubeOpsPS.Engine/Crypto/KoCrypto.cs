using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Crypto;

/// <summary>A private key (RSA or ECDSA). <see cref="Pem"/> is the text a key file holds; key material is never in ToString.</summary>
public sealed class KoPrivateKey
{
    internal KoPrivateKey(AsymmetricAlgorithm key, string pem, string? path)
    {
        Key = key;
        Pem = pem;
        Path = path;
        Algorithm = key is RSA ? "RSA" : "ECDSA";
        KeySize = key.KeySize;
        Curve = key is ECDsa ec ? (ec.KeySize == 384 ? "P384" : "P256") : null;
        Fingerprint = KoCrypto.Fingerprint(PublicKeyInfo);
    }

    internal AsymmetricAlgorithm Key { get; }
    public string Algorithm { get; }
    public int KeySize { get; }
    public string? Curve { get; }
    /// <summary>SHA-256 of the public key (SubjectPublicKeyInfo), to match keys, requests and certificates at a glance.</summary>
    public string Fingerprint { get; }
    public string Pem { get; }
    public string? Path { get; set; }
    internal byte[] PublicKeyInfo => Key is RSA r ? r.ExportSubjectPublicKeyInfo() : ((ECDsa)Key).ExportSubjectPublicKeyInfo();
    public override string ToString() => $"{Algorithm} {(Curve ?? KeySize.ToString(System.Globalization.CultureInfo.InvariantCulture))} key {Fingerprint}";
}

/// <summary>A PKCS#10 certificate signing request.</summary>
public sealed class KoCertificateRequest
{
    internal KoCertificateRequest(CertificateRequest request, string pem, KoPrivateKey? key)
    {
        Request = request;
        Pem = pem;
        Key = key;
        Subject = request.SubjectName.Name;
        var san = request.CertificateExtensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault()
            ?? request.CertificateExtensions.Where(e => e.Oid?.Value == "2.5.29.17").Select(e => new X509SubjectAlternativeNameExtension(e.RawData, e.Critical)).FirstOrDefault();
        DnsNames = san?.EnumerateDnsNames().ToList() ?? [];
        IpAddresses = san?.EnumerateIPAddresses().Select(a => a.ToString()).ToList() ?? [];
    }

    internal CertificateRequest Request { get; }
    /// <summary>The key the request was made with, when known (needed for -SelfSigned).</summary>
    internal KoPrivateKey? Key { get; }
    public string Subject { get; }
    public IReadOnlyList<string> DnsNames { get; }
    public IReadOnlyList<string> IpAddresses { get; }
    public string Pem { get; }
    public string? Path { get; set; }
    public override string ToString() => $"CSR {Subject}";
}

/// <summary>A certificate with its chain (leaf first), and its private key when this session made it or was given it.</summary>
public sealed class KoCertificate
{
    internal KoCertificate(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain, KoPrivateKey? key, string? source, DateTime now)
    {
        Certificate = leaf;
        ChainCertificates = chain;
        Key = key;
        Source = source;
        Subject = leaf.Subject;
        Issuer = leaf.Issuer;
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        DnsNames = san?.EnumerateDnsNames().ToList() ?? [];
        IpAddresses = san?.EnumerateIPAddresses().Select(a => a.ToString()).ToList() ?? [];
        NotBefore = leaf.NotBefore.ToUniversalTime();
        NotAfter = leaf.NotAfter.ToUniversalTime();
        DaysLeft = (int)Math.Floor((NotAfter - now).TotalDays);
        Thumbprint = leaf.GetCertHashString(HashAlgorithmName.SHA256);
        SerialNumber = leaf.SerialNumber;
        IsCa = leaf.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
        Pem = string.Concat(new[] { leaf }.Concat(chain).Select(c => c.ExportCertificatePem() + "\n"));
    }

    internal X509Certificate2 Certificate { get; }
    /// <summary>The issuing certificates after the leaf (intermediates, then the root if present).</summary>
    internal IReadOnlyList<X509Certificate2> ChainCertificates { get; }
    internal KoPrivateKey? Key { get; }
    public string Subject { get; }
    public string Issuer { get; }
    public IReadOnlyList<string> DnsNames { get; }
    public IReadOnlyList<string> IpAddresses { get; }
    public DateTime NotBefore { get; }
    public DateTime NotAfter { get; }
    public int DaysLeft { get; }
    public string Thumbprint { get; }
    public string SerialNumber { get; }
    public bool IsCa { get; }
    public bool HasPrivateKey => Key is not null;
    /// <summary>The leaf then its chain, as PEM (what tls.crt holds).</summary>
    public string Pem { get; }
    /// <summary>Where it was read from: a file, or namespace/name of a TLS secret.</summary>
    public string? Source { get; set; }
    public string? Path { get; set; }
    public override string ToString() => $"{Subject} (expires {NotAfter:yyyy-MM-dd})";
}

/// <summary>
/// Keys, requests, certificate authorities, signing, import and checks, on the platform's crypto (.NET's RSA, ECDsa,
/// CertificateRequest and X509 loaders cover everything needed here, and are faster than a managed implementation).
/// </summary>
public static class KoCrypto
{
    public static readonly IReadOnlyList<int> RsaSizes = [2048, 3072, 4096];

    // ------------------------------------------------------------------ keys

    public static KoPrivateKey NewKey(string algorithm, int? keySize, string? curve)
    {
        AsymmetricAlgorithm key = algorithm.ToUpperInvariant() switch
        {
            "RSA" => keySize is null or 2048 or 3072 or 4096 && curve is null
                ? RSA.Create(keySize ?? 2048)
                : throw Validate.Invalid(curve is null ? "-KeySize" : "-Curve", (object?)curve ?? keySize, curve is null ? $"-KeySize {keySize} is not offered for RSA: use 2048, 3072 or 4096." : "-Curve applies to ECDSA keys; RSA keys take -KeySize."),
            "ECDSA" => keySize is null
                ? ECDsa.Create((curve ?? "P256").ToUpperInvariant() switch
                {
                    "P256" or "P-256" => ECCurve.NamedCurves.nistP256,
                    "P384" or "P-384" => ECCurve.NamedCurves.nistP384,
                    _ => throw Validate.Invalid("-Curve", curve, $"-Curve '{curve}' is not offered: use P256 or P384."),
                })
                : throw Validate.Invalid("-KeySize", keySize, "-KeySize applies to RSA keys; ECDSA keys take -Curve P256 or P384."),
            _ => throw Validate.Invalid("-Algorithm", algorithm, $"-Algorithm '{algorithm}' is not offered: use RSA or ECDSA."),
        };
        return new KoPrivateKey(key, key.ExportPkcs8PrivateKeyPem(), null);
    }

    /// <summary>The key's PEM: PKCS#8 (default), PKCS#1/SEC1 for old tools, or encrypted PKCS#8 (AES-256, PBKDF2-SHA256) with a passphrase.</summary>
    public static string KeyPem(KoPrivateKey key, string format, ReadOnlySpan<char> passphrase)
    {
        if (!passphrase.IsEmpty)
        {
            if (format != "Pkcs8") throw Validate.Invalid("-Format", format, "An encrypted key is written as PKCS#8: use -Format Pkcs8 with -Passphrase.");
            return key.Key.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
        }
        return format switch
        {
            "Pkcs8" => key.Key.ExportPkcs8PrivateKeyPem(),
            "Pkcs1" => key.Key is RSA r ? r.ExportRSAPrivateKeyPem() : ((ECDsa)key.Key).ExportECPrivateKeyPem(),
            _ => throw Validate.Invalid("-Format", format, $"-Format '{format}' is not offered: use Pkcs8 or Pkcs1."),
        };
    }

    /// <summary>Reads a private key from PEM (PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1). Errors name the source, never the content.</summary>
    public static KoPrivateKey ReadKey(string pem, string source, ReadOnlySpan<char> passphrase)
    {
        var encrypted = pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (encrypted && passphrase.IsEmpty)
            throw Validate.Invalid("-Passphrase", source, $"The key in {source} is encrypted: give its -Passphrase.");
        foreach (var make in new Func<AsymmetricAlgorithm>[] { RSA.Create, ECDsa.Create })
        {
            var key = make();
            try
            {
                if (encrypted) key.ImportFromEncryptedPem(pem, passphrase); else key.ImportFromPem(pem);
                return new KoPrivateKey(key, key.ExportPkcs8PrivateKeyPem(), null);
            }
            catch (CryptographicException) when (encrypted)
            {
                key.Dispose();
                if (make == RSA.Create) continue;
                throw Validate.Invalid("-Passphrase", source, $"Could not decrypt the key in {source}: the passphrase is wrong, or the file is damaged.");
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                key.Dispose();
            }
        }
        throw Validate.Invalid("-Key", source, $"{source} is not a PEM private key (expected -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY).");
    }

    // ------------------------------------------------------------------ requests

    public static KoCertificateRequest NewRequest(KoPrivateKey key, CertificateRequestOptions o)
    {
        var cn = Validate.Required(o.CommonName, "-CommonName").Trim();
        if (!o.AllowShortName && !IsFqdn(cn))
            throw Validate.Invalid("-CommonName", cn, $"-CommonName '{cn}' is not a fully qualified domain name (e.g. dash.example.com).", "Give the host's full DNS name, or -AllowShortName for an internal name.");
        var dns = new List<string>();
        foreach (var d in new[] { cn }.Where(IsFqdn).Concat(o.DnsNames))
        {
            var name = Validate.Host(d, "-DnsName");
            if (!dns.Contains(name)) dns.Add(name);
        }
        var ips = o.IpAddresses.Select(ip => IPAddress.Parse(Validate.IpAddress(ip, "-IpAddress"))).ToList();
        if (dns.Count == 0 && ips.Count == 0)
            throw Validate.Invalid("-DnsName", null, "A server certificate needs at least one DNS name or IP address (clients ignore the common name).");
        var subject = SubjectName(cn, o.SubjectParts);
        var request = Request(subject, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(key.Key is RSA ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var d in dns) san.AddDnsName(d);
        foreach (var ip in ips) san.AddIpAddress(ip);
        request.CertificateExtensions.Add(san.Build());
        return new KoCertificateRequest(request, request.CreateSigningRequestPem(), key);
    }

    /// <summary>Reads a PEM CSR and checks its signature.</summary>
    public static KoCertificateRequest ReadRequest(string pem, string source)
    {
        try
        {
            var request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions, RSASignaturePadding.Pkcs1);
            return new KoCertificateRequest(request, pem, null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Validate.Invalid("-Request", source, $"{source} is not a valid PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----, with a valid signature).");
        }
    }

    /// <summary>The DNS names and IP addresses under [alt_names] of an openssl.conf (DNS.1 = ..., IP.1 = ...).</summary>
    public static (List<string> Dns, List<string> Ips) ReadOpenSslAltNames(string text, string source)
    {
        List<string> dns = [], ips = [];
        var inSection = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.StartsWith('[')) { inSection = line.Trim('[', ']', ' ').Equals("alt_names", StringComparison.OrdinalIgnoreCase); continue; }
            if (!inSection || !line.Contains('=', StringComparison.Ordinal)) continue;
            var key = line[..line.IndexOf('=', StringComparison.Ordinal)].Trim();
            var value = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim();
            if (key.StartsWith("DNS", StringComparison.OrdinalIgnoreCase)) dns.Add(value);
            else if (key.StartsWith("IP", StringComparison.OrdinalIgnoreCase)) ips.Add(value);
        }
        if (dns.Count == 0 && ips.Count == 0) throw Validate.Invalid("-OpenSslConfig", source, $"{source} has no DNS.n or IP.n entries under [alt_names].");
        return (dns, ips);
    }

    // ------------------------------------------------------------------ certificates

    /// <summary>A lab root CA: self-signed, CA:TRUE with path length 0, keyCertSign and cRLSign.</summary>
    public static KoCertificate NewAuthority(string commonName, KoPrivateKey key, int validDays, DateTime now)
    {
        var cn = Validate.Required(commonName, "-CommonName");
        ValidDays(validDays);
        var request = Request(SubjectName(cn, []), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(validDays));
        return new KoCertificate(X509CertificateLoader.LoadCertificate(cert.RawData), [], key, null, now);
    }

    /// <summary>
    /// Signs a request with a CA, or with the request's own key (issuer null). Only the subject, the SANs and the
    /// server key usages are taken from the request: whatever else it asks for (CA:TRUE, other usages) is not copied.
    /// </summary>
    public static KoCertificate Sign(KoCertificateRequest csr, KoCertificate? issuer, KoPrivateKey? selfKey, int validDays, DateTime now)
    {
        ValidDays(validDays);
        var key = issuer is null ? selfKey ?? csr.Key ?? throw Validate.Invalid("-Key", null, "-SelfSigned needs the request's private key: pipe the request from New-KoCertificateRequest, or give -Key.") : null;
        var request = new CertificateRequest(csr.Request.SubjectName, csr.Request.PublicKey, HashAlgorithmName.SHA256, csr.Request.PublicKey.Oid.Value == "1.2.840.113549.1.1.1" ? RSASignaturePadding.Pkcs1 : null);
        if (key is not null && !csr.Request.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.PublicKeyInfo))
            throw Validate.Invalid("-Key", key.Fingerprint, "The key does not belong to this request (their public keys differ).");
        var san = csr.Request.CertificateExtensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17");
        if (san is null) throw Validate.Invalid("-Request", csr.Subject, $"The request for {csr.Subject} has no subject alternative names; clients ignore the common name, so the certificate would match no host.");
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usage = csr.Request.CertificateExtensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages ?? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment;
        usage &= X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage == 0 ? X509KeyUsageFlags.DigitalSignature : usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509Extension(san, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var notBefore = now.AddMinutes(-5);
        var notAfter = now.AddDays(validDays);
        if (issuer is null)
        {
            using var self = request.Create(csr.Request.SubjectName, Generator(key!), notBefore, notAfter, serial);
            return new KoCertificate(X509CertificateLoader.LoadCertificate(self.RawData), [], key, null, now);
        }
        if (!issuer.IsCa || issuer.Key is null)
            throw Validate.Invalid("-Issuer", issuer.Subject, $"{issuer.Subject} cannot sign: {(issuer.IsCa ? "its private key is not loaded (use New-KoCertificateAuthority, or -IssuerKey)" : "it is not a CA certificate")}.");
        if (notAfter > issuer.NotAfter) notAfter = issuer.NotAfter;
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
        using var signed = request.Create(issuer.Certificate.SubjectName, Generator(issuer.Key), notBefore, notAfter, serial);
        return new KoCertificate(X509CertificateLoader.LoadCertificate(signed.RawData), [.. new[] { issuer.Certificate }.Concat(issuer.ChainCertificates)], null, null, now);
    }

    private static X509SignatureGenerator Generator(KoPrivateKey key) => key.Key is RSA rsa
        ? X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1)
        : X509SignatureGenerator.CreateForECDsa((ECDsa)key.Key);

    /// <summary>Reads PEM (one or more certificates), DER or PFX (with its password) and orders the chain leaf first.</summary>
    public static KoCertificate Import(byte[] data, string source, ReadOnlySpan<char> password, KoPrivateKey? key, DateTime now)
    {
        var certs = new X509Certificate2Collection();
        KoPrivateKey? pfxKey = null;
        var text = Encoding.ASCII.GetString(data);
        try
        {
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) certs.ImportFromPem(text);
            else if (data.Length > 0 && data[0] == 0x30 && IsPfx(data))
            {
                var pfx = X509CertificateLoader.LoadPkcs12Collection(data, password, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
                certs.AddRange(pfx);
                var withKey = pfx.FirstOrDefault(c => c.HasPrivateKey);
                AsymmetricAlgorithm? k = withKey?.GetRSAPrivateKey() ?? (AsymmetricAlgorithm?)withKey?.GetECDsaPrivateKey();
                if (k is not null) pfxKey = ReadKey(ExportablePem(k), source, default);
            }
            else certs.Add(X509CertificateLoader.LoadCertificate(data));
        }
        catch (CryptographicException)
        {
            throw Validate.Invalid("-Path", source, IsPfx(data)
                ? $"Could not open {source}: the PFX password is wrong, or the file is damaged."
                : $"{source} is not a certificate: expected PEM (-----BEGIN CERTIFICATE-----), DER or PFX.");
        }
        if (certs.Count == 0) throw Validate.Invalid("-Path", source, $"{source} holds no certificate.");
        var ordered = LeafFirst(certs.Cast<X509Certificate2>().Select(c => X509CertificateLoader.LoadCertificate(c.RawData)).ToList());
        var cert = new KoCertificate(ordered[0], ordered.Skip(1).ToList(), key ?? pfxKey, source, now);
        if (cert.Key is not null && !KeyMatches(cert, cert.Key))
            throw Validate.Invalid("-Key", source, $"The private key does not match the certificate {cert.Subject} in {source}: their public keys differ.", "Use the key the certificate request was made with.");
        return cert;
    }

    /// <summary>The key a request was made with in this session, if known.</summary>
    public static KoPrivateKey? KeyOf(KoCertificateRequest request) => request.Key;

    /// <summary>True when the key is the certificate's (same public key).</summary>
    public static bool KeyMatches(KoCertificate cert, KoPrivateKey key) =>
        cert.Certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.PublicKeyInfo);

    /// <summary>A certificate object with a key attached (checked to match).</summary>
    public static KoCertificate WithKey(KoCertificate cert, KoPrivateKey key, DateTime now)
    {
        if (!KeyMatches(cert, key))
            throw Validate.Invalid("-Key", key.Path ?? key.Fingerprint, $"The private key{(key.Path is null ? "" : $" in {key.Path}")} does not match the certificate {cert.Subject}: their public keys differ.",
                "Use the key the certificate request was made with.");
        return new KoCertificate(cert.Certificate, cert.ChainCertificates, key, cert.Source, now) { Path = cert.Path };
    }

    internal static string Fingerprint(byte[] publicKeyInfo) => "SHA256:" + Convert.ToHexString(SHA256.HashData(publicKeyInfo))[..16].ToLowerInvariant();

    private static List<X509Certificate2> LeafFirst(List<X509Certificate2> certs)
    {
        // The leaf issues nothing in the set; then follow issuer links.
        var leaf = certs.FirstOrDefault(c => !certs.Any(o => o != c && o.Issuer == c.Subject && o.Subject != o.Issuer)) ?? certs[0];
        var ordered = new List<X509Certificate2> { leaf };
        while (ordered.Count < certs.Count)
        {
            var last = ordered[^1];
            var next = certs.FirstOrDefault(c => !ordered.Contains(c) && c.Subject == last.Issuer);
            if (next is null || last.Subject == last.Issuer) break;
            ordered.Add(next);
        }
        ordered.AddRange(certs.Where(c => !ordered.Contains(c)));
        return ordered;
    }

    private static bool IsPfx(byte[] data)
    {
        try
        {
            return X509Certificate2.GetCertContentType(data) == X509ContentType.Pkcs12;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string ExportablePem(AsymmetricAlgorithm key)
    {
        // Keys from a PFX may only export encrypted: round-trip through an ephemeral password.
        var temp = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var pem = key.ExportEncryptedPkcs8PrivateKeyPem(temp, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1));
        var clear = key is RSA ? (AsymmetricAlgorithm)RSA.Create() : ECDsa.Create();
        clear.ImportFromEncryptedPem(pem, temp);
        return clear.ExportPkcs8PrivateKeyPem();
    }

    private static CertificateRequest Request(X500DistinguishedName subject, KoPrivateKey key) => key.Key is RSA rsa
        ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        : new CertificateRequest(subject, (ECDsa)key.Key, key.KeySize == 384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256);

    private static X500DistinguishedName SubjectName(string cn, IReadOnlyList<(string Key, string Value)> parts)
    {
        var b = new X500DistinguishedNameBuilder();
        foreach (var (k, v) in parts)
        {
            var value = Validate.Required(v, $"-Subject {k}");
            switch (k.ToUpperInvariant())
            {
                case "C": if (value.Length != 2) throw Validate.Invalid("-Subject", value, $"A country (C) is a two-letter code, not '{value}'."); b.AddCountryOrRegion(value); break;
                case "ST": b.AddStateOrProvinceName(value); break;
                case "L": b.AddLocalityName(value); break;
                case "O": b.AddOrganizationName(value); break;
                case "OU": b.AddOrganizationalUnitName(value); break;
                case "CN": break;
                default: throw Validate.Invalid("-Subject", k, $"Subject part '{k}' is not offered: use C, ST, L, O or OU.");
            }
        }
        b.AddCommonName(cn);
        return b.Build();
    }

    private static void ValidDays(int days)
    {
        if (days is < 1 or > 36500) throw Validate.Invalid("-ValidDays", days, $"-ValidDays {days} is out of range: use 1 to 36500.");
    }

    private static bool IsFqdn(string name)
    {
        try
        {
            return name.Contains('.', StringComparison.Ordinal) && !IPAddress.TryParse(name, out _) && Validate.Host(name, "-CommonName") is not null;
        }
        catch (KoValidationException)
        {
            return false;
        }
    }
}
