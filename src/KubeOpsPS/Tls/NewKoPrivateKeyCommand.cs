using System.Management.Automation;
using System.Security;
using KubeOpsPS.Engine.Crypto;

namespace KubeOpsPS.Tls;

/// <summary>
/// Makes an RSA or ECDSA private key (replaces `openssl genrsa`). The object holds the key and its PEM; -Path writes
/// the file with owner-only permissions, PKCS#8 by default, PKCS#1 for old tools, encrypted with -Passphrase.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoPrivateKey")]
[OutputType(typeof(KoPrivateKey))]
public sealed class NewKoPrivateKeyCommand : KoTlsCmdlet
{
    [Parameter(Position = 0)]
    [ValidateSet("RSA", "ECDSA")]
    public string Algorithm { get; set; } = "RSA";

    [Parameter]
    public int? KeySize { get; set; }

    [Parameter]
    [ValidateSet("P256", "P384")]
    public string? Curve { get; set; }

    [Parameter]
    public string? Path { get; set; }

    [Parameter]
    [ValidateSet("Pkcs8", "Pkcs1")]
    public string Format { get; set; } = "Pkcs8";

    [Parameter]
    public SecureString? Passphrase { get; set; }

    protected override void EndProcessing()
    {
        var key = Build(() => KoCrypto.NewKey(Algorithm, KeySize, Curve));
        if (Path is not null)
        {
            var chars = SecureStrings.ToChars(Passphrase);
            try
            {
                var pem = Build(() => KoCrypto.KeyPem(key, Format, chars));
                key.Path = WritePem(Path, pem, isPrivate: true);
            }
            finally
            {
                Array.Clear(chars);
            }
            WriteVerbose($"Wrote {key} to {key.Path} (owner-only){(Passphrase is null ? "" : ", encrypted")}.");
        }
        else if (Passphrase is not null || Format != "Pkcs8")
        {
            WriteWarning("-Format and -Passphrase apply to the file written with -Path; the object's Pem is PKCS#8.");
        }
        WriteObject(key);
    }
}
