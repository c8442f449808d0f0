using System.Management.Automation;
using System.Security;
using KubeOpsPS.Engine.Crypto;

namespace KubeOpsPS.Tls;

/// <summary>
/// Signs a certificate request with a CA (-Issuer) or with its own key (-SelfSigned). Only the subject, the subject
/// alternative names and server key usages are taken from the request; it is never made a CA.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoCertificate", DefaultParameterSetName = "Issuer")]
[OutputType(typeof(KoCertificate))]
public sealed class NewKoCertificateCommand : KoTlsCmdlet
{
    /// <summary>The request: an object from New-KoCertificateRequest, or a PEM CSR file.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object Request { get; set; } = null!;

    /// <summary>The CA that signs: an object from New-KoCertificateAuthority, or a CA certificate file with -IssuerKey.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Issuer")]
    public object Issuer { get; set; } = null!;

    /// <summary>The CA's key file, when -Issuer is a file.</summary>
    [Parameter(ParameterSetName = "Issuer")]
    public object? IssuerKey { get; set; }

    /// <summary>Sign with the request's own key (no CA).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "SelfSigned")]
    public SwitchParameter SelfSigned { get; set; }

    /// <summary>The request's key, for -SelfSigned when the request was read from a file; also attached to the output for New-KoTlsSecret.</summary>
    [Parameter]
    public object? Key { get; set; }

    /// <summary>The passphrase of an encrypted key file.</summary>
    [Parameter]
    public SecureString? Passphrase { get; set; }

    /// <summary>How long the certificate is valid; default 365 days (capped at the CA's own expiry).</summary>
    [Parameter]
    public int ValidDays { get; set; } = 365;

    /// <summary>Write the certificate (PEM, with the CA chain) to this file.</summary>
    [Parameter]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        var request = ResolveRequest(Request);
        var key = Key is null ? null : ResolveKey(Key, Passphrase);
        KoCertificate? issuer = null;
        if (!SelfSigned)
        {
            issuer = ResolveCertificate(Issuer, "-Issuer");
            if (IssuerKey is not null) issuer = Build(() => KoCrypto.WithKey(issuer, ResolveKey(IssuerKey, Passphrase, "-IssuerKey"), Now));
        }
        var cert = Build(() => KoCrypto.Sign(request, issuer, key, ValidDays, Now));
        var withKey = key ?? KoCrypto.KeyOf(request);
        if (withKey is not null && !cert.HasPrivateKey) cert = Build(() => KoCrypto.WithKey(cert, withKey, Now));
        if (Path is not null) cert.Path = WritePem(Path, cert.Pem, isPrivate: false);
        WriteObject(cert);
    }
}
