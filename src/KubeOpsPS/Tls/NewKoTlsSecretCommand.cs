using System.Management.Automation;
using System.Security;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Tls;

namespace KubeOpsPS.Tls;

/// <summary>
/// Builds a kubernetes.io/tls Secret from a certificate and its key (objects or files). Refuses a key that does not
/// match, an expired certificate, a CA certificate; warns when the certificate expires within 30 days. The secret
/// pipes into New-KoIngress, which takes the TLS hosts from the certificate. Touches no cluster.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoTlsSecret")]
[OutputType(typeof(V1Secret))]
public sealed class NewKoTlsSecretCommand : KoTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object Certificate { get; set; } = null!;

    [Parameter]
    public object? Key { get; set; }

    [Parameter]
    public SecureString? Passphrase { get; set; }

    protected override void ProcessRecord()
    {
        var cert = ResolveCertificate(Certificate, "-Certificate");
        if (Key is not null)
        {
            var key = ResolveKey(Key, Passphrase);
            cert = Build(() => KoCrypto.WithKey(cert, key, Now), cert.Path ?? cert.Subject);
        }
        var secret = Build(() => TlsSecretBuilder.Build(Name, Namespace, cert, Now), cert.Path ?? cert.Subject);
        if (cert.DaysLeft < TlsSecretBuilder.WarnDays)
            WriteWarning($"The certificate {cert.Subject} expires on {cert.NotAfter:yyyy-MM-dd} ({cert.DaysLeft} days left): renew it soon.");
        WriteObject(secret);
    }
}
