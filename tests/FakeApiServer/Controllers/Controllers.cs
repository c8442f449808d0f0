using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// Simulated controllers on a scaled clock (R-1..R-14): Deployments → ReplicaSets → Pods, StatefulSets with ordered
/// pods and claims, DaemonSets over the nodes, PVC binding, namespace termination and garbage collection. Images
/// whose tag is or ends with "broken" never become ready. This file holds the loop and the helpers the controllers
/// share; each controller is in its own file beside it.
/// </summary>
internal sealed partial class Controllers
{
    public const string Manager = "kube-controller-manager";
    private readonly Store _store;
    private readonly Api _api;
    private readonly FakeClusterOptions _options;
    private readonly FakeClock _clock;
    private readonly Dictionary<string, DateTime> _progress = new(StringComparer.Ordinal);

    public Controllers(Store store, Api api, FakeClusterOptions options, FakeClock clock)
    {
        _store = store;
        _api = api;
        _options = options;
        _clock = clock;
    }

    private DateTime SimNow => _clock.Now;

    private static ResourceType T(string group, string plural) => ResourceTypes.Find(group, "v1", plural)!;

    private WriteContext Ctx() => new(Manager, "Update", false, false, null, []) { Internal = true };

    public void Seed()
    {
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            _api.Commit(T("", "namespaces"), null, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, null, Ctx(), null);
        _api.Commit(T("", "nodes"), null, "node-1", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "node-1", ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = "node-1", ["kubernetes.io/os"] = "linux", ["node-role.kubernetes.io/control-plane"] = "" } },
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady", ["message"] = "kubelet is posting ready status" }),
                ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.32.4", ["operatingSystem"] = "linux", ["architecture"] = "amd64", ["containerRuntimeVersion"] = "containerd://2.0.0", ["kernelVersion"] = "6.1.0", ["osImage"] = "Debian GNU/Linux 12", ["kubeProxyVersion"] = "v1.32.4", ["machineID"] = "fake", ["systemUUID"] = "fake", ["bootID"] = "fake" },
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "10.0.0.10" }),
                ["capacity"] = new JsonObject { ["cpu"] = "2", ["memory"] = "24Gi", ["pods"] = "110" },
            },
        }, null, Ctx() with { IsStatus = false }, null);
        // Status is kept off create by the API; put the node's status in directly.
        var node = _store.Get(T("", "nodes"), null, "node-1")!;
        SetStatus(node, new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady", ["message"] = "kubelet is posting ready status", ["lastHeartbeatTime"] = Api.Now(), ["lastTransitionTime"] = Api.Now() }),
            ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.32.4", ["operatingSystem"] = "linux", ["architecture"] = "amd64", ["containerRuntimeVersion"] = "containerd://2.0.0", ["kernelVersion"] = "6.1.0", ["osImage"] = "Debian GNU/Linux 12", ["kubeProxyVersion"] = "v1.32.4", ["machineID"] = "fake", ["systemUUID"] = "fake", ["bootID"] = "fake" },
            ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "10.0.0.10" }),
            ["capacity"] = new JsonObject { ["cpu"] = "2", ["memory"] = "24Gi", ["pods"] = "110" },
        });
        SeedControlPlane();
    }

    /// <summary>
    /// Every <see cref="FakeClusterOptions.ReconcileInterval"/>, a pass of all the controllers when one is due (see
    /// <see cref="PassDue"/>): an idle cluster costs a look at the store's revision and the clock, not a rescan.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ReconcileInterval, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (PassDue())
            {
                Pass();
                Interlocked.Increment(ref _passes);
            }
            Interlocked.Increment(ref _ticks);
        }
    }

    private long _ticks, _passes;

    /// <summary>The loop's ticks so far and the passes they ran (a settled cluster's ticks run none).</summary>
    public (long Ticks, long Passes) LoopCounts => (Interlocked.Read(ref _ticks), Interlocked.Read(ref _passes));

    // What the last pass saw, and when it asked to look again.
    private long _passRevision = -1;
    private TimeSpan _passPodReadyDelay;
    private DateTime _wake = DateTime.MinValue;
    private DateTime _wakeReal = DateTime.MinValue;

    /// <summary>
    /// Whether a pass could change anything: the store changed since the last one began (a client's write, or the
    /// last pass's own writes: a pass that writes nothing leaves the loop idle), or a time a controller registered
    /// (<see cref="Due"/>, <see cref="WakeAt"/>) has come on the simulated clock (which <see cref="FakeClock.Advance"/>
    /// moves too), or on the real clock (<see cref="WakeAtReal"/>), or the pod-ready delay was changed.
    /// </summary>
    private bool PassDue() =>
        _store.ResourceVersion != _passRevision || SimNow >= _wake || DateTime.UtcNow >= _wakeReal || _options.PodReadyDelay != _passPodReadyDelay;

    /// <summary>Whether simulated time <paramref name="at"/> has come; when it has not, the loop wakes then for another pass.</summary>
    private bool Due(DateTime at)
    {
        if (SimNow >= at) return true;
        WakeAt(at);
        return false;
    }

    /// <summary>Asks for a pass at simulated time <paramref name="at"/> even if the store does not change before.</summary>
    private void WakeAt(DateTime at)
    {
        if (at < _wake) _wake = at;
    }

    /// <summary>Asks for a pass at real time <paramref name="utc"/> (for what the API decides on the real clock).</summary>
    private void WakeAtReal(DateTime utc)
    {
        if (utc < _wakeReal) _wakeReal = utc;
    }

    /// <summary>Errors from controller steps (also written to stderr); one failing object never stops the others.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

    private void Step(string what, Action action)
    {
        try
        {
            action();
        }
        catch (ApiError e) when (e.Code is 404 or 409)
        {
            // A controller write lost a race with a client write; the next pass sees the new state.
            WakeAt(DateTime.MinValue);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Tried again on the next tick, as before the loop learned to idle.
            WakeAt(DateTime.MinValue);
            var msg = $"controller {what}: {e}";
            Errors.Enqueue(msg);
            while (Errors.Count > 50) Errors.TryDequeue(out _);
            Console.Error.WriteLine(msg);
        }
    }

    private void Pass()
    {
        if (_options.PodReadyDelay != _passPodReadyDelay) _reconciled.Clear();
        _passRevision = _store.ResourceVersion;
        _passPodReadyDelay = _options.PodReadyDelay;
        _wake = DateTime.MaxValue;
        _wakeReal = DateTime.MaxValue;
        Step("namespaces", Namespaces);
        Step("resource quotas", ResourceQuotas);
        Step("namespace contents", NamespaceContents);
        Step("customresourcedefinitions", CustomResourceDefinitions);
        Step("garbage collector", GarbageCollect);
        Step("volumes", BindClaims);
        foreach (var d in _store.List(T("apps", "deployments"), null)) Reconcile($"deployment {d.Namespace}/{d.Name}", d, [T("apps", "replicasets")], Deployment);
        foreach (var rs in _store.List(T("apps", "replicasets"), null)) Reconcile($"replicaset {rs.Namespace}/{rs.Name}", rs, [T("", "pods")], ReplicaSet);
        foreach (var rc in _store.List(T("", "replicationcontrollers"), null)) Reconcile($"replicationcontroller {rc.Namespace}/{rc.Name}", rc, [T("", "pods")], ReplicaSet);
        foreach (var s in _store.List(T("apps", "statefulsets"), null)) Step($"statefulset {s.Namespace}/{s.Name}", () => StatefulSet(s));
        foreach (var ds in _store.List(T("apps", "daemonsets"), null)) Step($"daemonset {ds.Namespace}/{ds.Name}", () => DaemonSet(ds));
        foreach (var cj in _store.List(T("batch", "cronjobs"), null)) Step($"cronjob {cj.Namespace}/{cj.Name}", () => CronJob(cj));
        foreach (var job in _store.List(T("batch", "jobs"), null)) Step($"job {job.Namespace}/{job.Name}", () => Job(job));
        Step("scheduler", Schedule);
        Step("pods", Pods);
        Step("endpoints", Endpoints);
    }

    /// <summary>What each object's last reconcile read (the change revisions of its kinds in its namespace) and the earliest time it registered.</summary>
    private readonly Dictionary<string, (long[] Inputs, DateTime Wake)> _reconciled = new(StringComparer.Ordinal);

    /// <summary>
    /// One controller's reconcile of one object, skipped while nothing of its own kind or of <paramref name="reads"/>
    /// in its namespace changed since its last run and no time it registered has come (an active namespace does not
    /// make every other namespace's objects run again). The object is read again after its inputs, so that a change
    /// between the pass's list and now is not taken as seen.
    /// </summary>
    private void Reconcile(string what, StoredObject listed, ResourceType[] reads, Action<StoredObject> reconcile)
    {
        var key = listed.Type.Qualified + "/" + listed.Uid;
        var inputs = reads.Prepend(listed.Type).Select(t => _store.ChangedAt(t, listed.Namespace)).ToArray();
        if (_reconciled.TryGetValue(key, out var last) && last.Inputs.AsSpan().SequenceEqual(inputs) && SimNow < last.Wake)
        {
            WakeAt(last.Wake);
            return;
        }
        if (_store.Get(listed.Type, listed.Namespace, listed.Name) is not { } o || o.Uid != listed.Uid)
        {
            _reconciled.Remove(key);
            return;
        }
        var outer = _wake;
        _wake = DateTime.MaxValue;
        Step(what, () => reconcile(o));
        var wake = _wake;
        _wake = outer < wake ? outer : wake;
        _reconciled[key] = (inputs, wake);
    }

    // ------------------------------------------------------------------ helpers

    private void SetStatus(StoredObject o, JsonObject status)
    {
        lock (_store.Gate)
        {
            var live = _store.Get(o.Type, o.Namespace, o.Name);
            status = status.Normalize();
            if (live is null || JsonNode.DeepEquals(live.Object["status"], status)) return;
            var copy = new StoredObject { Type = live.Type, Object = (JsonObject)live.Object.DeepClone(), Managed = live.Managed };
            copy.Object["status"] = status;
            _store.Put(copy, "MODIFIED", Store.Render(live));
        }
    }

    /// <summary>Changes metadata without a generation bump (as the controller writes the revision annotation through /status).</summary>
    private void SetAnnotation(StoredObject o, string key, string value)
    {
        lock (_store.Gate)
        {
            var live = _store.Get(o.Type, o.Namespace, o.Name);
            if (live is null || live.Object["metadata"]?["annotations"]?[key]?.GetValue<string>() == value) return;
            var copy = new StoredObject { Type = live.Type, Object = (JsonObject)live.Object.DeepClone(), Managed = live.Managed };
            var meta = (JsonObject)copy.Object["metadata"]!;
            var ann = meta["annotations"] as JsonObject ?? new JsonObject();
            meta["annotations"] = ann;
            ann[key] = value;
            _store.Put(copy, "MODIFIED", Store.Render(live));
        }
    }

    private void Update(StoredObject o, Action<JsonObject> change)
    {
        var live = _store.Get(o.Type, o.Namespace, o.Name);
        if (live is null) return;
        var body = (JsonObject)live.Object.DeepClone();
        change(body);
        _api.Commit(o.Type, o.Namespace, o.Name, body, live, Ctx(), null);
    }

    private static string Hash(JsonNode? node)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(node?.ToJsonString() ?? ""));
        return new string(bytes.Take(10).Select(b => alphabet[b % alphabet.Length]).ToArray());
    }

    private static JsonArray OwnerRef(StoredObject owner) => new(new JsonObject
    {
        ["apiVersion"] = owner.Type.GroupVersion, ["kind"] = owner.Type.Kind, ["name"] = owner.Name, ["uid"] = owner.Uid,
        ["controller"] = true, ["blockOwnerDeletion"] = true,
    });

    /// <summary>The objects of a type in the owner's namespace that it owns, by name (the store's owner index, checked against each object).</summary>
    private List<StoredObject> Owned(ResourceType t, StoredObject owner) => _store.Dependents(t, owner.Namespace, owner.Uid).Where(o => OwnedBy(o, owner)).ToList();

    private static bool OwnedBy(StoredObject o, StoredObject owner) =>
        (o.Object["metadata"]?["ownerReferences"] as JsonArray)?.Any(r => r?["uid"]?.GetValue<string>() == owner.Uid) == true;

    private static bool Broken(JsonObject? podSpec) =>
        (podSpec?["containers"] as JsonArray ?? []).Any(c => BrokenImage(c?["image"]?.GetValue<string>() ?? ""));

    /// <summary>Whether an image is one that never pulls (its tag is or ends with "broken").</summary>
    private static bool BrokenImage(string image) => ImageTag(image).EndsWith("broken", StringComparison.Ordinal);

    /// <summary>An image reference's tag ("" when it has none).</summary>
    private static string ImageTag(string image)
    {
        var name = image.Split('@')[0];
        return name.LastIndexOf(':') > name.LastIndexOf('/') ? name[(name.LastIndexOf(':') + 1)..] : "";
    }

    private static int Int(JsonNode? n, int fallback = 0) => n?.AsInt() ?? fallback;

    /// <summary>The first time later than <paramref name="t"/> (for a deadline that passes when the clock is beyond it).</summary>
    private static DateTime After(DateTime t) => t.AddTicks(1);

    private static DateTime Parse(string s) => DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    private static int MaxReplicas(JsonObject spec, int replicas) =>
        (spec["strategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate") == "RollingUpdate"
            ? replicas + Resolve(spec["strategy"]?["rollingUpdate"]?["maxSurge"], replicas, true)
            : replicas;

    private static int Resolve(JsonNode? v, int replicas, bool roundUp)
    {
        if (v is null) return 0;
        if (v.GetValueKind() == System.Text.Json.JsonValueKind.Number) return v.AsInt();
        var s = v.GetValue<string>();
        var pct = double.Parse(s.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
        var x = replicas * pct / 100.0;
        return (int)(roundUp ? Math.Ceiling(x) : Math.Floor(x));
    }
}
