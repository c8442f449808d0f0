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

    /// <summary>A connection found as kubectl finds it: the named kubeconfig file, else $KUBECONFIG, else ~/.kube/config.</summary>
    public static ClusterConnection Connect(string? kubeConfigFile, string? context, string? ns = null, TimeSpan? connectTimeout = null) =>
        KubeConfigs.Connect(kubeConfigFile, context, ns, KubeConfigEnv, Home, connectTimeout);

    /// <summary>The contexts of the kubeconfig found as <see cref="Connect"/> finds it.</summary>
    public static IReadOnlyList<KubeContextInfo> ListContexts(string? kubeConfigFile) => KubeConfigs.ListContexts(kubeConfigFile, KubeConfigEnv, Home);

    private static string? KubeConfigEnv => Environment.GetEnvironmentVariable("KUBECONFIG");

    private static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

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
