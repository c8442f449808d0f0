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
    /// <summary>The CA's name, e.g. 'Lab Root CA'.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string CommonName { get; set; } = string.Empty;

    /// <summary>How long the CA is valid; default 3650 days.</summary>
    [Parameter]
    public int ValidDays { get; set; } = 3650;

    /// <summary>The CA key: an object from New-KoPrivateKey or a PEM file; omitted, a new ECDSA P-384 key.</summary>
    [Parameter(ValueFromPipeline = true)]
    public object? Key { get; set; }

    /// <summary>Write the CA certificate (PEM) to this file (the file clients trust).</summary>
    [Parameter]
    public string? Path { get; set; }

    /// <summary>Write the CA's private key to this file (owner-only permissions).</summary>
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
