using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tls;

/// <summary>
/// Shows the certificates of TLS secrets in the cluster (or of files): subject, DNS names, issuer, expiry and days
/// left. -ExpiringWithin 30d lists what must be renewed soon, across all namespaces with -AllNamespaces.
/// </summary>
[Cmdlet(VerbsCommon.Get, "KoCertificate", DefaultParameterSetName = "Cluster")]
[OutputType(typeof(KoCertificate))]
public sealed class GetKoCertificateCommand : KoClusterCmdlet
{
    private static readonly KubeKind SecretKind = KubeTypes.Find("v1", "Secret")!;

    [Parameter(Position = 0, ParameterSetName = "Cluster", ValueFromPipelineByPropertyName = true)]
    public string? Name { get; set; }

    [Parameter(ParameterSetName = "Cluster", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(ParameterSetName = "Cluster")]
    public SwitchParameter AllNamespaces { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "File")]
    public string[] Path { get; set; } = [];

    [Parameter]
    public string? ExpiringWithin { get; set; }

    protected override void ProcessRecord()
    {
        var now = DateTime.UtcNow;
        var within = ExpiringWithin is null ? (TimeSpan?)null : Build(() => Validate.DurationSpan(ExpiringWithin, "-ExpiringWithin"));
        foreach (var cert in ParameterSetName == "File" ? FromFiles(now) : FromCluster(now))
            if (within is null || cert.NotAfter <= now + within) WriteObject(cert);
    }

    private IEnumerable<KoCertificate> FromFiles(DateTime now)
    {
        foreach (var p in Path)
        {
            var full = FileSystemPath(p);
            KoCertificate? cert = null;
            try
            {
                cert = KoCrypto.Import(File.ReadAllBytes(full), full, default, null, now);
            }
            catch (Exception e) when (e is KoValidationException or IOException or UnauthorizedAccessException)
            {
                WriteFailure(e, full);
            }
            if (cert is not null) yield return cert;
        }
    }

    /// <summary>TLS Secrets of every namespace, or of those the user may list (said once, in a warning).</summary>
    private IEnumerable<V1Secret> AllNamespacesSecrets(ClusterGateway gateway)
    {
        var all = Run(ct => gateway.ListAllNamespacesAsync(SecretKind, fieldSelector: $"type={TlsSecrets.Type}", ct: ct));
        if (all.Fallback is not null) WriteWarning(all.Fallback);
        return all.Items.OfType<V1Secret>();
    }

    private IEnumerable<KoCertificate> FromCluster(DateTime now)
    {
        if (Name is not null) Build(() => Validate.Subdomain(Name, "-Name"));
        if (Namespace is not null) Build(() => Validate.Label(Namespace, "-Namespace"));
        var gateway = Connect();
        List<V1Secret> secrets;
        try
        {
            secrets = Name is not null
                ? Run(ct => gateway.GetAsync(SecretKind, NamespaceOrDefault(Namespace), Name, ct)) is V1Secret one ? [one] : []
                : AllNamespaces ? [.. AllNamespacesSecrets(gateway)]
                : [.. Run(ct => gateway.ListAsync(SecretKind, NamespaceOrDefault(Namespace), fieldSelector: $"type={TlsSecrets.Type}", ct: ct)).Items.OfType<V1Secret>()];
        }
        catch (KoClusterException e)
        {
            Fail(e);
            yield break;
        }
        if (Name is not null && secrets.Count == 0) WriteFailure(Validate.Invalid("-Name", Name, $"Secret {NamespaceOrDefault(Namespace)}/{Name} was not found."), Name, "SecretNotFound");
        foreach (var secret in secrets.Where(s => s.Type == TlsSecrets.Type).OrderBy(s => s.Metadata.NamespaceProperty).ThenBy(s => s.Metadata.Name))
        {
            KoCertificate? cert = null;
            try
            {
                cert = TlsSecrets.Certificate(secret, now);
                cert.Source = $"{secret.Metadata.NamespaceProperty}/{secret.Metadata.Name}";
            }
            catch (KoValidationException e)
            {
                WriteFailure(e, secret, "UnreadableTlsSecret");
            }
            if (cert is not null) yield return cert;
        }
    }
}
