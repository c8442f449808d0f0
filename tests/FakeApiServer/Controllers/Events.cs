using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.OpenApi;

namespace FakeApiServer;

/// <summary>
/// The components' event recorders, on the fake's clock. The controllers and the kubelet record as client-go's core/v1
/// recorder (tools/record) does before it writes:
/// <list type="bullet">
/// <item>aggregation: the tenth distinct message with the same source, object, type and reason (and reporting
/// controller and instance) within ten minutes of the previous one becomes a new Event "(combined from similar events):
/// …", counted from then on;</item>
/// <item>counting: a repeat with the same source, object (with its fieldPath), type, reason and message patches the
/// Event sent first (count + 1, lastTimestamp, message; name and firstTimestamp kept; one deleted since is created
/// again under its name);</item>
/// <item>the spam filter: each source may send 25 Events of a type about one object, then one more each 5 minutes
/// (a token bucket); a filtered occurrence is still counted, so the next one let through carries the full count.</item>
/// </list>
/// Each component (each controller, each node's kubelet) has its own three caches, each keeping at most 4096 keys
/// (<see cref="FakeClusterOptions.EventCacheEntries"/>) and forgetting the least recently used one. New Events are named
/// <c>&lt;object&gt;.&lt;hex of the Unix time in nanoseconds&gt;</c>, have no eventTime or series, and carry
/// reportingComponent/reportingInstance = source component/host (a combined Event has neither, as upstream).
/// The scheduler records through the events.k8s.io recorder (tools/events): eventTime, action, reporting controller
/// and instance, no source, timestamps or count.
/// </summary>
internal sealed partial class Controllers
{
    private const int SimilarMessages = 10;
    private const int SpamBurst = 25;
    private static readonly TimeSpan SimilarWindow = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SpamRefill = TimeSpan.FromMinutes(5);
    private const string SchedulerName = "default-scheduler";

    private readonly Dictionary<string, Correlator> _recorders = new(StringComparer.Ordinal);
    private long _lastEventNanos;

    /// <summary>One component's recorder state (each controller, each node's kubelet has its own broadcaster upstream).</summary>
    private sealed class Correlator(int entries)
    {
        public LruCache<(HashSet<string> Messages, DateTime Last)> Similar { get; } = new(entries);
        public LruCache<(long Count, string First, string Name)> Log { get; } = new(entries);
        public LruCache<TokenBucket> Spam { get; } = new(entries);
    }

    /// <summary>The object an Event is about, as an ObjectReference (the kubelet's container events add a fieldPath).</summary>
    private readonly record struct EventSubject(string Kind, string? Namespace, string Name, string Uid, string ApiVersion, string? ResourceVersion, string? FieldPath = null)
    {
        public static EventSubject Of(StoredObject o, string? fieldPath = null) =>
            new(o.Type.Kind, o.Namespace, o.Name, o.Uid, o.Type.GroupVersion, o.Object["metadata"]?["resourceVersion"]?.GetValue<string>(), fieldPath);

        public JsonObject ToJson()
        {
            var r = new JsonObject { ["kind"] = Kind };
            if (Namespace is not null) r["namespace"] = Namespace;
            r["name"] = Name;
            r["uid"] = Uid;
            r["apiVersion"] = ApiVersion;
            if (ResourceVersion is not null) r["resourceVersion"] = ResourceVersion;
            if (FieldPath is not null) r["fieldPath"] = FieldPath;
            return r;
        }
    }

    /// <summary>Records an Event about an object from the component a real cluster names.</summary>
    private void Event(StoredObject about, string type, string reason, string message, string component = "kubelet", string host = "") =>
        Event(EventSubject.Of(about), type, reason, message, component, host);

