using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Logging;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Logging;

/// <summary>
/// Lists Elasticsearch's indices as objects (the seed's curl …/_cat/indices), through the API server's service proxy.
/// </summary>
[Cmdlet(VerbsCommon.Get, "KoLogIndex")]
[OutputType(typeof(LogIndex))]
public sealed class GetKoLogIndexCommand : KoClusterCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = LoggingBundle.DefaultNamespace;

    [Parameter]
    [ArgumentCompleter(typeof(ServiceCompleter))]
    public string ServiceName { get; set; } = LoggingBundle.ElasticsearchName;

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = LoggingBundle.ElasticsearchPort;

    protected override void EndProcessing()
    {
        var ns = Build(() => Validate.Label(Namespace, "-Namespace"));
        var service = Build(() => Validate.Dns1035(ServiceName, "-ServiceName"));
        var patterns = (Name ?? []).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var gateway = Connect();
        IReadOnlyList<LogIndex> indices;
        try
        {
            var body = Run(ct => gateway.ServiceProxyGetAsync(ns, service, Port, LogIndex.CatPath,
                "Install the stack with Install-KoLogging -AllowIndexListing (index names, counts and sizes readable without a password), or run kubectl port-forward and ask Elasticsearch with the elastic user's password.", ct));
            indices = LogIndex.Parse(body, $"Service {ns}/{service}:{Port}");
        }
        catch (KoClusterException e)
        {
            Fail(e);
            return;
        }
        foreach (var index in indices)
            if (patterns.Count == 0 || patterns.Any(p => p.IsMatch(index.Index))) WriteObject(index);
    }
}
