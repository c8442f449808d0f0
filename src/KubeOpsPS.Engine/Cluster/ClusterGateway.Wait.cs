namespace KubeOpsPS.Engine.Cluster;

/// <summary>What a wait condition says about the object's current state.</summary>
public readonly record struct WaitState(bool Done, string Status, bool Failed = false);

public sealed partial class ClusterGateway
{
    /// <summary>
    /// Waits, by watching (not polling), until <paramref name="check"/> says the object is done (or failed).
    /// The object may be null (not there yet, or deleted). Reports every state change through <paramref name="progress"/>.
    /// Throws a Timeout error naming the last state when <paramref name="timeout"/> passes.
    /// <paramref name="from"/>, when given, is the object as a write just returned it: the wait starts from it and
    /// watches from its resourceVersion, without listing first.
    /// </summary>
    public async Task<(object? Object, WaitState State)> WaitAsync(Yaml.KubeKind kind, string? ns, string name, Func<object?, WaitState> check, TimeSpan timeout, Action<WaitState>? progress, CancellationToken ct, object? from = null)
    {
        ns = kind.Namespaced ? ns ?? DefaultNamespace : null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var selector = "metadata.name=" + name;
        var state = check(null);
        try
        {
            object? current;
            string? rv;
            if (from is k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> { Metadata.ResourceVersion: { Length: > 0 } fromVersion }) (current, rv) = (from, fromVersion);
            else
            {
                var (items, listed) = await ListAsync(kind, ns, null, selector, deadline.Token).ConfigureAwait(false);
                (current, rv) = (items.FirstOrDefault(), listed);
            }
            var first = check(current);
            if (first != state) progress?.Invoke(first);
            state = first;
            if (state.Done || state.Failed) return (current, state);
            await foreach (var ev in WatchAsync(kind, ns, selector, null, rv, deadline.Token).ConfigureAwait(false))
            {
                current = ev.Type == "DELETED" ? null : ev.Object;
                var next = check(current);
                if (next != state) progress?.Invoke(next);
                state = next;
                if (state.Done || state.Failed) return (current, state);
            }
            return (current, state);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var what = kind.Namespaced ? $"{kind.Kind} {ns}/{name}" : $"{kind.Kind} {name}";
            throw new KoClusterException("WaitTimeout", "OperationTimeout", $"{what} was not ready after {timeout.TotalSeconds:0} s; last state: {state.Status}.", what,
                "Look at the object's events (Get-KoResource Event) or wait longer with -Timeout.");
        }
    }
}