    /// <summary>Correlates an Event as client-go's core recorder does (aggregate, count, spam filter), then writes it.</summary>
    private void Event(EventSubject about, string type, string reason, string message, string component, string host)
    {
        var now = SimNow;
        var source = Key(component, host);
        if (!_recorders.TryGetValue(source, out var recorder)) _recorders[source] = recorder = new Correlator(_options.EventCacheEntries);
        var objectKey = Key(component, host, about.Kind, about.Namespace, about.Name, about.Uid, about.ApiVersion);
        var aggregateKey = Key(objectKey, type, reason, component, host);
        if (!recorder.Similar.TryGet(aggregateKey, out var similar) || now - similar.Last > SimilarWindow) similar = (new HashSet<string>(StringComparer.Ordinal), now);
        similar.Messages.Add(message);
        recorder.Similar.Set(aggregateKey, (similar.Messages, now));
        var key = Key(objectKey, about.FieldPath, type, reason, message);
        var combined = similar.Messages.Count >= SimilarMessages;
        if (combined)
        {
            similar.Messages.Remove(similar.Messages.First());
            message = "(combined from similar events): " + message;
            key = aggregateKey;
        }
        var stamp = Stamp(now);
        var (count, first, name) = recorder.Log.TryGet(key, out var seen) ? (seen.Count + 1, seen.First, seen.Name) : (1L, stamp, $"{about.Name}.{EventNanos(now):x}");
        recorder.Log.Set(key, (count, first, name));
        if (!recorder.Spam.GetOrAdd(Key(objectKey, type), () => new TokenBucket(SpamBurst, SpamRefill, now)).TryTake(now)) return;

        var ns = about.Namespace ?? "default";
        if (!AcceptsEvents(ns)) return;
        var events = T("", "events");
        try
        {
            if (count > 1 && Patch(events, ns, name, count, stamp, message)) return;
            // The first occurrence, or one whose Event was deleted since: created (again) under its name, with its count.
            var from = new JsonObject { ["component"] = component };
            if (host.Length > 0) from["host"] = host;
            Create(events, ns, name, new JsonObject
            {
                ["involvedObject"] = about.ToJson(),
                ["reason"] = reason, ["message"] = message, ["source"] = from,
                ["firstTimestamp"] = first, ["lastTimestamp"] = stamp, ["count"] = count, ["type"] = type,
                ["reportingComponent"] = combined ? "" : component, ["reportingInstance"] = combined ? "" : host,
            }, ManagerOf(component));
        }
        catch (ApiError)
        {
            // The recorder logs a rejected Event ("will not retry") and carries on.
        }
    }

