using System.Collections;
using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Ingress;

/// <summary>
/// The routing parameters New-KoIngress and New-KoHttpRoute share (so a script moves from one to the other by
/// changing the verb's noun), and the piped secrets: a TLS secret sets the TLS hosts; every piped object is passed on.
/// </summary>
public abstract class KoRouteCmdlet : KoClusterCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter]
    public new string? Host { get; set; }

    [Parameter]
    public string Path { get; set; } = "/";

    [Parameter]
    [ValidateSet("Prefix", "Exact", "ImplementationSpecific")]
    public string PathType { get; set; } = "Prefix";

    [Parameter]
    [ArgumentCompleter(typeof(ServiceCompleter))]
    public string? ServiceName { get; set; }

    [Parameter]
    public object? ServicePort { get; set; }

    [Parameter]
    public Hashtable[] Rule { get; set; } = [];

    [Parameter]
    [ArgumentCompleter(typeof(SecretCompleter))]
    public string? TlsSecretName { get; set; }

    [Parameter]
    public SwitchParameter StripPathPrefix { get; set; }

    [Parameter(ValueFromPipeline = true)]
    public object? InputObject { get; set; }

    private readonly List<object> _piped = [];

    protected override void ProcessRecord()
    {
        if (InputObject is not null) _piped.AddRange(KubernetesObjects([InputObject]));
    }

    /// <summary>The piped objects, to write before the built object so one Publish-KoResource applies them all.</summary>
    protected IReadOnlyList<object> Piped => _piped;

    /// <summary>The rules from -Host/-Path/-ServiceName/-ServicePort and -Rule.</summary>
    protected IReadOnlyList<IngressRuleOptions> Rules()
    {
        var rules = new List<IngressRuleOptions>();
        if (ServiceName is not null || ServicePort is not null)
            rules.Add(new IngressRuleOptions { Host = Host, Path = Path, PathType = PathType, ServiceName = ServiceName!, ServicePort = PSObjects.Unwrap(ServicePort)! });
        foreach (var map in Rule)
        {
            string? Get(string key) => map.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), key, StringComparison.OrdinalIgnoreCase)) is { } k ? map[k]?.ToString() : null;
            var unknown = map.Keys.Cast<object>().Select(k => k.ToString()!).FirstOrDefault(k => !RuleKeys.Contains(k, StringComparer.OrdinalIgnoreCase));
            if (unknown is not null) Fail(Validate.Invalid("-Rule", unknown, $"-Rule has an unknown key '{unknown}': use {string.Join(", ", RuleKeys)}."));
            var port = map.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), "ServicePort", StringComparison.OrdinalIgnoreCase)) is { } pk ? PSObjects.Unwrap(map[pk]) : null;
            rules.Add(new IngressRuleOptions { Host = Get("Host") ?? Host, Path = Get("Path") ?? "/", PathType = Get("PathType") ?? "Prefix", ServiceName = Get("ServiceName")!, ServicePort = port! });
        }
        return rules;
    }

    /// <summary>The TLS secret's name and the DNS names of its certificate, from a piped TLS secret or -TlsSecretName.</summary>
    protected (string? Secret, IReadOnlyList<string>? Hosts) Tls()
    {
        var piped = _piped.OfType<V1Secret>().Where(s => s.Type == TlsSecrets.Type).ToList();
        if (piped.Count > 1) Fail(Validate.Invalid("-InputObject", piped[1].Metadata?.Name, "More than one TLS secret was piped in: pipe the one this route serves."));
        if (piped.Count == 0) return (TlsSecretName, null);
        var secret = piped[0];
        if (TlsSecretName is not null && TlsSecretName != secret.Metadata?.Name)
            Fail(Validate.Invalid("-TlsSecretName", TlsSecretName, $"-TlsSecretName '{TlsSecretName}' differs from the piped TLS secret '{secret.Metadata?.Name}': give one of them."));
        return (secret.Metadata?.Name, Build(() => TlsSecrets.HostsOf(secret)));
    }

    private static readonly string[] RuleKeys = ["Host", "Path", "PathType", "ServiceName", "ServicePort"];

}
