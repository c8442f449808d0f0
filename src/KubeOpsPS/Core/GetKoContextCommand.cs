using System.Management.Automation;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>Lists the contexts of the kubeconfig, the current one marked.</summary>
[Cmdlet(VerbsCommon.Get, "KoContext")]
[OutputType(typeof(KubeContextInfo))]
public sealed class GetKoContextCommand : KoCmdlet
{
    [Parameter(Position = 0)]
    public string? KubeConfig { get; set; }

    [Parameter]
    [SupportsWildcards]
    public string Name { get; set; } = "*";

    protected override void EndProcessing()
    {
        try
        {
            var pattern = new WildcardPattern(Name, WildcardOptions.IgnoreCase);
            var session = ClusterSession.Current?.Connection.Context;
            // Without -KubeConfig: the file this session connected with, else the chain kubectl uses.
            foreach (var c in ClusterSession.ListContexts(KubeConfig is null ? ClusterSession.KubeConfigFile : FileSystemPath(KubeConfig)))
                if (pattern.IsMatch(c.Name)) WriteObject(session is null || KubeConfig is not null ? c : c with { IsCurrent = c.Name == session });
        }
        catch (KoClusterException e)
        {
            Fail(e);
        }
    }
}
