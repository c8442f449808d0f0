using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>
/// The connection Connect-KoCluster remembers, one per runspace: a thread job or another runspace that connects
/// elsewhere never swaps the connection out from under this one.
/// </summary>
public static class ClusterSession
{
    private sealed class Holder
    {
        public ClusterGateway? Gateway;
    }

    private static readonly ConditionalWeakTable<Runspace, Holder> ByRunspace = new();
    private static readonly Holder NoRunspace = new();

    private static Holder Slot => Runspace.DefaultRunspace is { } rs ? ByRunspace.GetOrCreateValue(rs) : NoRunspace;

    /// <summary>The kubeconfig file the session connected with (-KubeConfig), for Get-KoContext and completion; null when it followed the chain.</summary>
    public static string? KubeConfigFile => Current?.Connection.KubeConfigSource is { } s && File.Exists(s) ? s : null;

    public static ClusterGateway? Current
    {
        get
        {
            var slot = Slot;
            lock (slot) return slot.Gateway;
        }
        set
        {
            var slot = Slot;
            lock (slot)
            {
                if (!ReferenceEquals(slot.Gateway, value)) slot.Gateway?.Dispose();
                slot.Gateway = value;
            }
        }
    }
}
