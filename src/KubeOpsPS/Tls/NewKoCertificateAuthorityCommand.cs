using System.Management.Automation;
using KubeOpsPS.Engine.Crypto;

namespace KubeOpsPS.Tls;

/// <summary>
/// Makes a lab root certificate authority (self-signed, CA:TRUE, path length 0) with its own key, to sign server
/// certificates with New-KoCertificate -Issuer. For production, use the corporate CA (Import-KoCertificate).
/// </summary>
[Cmdlet(VerbsCommon.New, "KoCertificateAuthority")]
[OutputType(typeof(KoCertificate))]
public sealed class NewKoCertificateAuthorityCommand : KoTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string CommonName { get; set; } = string.Empty;

    [Parameter]
    public int ValidDays { get; set; } = 3650;

    [Parameter(ValueFromPipeline = true)]
    public object? Key { get; set; }

    [Parameter]
    public string? Path { get; set; }

    [Parameter]
    public string? KeyPath { get; set; }

    protected override void ProcessRecord()
    {
        var key = Key is null ? Build(() => KoCrypto.NewKey("ECDSA", null, "P384")) : ResolveKey(Key, null);
        var ca = Build(() => KoCrypto.NewAuthority(CommonName, key, ValidDays, Now));
        if (Path is not null) ca.Path = WritePem(Path, ca.Pem, isPrivate: false);
        if (KeyPath is not null)
        {
            key.Path = WritePem(KeyPath, key.Pem, isPrivate: true);
            WriteVerbose($"Wrote the CA key to {key.Path} (owner-only).");
        }
        WriteObject(ca);
    }
}