    /// <summary>
    /// Stores a new Event as the API server would (uid, creationTimestamp, the writer's managedFields), without the
    /// admission chain a client's create goes through: the recorders' Events are well-formed, and pods write several.
    /// An Event of that name already there is refused as the server refuses it (409).
    /// </summary>
    private void Create(ResourceType events, string ns, string name, JsonObject body, string manager)
    {
        lock (_store.Gate)
        {
            if (_store.Get(events, ns, name) is not null) throw ApiError.AlreadyExists(events, name);
            var fields = FieldSets.Flatten(body, SchemaNode.ForKind(events));
            var ev = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = Guid.NewGuid().ToString(), ["creationTimestamp"] = Api.Now() } };
            foreach (var (k, v) in body.ToList())
            {
                body.Remove(k);
                ev[k] = v;
            }
            _store.Put(new StoredObject { Type = events, Object = ev, Managed = [new ManagedEntry { Manager = manager, Operation = "Update", ApiVersion = events.GroupVersion, Time = Api.Now(), Fields = fields }] }, "ADDED", null);
        }
    }

    /// <summary>
    /// The recorder's strategic merge patch of a repeated Event (count, lastTimestamp, message), written to the store
    /// directly: nothing in it needs the admission chain, and a flapping pod patches its Events on every sync.
    /// </summary>
    private bool Patch(ResourceType events, string ns, string name, long count, string stamp, string message)
    {
        lock (_store.Gate)
        {
            if (_store.Get(events, ns, name) is not { } live) return false;
            var copy = new StoredObject { Type = live.Type, Object = (JsonObject)live.Object.DeepClone(), Managed = live.Managed };
            copy.Object["count"] = count;
            copy.Object["lastTimestamp"] = stamp;
            copy.Object["message"] = message;
            _store.Put(copy, "MODIFIED", Store.Render(live));
            return true;
        }
    }

    /// <summary>The field manager of a component's writes (its user agent's program name).</summary>
    private static string ManagerOf(string component) => component switch
    {
        "kubelet" => "kubelet",
        SchedulerName => "kube-scheduler",
        _ => Manager,
    };

    /// <summary>The scheduler's Event once it bound a pod to a node, written through events.k8s.io as tools/events writes it.</summary>
    private void ScheduledEvent(StoredObject pod, string node)
    {
        var ns = pod.Namespace ?? "default";
        if (!AcceptsEvents(ns)) return;
        var now = SimNow;
        var name = $"{pod.Name}.{EventNanos(now):x}";
        try
        {
            Create(T("", "events"), ns, name, new JsonObject
            {
                ["involvedObject"] = EventSubject.Of(pod).ToJson(),
                ["reason"] = "Scheduled", ["message"] = $"Successfully assigned {ns}/{pod.Name} to {node}", ["type"] = "Normal", ["action"] = "Binding",
                ["source"] = new JsonObject(),
                ["eventTime"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["reportingComponent"] = SchedulerName, ["reportingInstance"] = $"{SchedulerName}-{ControlPlaneNode}",
            }, ManagerOf(SchedulerName));
        }
        catch (ApiError)
        {
        }
    }

    /// <summary>The node the control plane (and so the scheduler) runs on.</summary>
    private const string ControlPlaneNode = "node-1";

    /// <summary>Whether the API server takes a new Event in the namespace (the lifecycle admission refuses a missing or terminating one).</summary>
    private bool AcceptsEvents(string ns) =>
        _store.Get(T("", "namespaces"), null, ns) is { } n && n.Object["status"]?["phase"]?.GetValue<string>() != "Terminating";

    /// <summary>The Unix time in nanoseconds for a new Event's name, made strictly increasing so that two Events about one object never share a name.</summary>
    private long EventNanos(DateTime now)
    {
        var nanos = (now - DateTime.UnixEpoch).Ticks * 100;
        _lastEventNanos = Math.Max(nanos, _lastEventNanos + 1);
        return _lastEventNanos;
    }

    private static string Key(params string?[] parts) => string.Join('\u0001', parts);

    /// <summary>golang.org/x/time/rate as client-go's passive rate limiter uses it: full at first, refilled one token per period up to the burst.</summary>
    private sealed class TokenBucket(int burst, TimeSpan period, DateTime now)
    {
        private double _tokens = burst;
        private DateTime _last = now;

        public bool TryTake(DateTime now)
        {
            if (now > _last)
            {
                _tokens = Math.Min(burst, _tokens + (now - _last).Ticks / (double)period.Ticks);
                _last = now;
            }
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}

/// <summary>A map of at most <c>capacity</c> keys that forgets the least recently used one (k8s.io/utils/lru as the recorder uses it).</summary>
internal sealed class LruCache<TValue>(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, TValue Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, TValue Value)> _order = new();

    public int Count => _map.Count;

    public bool TryGet(string key, out TValue value)
    {
        if (_map.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Set(string key, TValue value)
    {
        if (_map.TryGetValue(key, out var node))
        {
            node.Value = (key, value);
            _order.Remove(node);
            _order.AddFirst(node);
            return;
        }
        _map[key] = _order.AddFirst((key, value));
        if (_map.Count <= capacity) return;
        _map.Remove(_order.Last!.Value.Key);
        _order.RemoveLast();
    }

    public TValue GetOrAdd(string key, Func<TValue> create)
    {
        if (!TryGet(key, out var value)) value = create();
        Set(key, value);
        return value;
    }
}
