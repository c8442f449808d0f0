namespace KubeOpsPS.Engine.Report;

/// <summary>Why a kind is missing from a snapshot: the user may not list it, or the cluster does not serve it.</summary>
public enum NotReadReason { Forbidden, NotServed }

/// <summary>A kind the collector could not list (Namespace set when it was listed per namespace).</summary>
public sealed record KindNotRead(string Kind, string Plural, string? Namespace, NotReadReason Reason);

/// <summary>
/// Everything the report's checks look at, read once from one cluster: the listed objects (typed KubernetesClient
/// models), the kinds that could not be listed, the server's version and the time of reading. The checks are pure
/// functions of a snapshot, so tests build one from a YAML file without a cluster.
/// </summary>
public sealed class ClusterSnapshot
{
    private readonly IReadOnlyList<object> _objects;

    public ClusterSnapshot(string context, KubeVersion serverVersion, DateTime now, IEnumerable<object> objects, IReadOnlyList<KindNotRead>? notRead = null)
    {
        Context = context;
        ServerVersion = serverVersion;
        Now = now;
        _objects = objects.ToList();
        NotRead = notRead ?? [];
    }

    public string Context { get; }
    public KubeVersion ServerVersion { get; }
    public DateTime Now { get; }
    public IReadOnlyList<KindNotRead> NotRead { get; }

    /// <summary>The objects of one model type (V1Pod, V1Deployment, ...).</summary>
    public IEnumerable<T> Of<T>() => _objects.OfType<T>();

    /// <summary>Every object, for checks that look at all kinds alike (API versions in managedFields).</summary>
    public IEnumerable<object> All => _objects;
}
