using System.Collections;
using System.Management.Automation;
using System.Security;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tls;

/// <summary>
/// Makes a certificate signing request with subject alternative names and the seed's v3_req extensions (not a CA;
/// digitalSignature, keyEncipherment; serverAuth). Replaces `openssl req -new -config openssl.conf`; -OpenSslConfig
/// reads the [alt_names] of an existing openssl.conf.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoCertificateRequest")]
[OutputType(typeof(KoCertificateRequest))]
public sealed class NewKoCertificateRequestCommand : KoTlsCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object Key { get; set; } = null!;

    [Parameter]
    public SecureString? Passphrase { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    public string CommonName { get; set; } = string.Empty;

    [Parameter]
    public string[] DnsName { get; set; } = [];

    [Parameter]
    public string[] IpAddress { get; set; } = [];

    [Parameter]
    public object? Subject { get; set; }

    [Parameter]
    public string? OpenSslConfig { get; set; }

    [Parameter]
    public SwitchParameter AllowShortName { get; set; }

    [Parameter]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        var key = ResolveKey(Key, Passphrase);
        List<string> dns = [.. DnsName], ips = [.. IpAddress];
        if (OpenSslConfig is not null)
        {
            var path = FileSystemPath(OpenSslConfig);
            if (!File.Exists(path)) Fail(Validate.Invalid("-OpenSslConfig", path, $"{path} does not exist."), path);
            var (d, i) = Build(() => KoCrypto.ReadOpenSslAltNames(File.ReadAllText(path), path));
            dns.AddRange(d);
            ips.AddRange(i);
        }
        var request = Build(() => KoCrypto.NewRequest(key, new CertificateRequestOptions
        {
            CommonName = CommonName, DnsNames = dns, IpAddresses = ips, SubjectParts = SubjectParts(), AllowShortName = AllowShortName,
        }));
        if (Path is not null) request.Path = WritePem(Path, request.Pem, isPrivate: false);
        WriteObject(request);
    }

    private List<(string, string)> SubjectParts()
    {
        var value = PSObjects.Unwrap(Subject);
        return value switch
        {
            null => [],
            IDictionary map => map.Cast<DictionaryEntry>().Select(e => (e.Key.ToString()!, e.Value?.ToString() ?? string.Empty)).ToList(),
            string s => s.TrimStart('/').Split(s.Contains('/', StringComparison.Ordinal) ? '/' : ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => part.Split('=', 2) is [var k, var v] ? (k.Trim(), v.Trim()) : throw new PSArgumentException($"-Subject part '{part}' is not KEY=value."))
                .Where(kv => !kv.Item1.Equals("CN", StringComparison.OrdinalIgnoreCase)).ToList(),
            _ => throw new PSArgumentException("-Subject must be a hashtable (@{ O = 'Example' }) or a string ('O=Example, C=DE')."),
        };
    }
}
