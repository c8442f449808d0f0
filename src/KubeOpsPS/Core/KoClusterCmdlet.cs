using System.Management.Automation;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>
/// Base of every cmdlet that talks to a cluster: -Context and -KubeConfig for one call, otherwise the session's
/// connection (Connect-KoCluster), otherwise the default kubeconfig as kubectl would find it. -Verbose narrates
/// each API call in one line; nothing else about the connection (tokens, keys) is ever written.
/// </summary>
public abstract class KoClusterCmdlet : KoCmdlet, IDisposable
{
    private ClusterGateway? _gateway;
    private bool _ownsGateway;

    [Parameter]
    [ArgumentCompleter(typeof(ContextCompleter))]
    public string? Context { get; set; }

    [Parameter]
    public string? KubeConfig { get; set; }

    /// <summary>The gateway for this call, connected on first use.</summary>
    protected ClusterGateway Gateway
    {
        get
        {
            if (_gateway is not null) return _gateway;
            if (Context is null && KubeConfig is null && ClusterSession.Current is { } session)
            {
                _gateway = session;
            }
            else
            {
                _gateway = new ClusterGateway(ClusterSession.Connect(KubeConfig is null ? null : FileSystemPath(KubeConfig), Context));
                _ownsGateway = true;
                if (Context is null && KubeConfig is null) { ClusterSession.Current = _gateway; _ownsGateway = false; }
            }
            return _gateway;
        }
    }

    /// <summary>Connects (or fails with a clear ErrorRecord) and wires -Verbose narration for this cmdlet.</summary>
    protected ClusterGateway Connect()
    {
        ClusterGateway g;
        try
        {
            g = Gateway;
        }
        catch (KoClusterException e)
        {
            Fail(e);
            throw;
        }
        g.Log = line => Post(() => WriteVerbose(line));
        return g;
    }

    /// <summary>
    /// The one apply path (Publish-KoResource and every Install-*): applies in dependency order with one progress
    /// record, writes each failure as an error and each success through <paramref name="write"/>, in input order.
    /// </summary>
    protected IReadOnlyList<ApplyResult> ApplyObjects(IReadOnlyList<object> objects, ApplyOptions options, int parallelism, bool createNamespaces, string activity, Action<ApplyResult> write)
    {
        var gateway = Connect();
        var results = WithProgress(ApplyProgressId, activity, "Applying", report =>
            Run(ct => BatchApplier.ApplyAsync(gateway, objects, options, parallelism, createNamespaces, (done, total, r) => report($"{done} of {total}: {r}", done * 100 / Math.Max(1, total)), ct)));
        foreach (var r in results)
        {
            if (r.Error is not null) WriteFailure(r.Error, ObjectRef.Of(r).ToString());
            else write(r);
        }
        return results;
    }

    private const int ApplyProgressId = 4202;

    /// <summary>Keeps this call's connection open after the cmdlet ends (for background jobs that go on using it).</summary>
    protected void KeepConnection() => _ownsGateway = false;

    /// <summary>The namespace a cmdlet's -Namespace means when omitted: the context's namespace.</summary>
    protected string NamespaceOrDefault(string? ns) => ns ?? Gateway.DefaultNamespace;

    /// <summary>PowerShell disposes cmdlets at the end of the pipeline: drop a one-call connection.</summary>
    public void Dispose()
    {
        if (_gateway is not null) _gateway.Log = null;
        if (_ownsGateway) _gateway?.Dispose();
        _gateway = null;
    }
}
