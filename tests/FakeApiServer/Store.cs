using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace FakeApiServer;

/// <summary>One manager's entry in managedFields.</summary>
public sealed class ManagedEntry
{
    public required string Manager { get; init; }
    public required string Operation { get; init; }
    public required string ApiVersion { get; init; }
    public string? Subresource { get; init; }
    public string Time { get; set; } = "";
    public HashSet<string> Fields { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A stored object with its field ownership.</summary>
public sealed class StoredObject
{
    public required ResourceType Type { get; init; }
    public required JsonObject Object { get; set; }
    public List<ManagedEntry> Managed { get; set; } = [];
    public string? Namespace => Object["metadata"]?["namespace"]?.GetValue<string>();
    public string Name => Object["metadata"]!["name"]!.GetValue<string>();
    public string Uid => Object["metadata"]?["uid"]?.GetValue<string>() ?? "";
    /// <summary>The resourceVersion that created the object (list pages hide objects newer than their snapshot).</summary>
    public long CreatedRv { get; set; }
}

/// <summary>A change, kept for watch resume.</summary>
public sealed record Change(long ResourceVersion, string Type, ResourceType ResourceType, JsonObject Object, JsonObject? Previous);

/// <summary>
/// The object store: one resourceVersion counter for everything (M-1), a bounded history of changes for watch
/// resume (W-4), and subscribers that receive every change as it is committed. One lock keeps it simple.
/// </summary>
public sealed class Store
{
    private readonly object _gate = new();
    private readonly Dictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    /// <summary>The same objects by type (qualified plural) and namespace, so that a list reads only its own kind.</summary>
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, StoredObject>>> _byType = new(StringComparer.Ordinal);
    /// <summary>The same objects by the uid of each owner their ownerReferences name, so that a controller finds its own.</summary>
    private readonly Dictionary<string, Dictionary<string, StoredObject>> _byOwner = new(StringComparer.Ordinal);
    /// <summary>The objects being deleted (with a deletionTimestamp), by key.</summary>
    private readonly Dictionary<string, StoredObject> _deleting = new(StringComparer.Ordinal);
    /// <summary>How many stored objects have each uid ("" for those without one).</summary>
    private readonly Dictionary<string, int> _uids = new(StringComparer.Ordinal);
    /// <summary>The resourceVersion of the last change to each type in each namespace.</summary>
    private readonly Dictionary<string, long> _changedAt = new(StringComparer.Ordinal);
    private readonly LinkedList<Change> _history = new();
    private readonly List<Channel<Change>> _subscribers = [];
    private readonly Dictionary<string, int> _writes = new(StringComparer.Ordinal);
    private readonly int _historyLimit;
    private long _rv = 100;

    public Store(int historyLimit) => _historyLimit = historyLimit;

    public object Gate => _gate;

    public long ResourceVersion { get { lock (_gate) return _rv; } }

    /// <summary>The oldest resourceVersion a watch can resume from.</summary>
    public long OldestResumable { get { lock (_gate) return _history.First?.Value.ResourceVersion - 1 ?? _rv; } }

    public static string Key(ResourceType t, string? ns, string name) => $"{t.Qualified}/{ns}/{name}";

    public StoredObject? Get(ResourceType t, string? ns, string name)
    {
        lock (_gate) return _objects.GetValueOrDefault(Key(t, ns, name));
    }

    public List<StoredObject> List(ResourceType t, string? ns)
    {
        lock (_gate)
        {
            if (!_byType.TryGetValue(t.Qualified, out var namespaces)) return [];
            IEnumerable<StoredObject> objects = ns is null ? namespaces.Values.SelectMany(n => n.Values)
                : namespaces.TryGetValue(ns, out var inNamespace) ? inNamespace.Values : [];
            return InListOrder(objects);
        }
    }

    /// <summary>Objects as a list returns them: by namespace, then name.</summary>
    private static List<StoredObject> InListOrder(IEnumerable<StoredObject> objects) =>
        objects.OrderBy(o => o.Namespace ?? "", StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ToList();

    /// <summary>The objects of a type (or of any type with null; in a namespace, or any with null) whose ownerReferences name <paramref name="ownerUid"/>, in <see cref="List"/>'s order.</summary>
    public List<StoredObject> Dependents(ResourceType? t, string? ns, string ownerUid)
    {
        lock (_gate)
        {
            if (!_byOwner.TryGetValue(ownerUid, out var dependents)) return [];
            return InListOrder(dependents.Values.Where(o => (t is null || o.Type.Qualified == t.Qualified) && (ns is null || o.Namespace == ns)));
        }
    }

    /// <summary>The resourceVersion of the last change (create, update or removal) to an object of a type in a namespace (null: cluster-scoped ones); 0 for none since the start.</summary>
    public long ChangedAt(ResourceType t, string? ns)
    {
        lock (_gate) return _changedAt.GetValueOrDefault(ChangeKey(t, ns));
    }

    /// <summary>The objects being deleted (a deletionTimestamp set, finalizers pending).</summary>
    public List<StoredObject> Deleting()
    {
        lock (_gate) return _deleting.Values.ToList();
    }

    /// <summary>
    /// The objects with owner references whose owners are all gone (no stored object has any of their uids): what
    /// the garbage collector deletes. From the owner index, so that a pass does not read every object.
    /// </summary>
    public List<StoredObject> Orphans()
    {
        lock (_gate)
        {
            var orphans = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
            foreach (var (owner, dependents) in _byOwner)
            {
                if (_uids.ContainsKey(owner)) continue;
                foreach (var (key, o) in dependents)
                    if (!orphans.ContainsKey(key) && OwnerUids(o).All(u => !_uids.ContainsKey(u))) orphans[key] = o;
            }
            return orphans.Values.ToList();
        }
    }

    /// <summary>The uids an object's ownerReferences name ("" for a reference without one).</summary>
    private static IEnumerable<string> OwnerUids(StoredObject o) =>
        (o.Object["metadata"]?["ownerReferences"] as JsonArray ?? []).Select(r => (r as JsonObject)?["uid"] is JsonValue v && v.TryGetValue<string>(out var uid) ? uid : "").Distinct(StringComparer.Ordinal);

    /// <summary>The index key of an object's namespace: a cluster-scoped object's is "\0" (no namespace name has one).</summary>
    private static string NamespaceKey(string? ns) => ns ?? "\0";

    /// <summary>The key of <see cref="ChangedAt"/>'s revisions: a type in a namespace.</summary>
    private static string ChangeKey(ResourceType t, string? ns) => t.Qualified + "/" + NamespaceKey(ns);

    private void Index(string key, StoredObject stored)
    {
        if (!_byType.TryGetValue(stored.Type.Qualified, out var namespaces)) _byType[stored.Type.Qualified] = namespaces = new(StringComparer.Ordinal);
        var nsKey = NamespaceKey(stored.Namespace);
        if (!namespaces.TryGetValue(nsKey, out var objects)) namespaces[nsKey] = objects = new(StringComparer.Ordinal);
        objects[key] = stored;
        _uids[stored.Uid] = _uids.GetValueOrDefault(stored.Uid) + 1;
        if (stored.Object["metadata"]?["deletionTimestamp"] is not null) _deleting[key] = stored;
        foreach (var owner in OwnerUids(stored))
        {
            if (!_byOwner.TryGetValue(owner, out var dependents)) _byOwner[owner] = dependents = new(StringComparer.Ordinal);
            dependents[key] = stored;
        }
    }

    private void Unindex(string key, StoredObject stored)
    {
        if (_uids.TryGetValue(stored.Uid, out var count)) { if (count > 1) _uids[stored.Uid] = count - 1; else _uids.Remove(stored.Uid); }
        _deleting.Remove(key);
        foreach (var owner in OwnerUids(stored))
            if (_byOwner.TryGetValue(owner, out var dependents) && dependents.Remove(key) && dependents.Count == 0) _byOwner.Remove(owner);
        if (!_byType.TryGetValue(stored.Type.Qualified, out var namespaces) || !namespaces.TryGetValue(NamespaceKey(stored.Namespace), out var objects)) return;
        objects.Remove(key);
        if (objects.Count == 0) namespaces.Remove(NamespaceKey(stored.Namespace));
    }

    public List<StoredObject> All()
    {
        lock (_gate) return _objects.Values.ToList();
    }

    /// <summary>Client writes that changed the object (plural "deployments" or qualified "deployments.apps"); kept after deletion.</summary>
    public int WritesFor(string plural, string? ns, string name)
    {
        lock (_gate) return _writes.Where(w => w.Key.StartsWith(plural + "/", StringComparison.Ordinal) || w.Key.StartsWith(plural + ".", StringComparison.Ordinal))
            .Where(w => w.Key.EndsWith($"/{ns}/{name}", StringComparison.Ordinal)).Sum(w => w.Value);
    }

    /// <summary>Stores an object (create or update), stamping a new resourceVersion, and tells watchers.</summary>
    /// <param name="countWrite">true for writes a client asked for (WritesFor counts them); false for the simulated controllers.</param>
    public JsonObject Put(StoredObject stored, string eventType, JsonObject? previous, bool countWrite = false)
    {
        lock (_gate)
        {
            var rv = ++_rv;
            stored.Object = stored.Object.Normalize();
            ((JsonObject)stored.Object["metadata"]!)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var key = Key(stored.Type, stored.Namespace, stored.Name);
            stored.CreatedRv = _objects.TryGetValue(key, out var before) ? before.CreatedRv : rv;
            if (before is not null) Unindex(key, before);
            _objects[key] = stored;
            _changedAt[ChangeKey(stored.Type, stored.Namespace)] = rv;
            Index(key, stored);
            if (countWrite) _writes[key] = _writes.GetValueOrDefault(key) + 1;
            Publish(new Change(rv, eventType, stored.Type, Render(stored), previous));
            return Render(stored);
        }
    }

    /// <summary>Removes an object; the DELETED event carries its last state with the deletion's resourceVersion.</summary>
    public JsonObject? Remove(ResourceType t, string? ns, string name)
    {
        lock (_gate)
        {
            var key = Key(t, ns, name);
            if (!_objects.Remove(key, out var stored)) return null;
            Unindex(key, stored);
            var rv = ++_rv;
            _changedAt[ChangeKey(stored.Type, stored.Namespace)] = rv;
            ((JsonObject)stored.Object["metadata"]!)["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var last = Render(stored);
            Publish(new Change(rv, "DELETED", t, last, null));
            return last;
        }
    }

    private void Publish(Change change)
    {
        _history.AddLast(change);
        while (_history.Count > _historyLimit) _history.RemoveFirst();
        foreach (var s in _subscribers) s.Writer.TryWrite(change);
    }

    /// <summary>Subscribes to changes after <paramref name="afterRv"/>; returns null when that version is older than the history kept.</summary>
    public (Channel<Change> Channel, List<Change> Backlog)? Subscribe(long afterRv)
    {
        lock (_gate)
        {
            if (_history.First is { } first && afterRv < first.Value.ResourceVersion - 1) return null;
            if (_history.First is null && afterRv < _rv) { /* nothing happened since the store started: fine */ }
            var backlog = _history.Where(c => c.ResourceVersion > afterRv).ToList();
            var ch = Channel.CreateUnbounded<Change>();
            _subscribers.Add(ch);
            return (ch, backlog);
        }
    }

    public void Unsubscribe(Channel<Change> ch)
    {
        lock (_gate) _subscribers.Remove(ch);
    }

    /// <summary>managedFields as a client sends them back (PUT, or a JSON patch such as kubectl's apply migration), or null when malformed.</summary>
    public static List<ManagedEntry>? ParseManaged(JsonArray entries)
    {
        var parsed = new List<ManagedEntry>();
        foreach (var e in entries)
        {
            if (e is not JsonObject o || o["manager"]?.GetValue<string>() is not { } manager || o["operation"]?.GetValue<string>() is not ({ } op and ("Apply" or "Update"))
                || o["apiVersion"]?.GetValue<string>() is not { } av || o["fieldsV1"] is not JsonObject fields) return null;
            parsed.Add(new ManagedEntry { Manager = manager, Operation = op, ApiVersion = av, Subresource = o["subresource"]?.GetValue<string>(), Time = o["time"]?.GetValue<string>() ?? "", Fields = FieldSets.FromFieldsV1(fields) });
        }
        return parsed;
    }

    /// <summary>The object as served: with managedFields rendered (S-6) and kind/apiVersion set.</summary>
    public static JsonObject Render(StoredObject s)
    {
        var o = (JsonObject)s.Object.DeepClone();
        o["apiVersion"] = s.Type.GroupVersion;
        o["kind"] = s.Type.Kind;
        var meta = (JsonObject)o["metadata"]!;
        if (s.Managed.Count > 0)
        {
            var arr = new JsonArray();
            foreach (var m in s.Managed)
            {
                var e = new JsonObject { ["manager"] = m.Manager, ["operation"] = m.Operation, ["apiVersion"] = m.ApiVersion, ["time"] = m.Time, ["fieldsType"] = "FieldsV1", ["fieldsV1"] = FieldSets.ToFieldsV1(m.Fields) };
                if (m.Subresource is not null) e["subresource"] = m.Subresource;
                arr.Add(e);
            }
            meta["managedFields"] = arr;
        }
        else meta.Remove("managedFields");
        // Put metadata, spec, status in the usual order.
        var ordered = new JsonObject();
        foreach (var k in new[] { "apiVersion", "kind", "metadata" }) if (o.TryGetPropertyValue(k, out var v)) { o.Remove(k); ordered[k] = v; }
        foreach (var p in o.ToList()) { o.Remove(p.Key); ordered[p.Key] = p.Value; }
        return ordered;
    }
}
