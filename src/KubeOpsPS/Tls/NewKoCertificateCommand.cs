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
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object Request { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = "Issuer")]
    public object Issuer { get; set; } = null!;

    [Parameter(ParameterSetName = "Issuer")]
    public object? IssuerKey { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "SelfSigned")]
    public SwitchParameter SelfSigned { get; set; }

    [Parameter]
    public object? Key { get; set; }

    [Parameter]
    public SecureString? Passphrase { get; set; }

    [Parameter]
    public int ValidDays { get; set; } = 365;

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
