using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>The connection Connect-KoCluster remembers for the PowerShell session (one per process; runspaces share it).</summary>
public static class ClusterSession
{
    private static readonly object Gate = new();
    private static ClusterGateway? _current;

    public static ClusterGateway? Current
    {
        get { lock (Gate) return _current; }
        set
        {
            lock (Gate)
            {
                if (!ReferenceEquals(_current, value)) _current?.Dispose();
                _current = value;
            }
        }
    }
}
