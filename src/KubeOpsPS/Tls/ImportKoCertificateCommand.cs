using System.Management.Automation;
using System.Security;
using KubeOpsPS.Engine.Crypto;

namespace KubeOpsPS.Tls;

/// <summary>
/// Reads a certificate that came back from a CA: PEM (with its chain), DER or PFX (with its password and key). The
/// chain is ordered leaf first; -KeyPath attaches the private key after checking it matches.
/// </summary>
[Cmdlet(VerbsData.Import, "KoCertificate")]
[OutputType(typeof(KoCertificate))]
public sealed class ImportKoCertificateCommand : KoTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public SecureString? Password { get; set; }

    [Parameter]
    public object? Key { get; set; }

    [Parameter]
    public SecureString? Passphrase { get; set; }

    protected override void ProcessRecord()
    {
        var cert = ResolveCertificate(Path, "-Path", Password);
        if (Key is not null)
        {
            var key = ResolveKey(Key, Passphrase);
            cert = Build(() => KoCrypto.WithKey(cert, key, Now));
        }
        WriteObject(cert);
    }
}
