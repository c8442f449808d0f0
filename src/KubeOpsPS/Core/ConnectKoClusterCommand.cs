using System.Management.Automation;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>Connects to a cluster from a kubeconfig and remembers the connection for the session.</summary>
[Cmdlet(VerbsCommunications.Connect, "KoCluster")]
[OutputType(typeof(ClusterConnection))]
public sealed class ConnectKoClusterCommand : KoCmdlet
{
    [Parameter(Position = 0)]
    public string? KubeConfig { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ContextCompleter))]
    public string? Context { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter]
    public string FieldManager { get; set; } = "kubeops";

    [Parameter]
    public TimeSpan ConnectTimeout { get; set; } = KubeConfigs.DefaultConnectTimeout;

    protected override void EndProcessing()
    {
        if (Namespace is not null) Build(() => Engine.Validation.Validate.Label(Namespace, "-Namespace"));
        if (FieldManager.Length is 0 or > 128 || FieldManager.Any(char.IsControl))
            Fail(Engine.Validation.Validate.Invalid("-FieldManager", FieldManager, "-FieldManager must be 1-128 printable characters."));
        ClusterGateway? gateway = null;
        try
        {
            var conn = ClusterSession.Connect(KubeConfig is null ? null : FileSystemPath(KubeConfig), Context, Namespace, ConnectTimeout);
            gateway = new ClusterGateway(conn, new GatewayOptions { FieldManager = FieldManager, RequestTimeout = ConnectTimeout, MaxAttempts = 2 });
            gateway.Log = line => Post(() => WriteVerbose(line));
            var version = Run(ct => gateway.GetVersionAsync(ct));
            gateway.Dispose();
            gateway = new ClusterGateway(conn, new GatewayOptions { FieldManager = FieldManager });
            ClusterSession.Current = gateway;
            WriteVerbose($"Connected to {conn.Server} (Kubernetes {version["gitVersion"]}) as context {conn.Context}, namespace {conn.Namespace}");
            WriteObject(conn);
        }
        catch (KoClusterException e)
        {
            gateway?.Dispose();
            Fail(e);
        }
    }
}

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
