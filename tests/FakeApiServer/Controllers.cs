using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// Simulated controllers on a scaled clock (R-1..R-14): Deployments → ReplicaSets → Pods, StatefulSets with ordered
/// pods and claims, DaemonSets over the nodes, PVC binding, namespace termination and garbage collection. Images
/// whose tag is or ends with "broken" never become ready.
/// </summary>
internal sealed class Controllers
{
    public const string Manager = "kube-controller-manager";
    private readonly Store _store;
    private readonly Api _api;
    private readonly FakeClusterOptions _options;
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly Dictionary<string, DateTime> _progress = new(StringComparer.Ordinal);

    public Controllers(Store store, Api api, FakeClusterOptions options)
    {
        _store = store;
        _api = api;
        _options = options;
    }

    private DateTime SimNow => _start + TimeSpan.FromTicks((long)((DateTime.UtcNow - _start).Ticks * _options.ClockSpeed));

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
    }

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
            Pass();
        }
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
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var msg = $"controller {what}: {e}";
            Errors.Enqueue(msg);
            while (Errors.Count > 50) Errors.TryDequeue(out _);
            Console.Error.WriteLine(msg);
        }
    }

    private void Pass()
    {
        Step("namespaces", Namespaces);
        Step("garbage collector", GarbageCollect);
        Step("volumes", BindClaims);
        foreach (var d in _store.List(T("apps", "deployments"), null)) Step($"deployment {d.Namespace}/{d.Name}", () => Deployment(d));
        foreach (var rs in _store.List(T("apps", "replicasets"), null)) Step($"replicaset {rs.Namespace}/{rs.Name}", () => ReplicaSet(rs));
        foreach (var s in _store.List(T("apps", "statefulsets"), null)) Step($"statefulset {s.Namespace}/{s.Name}", () => StatefulSet(s));
        foreach (var ds in _store.List(T("apps", "daemonsets"), null)) Step($"daemonset {ds.Namespace}/{ds.Name}", () => DaemonSet(ds));
        Step("pods", Pods);
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

    private static bool OwnedBy(StoredObject o, StoredObject owner) =>
        (o.Object["metadata"]?["ownerReferences"] as JsonArray)?.Any(r => r?["uid"]?.GetValue<string>() == owner.Uid) == true;

    private static bool Broken(JsonObject? podSpec) =>
        (podSpec?["containers"] as JsonArray ?? []).Any(c =>
        {
            var image = c?["image"]?.GetValue<string>() ?? "";
            var tag = image.LastIndexOf(':') > image.LastIndexOf('/') ? image[(image.LastIndexOf(':') + 1)..] : "";
            return tag.EndsWith("broken", StringComparison.Ordinal);
        });

    private static int Int(JsonNode? n, int fallback = 0) => n?.AsInt() ?? fallback;

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

    // ------------------------------------------------------------------ pods

    private readonly Dictionary<string, DateTime> _podStart = new(StringComparer.Ordinal);

    /// <summary>Creates a pod owned by a controller, with the template's labels and spec.</summary>
    private void CreatePod(StoredObject owner, string name, JsonObject template, Dictionary<string, string>? extraLabels = null, string? node = "node-1")
    {
        var meta = (JsonObject?)template["metadata"]?.DeepClone() ?? new JsonObject();
        var labels = meta["labels"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in extraLabels ?? []) labels[k] = v;
        meta["labels"] = labels;
        meta["name"] = name;
        meta["ownerReferences"] = OwnerRef(owner);
        var spec = (JsonObject?)template["spec"]?.DeepClone() ?? new JsonObject();
        if (node is not null) spec["nodeName"] = node;
        var ns = owner.Namespace;
        if (_store.Get(T("", "pods"), ns, name) is not null) return;
        _api.Commit(T("", "pods"), ns, name, new JsonObject { ["metadata"] = meta, ["spec"] = spec }, null, Ctx(), null);
        _podStart[$"{ns}/{name}"] = SimNow;
    }

    private (bool Ready, bool Available) PodState(StoredObject pod, int minReadySeconds)
    {
        var key = $"{pod.Namespace}/{pod.Name}";
        if (!_podStart.TryGetValue(key, out var started)) _podStart[key] = started = SimNow;
        if (Broken(pod.Object["spec"] as JsonObject) || pod.Object["metadata"]?["deletionTimestamp"] is not null) return (false, false);
        var readyAt = started + _options.PodReadyDelay;
        var ready = SimNow >= readyAt;
        return (ready, ready && SimNow >= readyAt + TimeSpan.FromSeconds(minReadySeconds));
    }

    /// <summary>Writes each pod's status: Running and Ready once its delay has passed, ImagePullBackOff for broken images.</summary>
    private void Pods()
    {
        foreach (var pod in _store.List(T("", "pods"), null))
        {
            if (pod.Object["metadata"]?["ownerReferences"] is null) continue;
            var (ready, _) = PodState(pod, 0);
            var broken = Broken(pod.Object["spec"] as JsonObject);
            var statuses = new JsonArray();
            foreach (var c in pod.Object["spec"]?["containers"] as JsonArray ?? [])
            {
                JsonObject state = ready
                    ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = pod.Object["metadata"]?["creationTimestamp"]?.DeepClone() } }
                    : new JsonObject { ["waiting"] = broken ? new JsonObject { ["reason"] = "ImagePullBackOff", ["message"] = $"Back-off pulling image \"{c?["image"]}\"" } : new JsonObject { ["reason"] = "ContainerCreating" } };
                statuses.Add(new JsonObject { ["name"] = c?["name"]?.DeepClone(), ["image"] = c?["image"]?.DeepClone(), ["imageID"] = "", ["ready"] = ready, ["restartCount"] = 0, ["started"] = ready, ["state"] = state });
            }
            SetStatus(pod, new JsonObject
            {
                ["phase"] = ready ? "Running" : "Pending",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }, new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" }),
                ["hostIP"] = "10.0.0.10",
                ["podIP"] = "10.244.0." + (Math.Abs(pod.Uid.GetHashCode()) % 250 + 2),
                ["containerStatuses"] = statuses,
            });
            if (broken && !ready) Event(pod, "Warning", "Failed", $"Failed to pull image: {(pod.Object["spec"]?["containers"] as JsonArray)?.FirstOrDefault()?["image"]}: not found");
        }
    }

    private readonly HashSet<string> _events = new(StringComparer.Ordinal);

    private void Event(StoredObject about, string type, string reason, string message)
    {
        var key = $"{about.Uid}|{reason}";
        if (!_events.Add(key)) return;
        var name = $"{about.Name}.{Hash(JsonValue.Create(key))[..8]}";
        _api.Commit(T("", "events"), about.Namespace, name, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["involvedObject"] = new JsonObject { ["kind"] = about.Type.Kind, ["namespace"] = about.Namespace, ["name"] = about.Name, ["uid"] = about.Uid, ["apiVersion"] = about.Type.GroupVersion },
            ["reason"] = reason, ["message"] = message, ["type"] = type, ["count"] = 1,
            ["firstTimestamp"] = Api.Now(), ["lastTimestamp"] = Api.Now(), ["source"] = new JsonObject { ["component"] = "kubelet" },
        }, null, Ctx(), null);
    }

    // ------------------------------------------------------------------ deployments

    private static JsonObject TemplateWithoutHash(JsonNode? template)
    {
        var t = (JsonObject?)template?.DeepClone() ?? new JsonObject();
        (t["metadata"]?["labels"] as JsonObject)?.Remove("pod-template-hash");
        return t;
    }

    private static int Revision(StoredObject rs) =>
        int.TryParse(rs.Object["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"]?.GetValue<string>(), out var r) ? r : 0;

    private void Deployment(StoredObject d)
    {
        if (d.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var spec = (JsonObject)d.Object["spec"]!;
        var replicas = Int(spec["replicas"], 1);
        var template = TemplateWithoutHash(spec["template"]);
        var rsType = T("apps", "replicasets");
        var owned = _store.List(rsType, d.Namespace).Where(rs => OwnedBy(rs, d)).OrderBy(rs => rs.Object["metadata"]!["creationTimestamp"]!.GetValue<string>()).ThenBy(rs => Revision(rs)).ToList();
        var maxRev = owned.Count == 0 ? 0 : owned.Max(Revision);
        var newRs = owned.Where(rs => JsonNode.DeepEquals(TemplateWithoutHash(rs.Object["spec"]?["template"]), template)).OrderBy(Revision).FirstOrDefault();
        var key = $"{d.Namespace}/{d.Name}";
        var annotations = d.Object["metadata"]?["annotations"] as JsonObject;
        if (newRs is null)
        {
            var hash = Hash(template)[..10];
            var name = $"{d.Name}-{hash}";
            var rsTemplate = (JsonObject)template.DeepClone();
            var tmeta = rsTemplate["metadata"] as JsonObject ?? new JsonObject();
            rsTemplate["metadata"] = tmeta;
            var tl = tmeta["labels"] as JsonObject ?? new JsonObject();
            tmeta["labels"] = tl;
            tl["pod-template-hash"] = hash;
            var selector = (JsonObject)spec["selector"]!.DeepClone();
            var ml = selector["matchLabels"] as JsonObject ?? new JsonObject();
            selector["matchLabels"] = ml;
            ml["pod-template-hash"] = hash;
            var ann = new JsonObject
            {
                ["deployment.kubernetes.io/revision"] = (maxRev + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["deployment.kubernetes.io/max-replicas"] = MaxReplicas(spec, replicas).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            foreach (var (k, v) in annotations ?? [])
                if (!k.StartsWith("deployment.kubernetes.io/", StringComparison.Ordinal) && k != "kubectl.kubernetes.io/last-applied-configuration") ann[k] = v?.DeepClone();
            var rsLabels = (JsonObject)tl.DeepClone();
            var strategyType = spec["strategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate";
            var initial = owned.Count == 0 || strategyType == "Recreate" ? 0 : 0;
            if (_store.Get(rsType, d.Namespace, name) is null)
                _api.Commit(rsType, d.Namespace, name, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = rsLabels, ["annotations"] = ann, ["ownerReferences"] = OwnerRef(d) },
                    ["spec"] = new JsonObject { ["replicas"] = initial, ["minReadySeconds"] = spec["minReadySeconds"]?.DeepClone() ?? 0, ["selector"] = selector, ["template"] = rsTemplate },
                }, null, Ctx(), null);
            _progress[key] = SimNow;
            return; // next pass scales it
        }
        if (Revision(newRs) != maxRev)
        {
            var old = Revision(newRs);
            Update(newRs, o =>
            {
                var ann = (JsonObject)o["metadata"]!["annotations"]!;
                var hist = ann["deployment.kubernetes.io/revision-history"]?.GetValue<string>();
                ann["deployment.kubernetes.io/revision-history"] = string.IsNullOrEmpty(hist) ? old.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{hist},{old}";
                ann["deployment.kubernetes.io/revision"] = (maxRev + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            });
            _progress[key] = SimNow;
            return;
        }
        // The new ReplicaSet carries the Deployment's annotations (change-cause for rollout history) and replica counts.
        var wantAnn = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["deployment.kubernetes.io/max-replicas"] = MaxReplicas(spec, replicas).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in annotations ?? [])
            if (!k.StartsWith("deployment.kubernetes.io/", StringComparison.Ordinal) && k != "kubectl.kubernetes.io/last-applied-configuration" && v?.GetValue<string>() is { } sv) wantAnn[k] = sv;
        var haveAnn = newRs.Object["metadata"]?["annotations"] as JsonObject;
        if (wantAnn.Any(p => haveAnn?[p.Key]?.GetValue<string>() != p.Value))
            Update(newRs, o =>
            {
                var a = (JsonObject)(o["metadata"]!["annotations"] ??= new JsonObject());
                foreach (var (k, v) in wantAnn) a[k] = v;
            });
        SetAnnotation(d, "deployment.kubernetes.io/revision", Revision(newRs).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var olds = owned.Where(rs => rs != newRs).ToList();
        int Spec(StoredObject rs) => Int(rs.Object["spec"]?["replicas"]);
        int Avail(StoredObject rs) => Int(rs.Object["status"]?["availableReplicas"]);
        int Actual(StoredObject rs) => Int(rs.Object["status"]?["replicas"]);
        void Scale(StoredObject rs, int n) { if (Spec(rs) != n) { Update(rs, o => ((JsonObject)o["spec"]!)["replicas"] = n); _progress[key] = SimNow; } }

        var paused = spec["paused"]?.GetValue<bool>() == true;
        if (!paused)
        {
            if ((spec["strategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate") == "Recreate")
            {
                foreach (var o in olds) Scale(o, 0);
                if (olds.All(o => Actual(o) == 0)) Scale(newRs, replicas);
            }
            else
            {
                var surge = Resolve(spec["strategy"]?["rollingUpdate"]?["maxSurge"], replicas, true);
                var unavail = Resolve(spec["strategy"]?["rollingUpdate"]?["maxUnavailable"], replicas, false);
                if (surge == 0 && unavail == 0) unavail = 1;
                var total = owned.Sum(Spec);
                if (Spec(newRs) > replicas) Scale(newRs, replicas);
                else if (Spec(newRs) < replicas)
                {
                    var up = Math.Min(replicas + surge - total, replicas - Spec(newRs));
                    if (up > 0) { Scale(newRs, Spec(newRs) + up); total += up; }
                }
                var minAvailable = replicas - unavail;
                var newUnavailable = Spec(newRs) - Avail(newRs);
                var maxScaledDown = total - minAvailable - newUnavailable;
                if (maxScaledDown > 0)
                {
                    foreach (var o in olds.OrderBy(Revision))
                    {
                        var unhealthy = Spec(o) - Avail(o);
                        var cut = Math.Min(unhealthy, maxScaledDown);
                        if (cut > 0) { Scale(o, Spec(o) - cut); maxScaledDown -= cut; total -= cut; }
                    }
                }
                var availableTotal = owned.Sum(Avail);
                var canRemove = Math.Min(availableTotal - minAvailable, total - minAvailable - newUnavailable);
                foreach (var o in olds.OrderBy(Revision))
                {
                    if (canRemove <= 0) break;
                    var cut = Math.Min(Spec(o), canRemove);
                    if (cut > 0) { Scale(o, Spec(o) - cut); canRemove -= cut; }
                }
            }
        }
        // History limit (R-8).
        var limit = Int(spec["revisionHistoryLimit"], 10);
        var idle = olds.Where(o => Spec(o) == 0 && Actual(o) == 0).OrderBy(Revision).ToList();
        foreach (var o in idle.Take(Math.Max(0, idle.Count - limit))) _api.Delete(o);

        // Status (R-7), from fresh copies.
        owned = _store.List(rsType, d.Namespace).Where(rs => OwnedBy(rs, d)).ToList();
        var fresh = owned.FirstOrDefault(r => r.Name == newRs.Name) ?? newRs;
        var sumReplicas = owned.Sum(Actual);
        var updated = Actual(fresh);
        var ready = owned.Sum(r => Int(r.Object["status"]?["readyReplicas"]));
        var available = owned.Sum(Avail);
        var unavailableReplicas = Math.Max(0, owned.Sum(Spec) - available);
        var unavailAllowed = Resolve(spec["strategy"]?["rollingUpdate"]?["maxUnavailable"], replicas, false);
        var prev = d.Object["status"] as JsonObject;
        if (prev is null || Int(prev["updatedReplicas"]) != updated || Int(prev["availableReplicas"]) != available || Int(prev["readyReplicas"]) != ready) _progress[key] = SimNow;
        if (!_progress.TryGetValue(key, out var last)) _progress[key] = last = SimNow;
        var complete = updated == replicas && sumReplicas == replicas && available == replicas && Spec(fresh) == replicas;
        var deadline = TimeSpan.FromSeconds(Int(spec["progressDeadlineSeconds"], 600));
        var now = Api.Now();
        var oldProgressing = (prev?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Progressing");
        JsonObject progressing;
        if (complete)
            progressing = Cond("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{fresh.Name}\" has successfully progressed.", now, oldProgressing);
        else if (SimNow - last > deadline)
            progressing = Cond("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{fresh.Name}\" has timed out progressing.", now, oldProgressing);
        else
            progressing = Cond("Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{fresh.Name}\" is progressing.", now, oldProgressing);
        var oldAvailable = (prev?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Available");
        var availableCond = available >= replicas - unavailAllowed
            ? Cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now, oldAvailable)
            : Cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now, oldAvailable);
        var status = new JsonObject
        {
            ["observedGeneration"] = d.Object["metadata"]?["generation"]?.DeepClone(),
            ["replicas"] = sumReplicas, ["updatedReplicas"] = updated, ["readyReplicas"] = ready, ["availableReplicas"] = available,
            ["conditions"] = new JsonArray(availableCond, progressing),
        };
        if (unavailableReplicas > 0) status["unavailableReplicas"] = unavailableReplicas;
        SetStatus(d, status);
    }

    private static JsonObject Cond(string type, string status, string reason, string message, string now, JsonObject? old)
    {
        var same = old?["status"]?.GetValue<string>() == status && old?["reason"]?.GetValue<string>() == reason;
        return new JsonObject
        {
            ["type"] = type, ["status"] = status,
            ["lastUpdateTime"] = same ? old!["lastUpdateTime"]!.DeepClone() : now,
            ["lastTransitionTime"] = old?["status"]?.GetValue<string>() == status ? old!["lastTransitionTime"]!.DeepClone() : now,
            ["reason"] = reason, ["message"] = message,
        };
    }

    private void ReplicaSet(StoredObject rs)
    {
        if (rs.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var want = Int(rs.Object["spec"]?["replicas"], 1);
        var minReady = Int(rs.Object["spec"]?["minReadySeconds"]);
        var pods = _store.List(T("", "pods"), rs.Namespace).Where(p => OwnedBy(p, rs)).ToList();
        if (pods.Count < want)
        {
            for (var i = pods.Count; i < want; i++)
                CreatePod(rs, $"{rs.Name}-{Hash(JsonValue.Create(Guid.NewGuid().ToString()))[..5]}", (JsonObject)rs.Object["spec"]!["template"]!);
        }
        else if (pods.Count > want)
        {
            foreach (var p in pods.OrderBy(p => PodState(p, minReady).Ready).ThenByDescending(p => p.Object["metadata"]!["creationTimestamp"]!.GetValue<string>()).Take(pods.Count - want))
                _api.Delete(p);
        }
        pods = _store.List(T("", "pods"), rs.Namespace).Where(p => OwnedBy(p, rs)).ToList();
        var states = pods.Select(p => PodState(p, minReady)).ToList();
        SetStatus(rs, new JsonObject
        {
            ["replicas"] = pods.Count, ["fullyLabeledReplicas"] = pods.Count,
            ["readyReplicas"] = states.Count(s => s.Ready), ["availableReplicas"] = states.Count(s => s.Available),
            ["observedGeneration"] = rs.Object["metadata"]?["generation"]?.DeepClone(),
        });
    }

    // ------------------------------------------------------------------ statefulsets

    private void StatefulSet(StoredObject s)
    {
        if (s.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var spec = (JsonObject)s.Object["spec"]!;
        var replicas = Int(spec["replicas"], 1);
        var minReady = Int(spec["minReadySeconds"]);
        var updateRevision = $"{s.Name}-{Hash(spec["template"])}";
        var crType = T("apps", "controllerrevisions");
        var revisions = _store.List(crType, s.Namespace).Where(r => OwnedBy(r, s)).ToList();
        if (revisions.All(r => r.Name != updateRevision))
            _api.Commit(crType, s.Namespace, updateRevision, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = updateRevision, ["ownerReferences"] = OwnerRef(s), ["labels"] = spec["selector"]?["matchLabels"]?.DeepClone() },
                ["data"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = spec["template"]!.DeepClone() } },
                ["revision"] = revisions.Count == 0 ? 1 : revisions.Max(r => r.Object["revision"]!.AsLong()) + 1,
            }, null, Ctx(), null);
        var prevStatus = s.Object["status"] as JsonObject;
        var currentRevision = prevStatus?["currentRevision"]?.GetValue<string>() ?? updateRevision;
        var pods = Enumerable.Range(0, Math.Max(replicas, 0)).Select(i => _store.Get(T("", "pods"), s.Namespace, $"{s.Name}-{i}")).ToList();
        var ordered = (spec["podManagementPolicy"]?.GetValue<string>() ?? "OrderedReady") == "OrderedReady";
        for (var i = 0; i < replicas; i++)
        {
            foreach (var vct in spec["volumeClaimTemplates"] as JsonArray ?? [])
            {
                var claim = $"{vct!["metadata"]!["name"]!.GetValue<string>()}-{s.Name}-{i}";
                if (_store.Get(T("", "persistentvolumeclaims"), s.Namespace, claim) is null)
                {
                    var vmeta = (JsonObject)vct["metadata"]!.DeepClone();
                    vmeta["name"] = claim;
                    vmeta["labels"] = spec["selector"]?["matchLabels"]?.DeepClone();
                    _api.Commit(T("", "persistentvolumeclaims"), s.Namespace, claim, new JsonObject { ["metadata"] = vmeta, ["spec"] = vct["spec"]!.DeepClone() }, null, Ctx(), null);
                }
            }
            if (pods[i] is null)
            {
                if (ordered && Enumerable.Range(0, i).Any(j => pods[j] is null || !PodState(pods[j]!, 0).Ready)) break;
                var template = (JsonObject)spec["template"]!.DeepClone();
                var ps = (JsonObject)template["spec"]!;
                ps["hostname"] = $"{s.Name}-{i}";
                if (spec["serviceName"]?.GetValue<string>() is { } svc) ps["subdomain"] = svc;
                var vols = ps["volumes"] as JsonArray ?? new JsonArray();
                foreach (var vct in spec["volumeClaimTemplates"] as JsonArray ?? [])
                {
                    var vn = vct!["metadata"]!["name"]!.GetValue<string>();
                    vols.Add(new JsonObject { ["name"] = vn, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"{vn}-{s.Name}-{i}" } });
                }
                if (vols.Count > 0) ps["volumes"] = vols;
                var rev = i < Int(spec["updateStrategy"]?["rollingUpdate"]?["partition"]) ? currentRevision : updateRevision;
                CreatePod(s, $"{s.Name}-{i}", template, new Dictionary<string, string> { ["controller-revision-hash"] = rev, ["statefulset.kubernetes.io/pod-name"] = $"{s.Name}-{i}", ["apps.kubernetes.io/pod-index"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                pods[i] = _store.Get(T("", "pods"), s.Namespace, $"{s.Name}-{i}");
                if (ordered) break;
            }
        }
        foreach (var extra in _store.List(T("", "pods"), s.Namespace).Where(p => OwnedBy(p, s) && int.TryParse(p.Name[(s.Name.Length + 1)..], out var n) && n >= replicas).OrderByDescending(p => p.Name).Take(1))
            _api.Delete(extra);
        string Rev(StoredObject? p) => p?.Object["metadata"]?["labels"]?["controller-revision-hash"]?.GetValue<string>() ?? "";
        var live = pods.Where(p => p is not null).Select(p => p!).ToList();
        var allReady = live.Count == replicas && live.All(p => PodState(p, 0).Ready);
        var partition = Int(spec["updateStrategy"]?["rollingUpdate"]?["partition"]);
        if (allReady && (spec["updateStrategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate") == "RollingUpdate")
        {
            var stale = live.Where(p => Rev(p) != updateRevision && int.Parse(p.Name[(s.Name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= partition).OrderByDescending(p => p.Name.Length).ThenByDescending(p => p.Name).FirstOrDefault();
            if (stale is not null) _api.Delete(stale);
        }
        var updated = live.Count(p => Rev(p) == updateRevision);
        if (updated == replicas && live.Count == replicas) currentRevision = updateRevision;
        SetStatus(s, new JsonObject
        {
            ["observedGeneration"] = s.Object["metadata"]?["generation"]?.DeepClone(),
            ["replicas"] = live.Count, ["readyReplicas"] = live.Count(p => PodState(p, 0).Ready), ["availableReplicas"] = live.Count(p => PodState(p, minReady).Available),
            ["currentReplicas"] = live.Count(p => Rev(p) == currentRevision), ["updatedReplicas"] = updated,
            ["currentRevision"] = currentRevision, ["updateRevision"] = updateRevision, ["collisionCount"] = 0,
        });
    }

    // ------------------------------------------------------------------ daemonsets

    private void DaemonSet(StoredObject ds)
    {
        if (ds.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var spec = (JsonObject)ds.Object["spec"]!;
        var nodeSelector = spec["template"]?["spec"]?["nodeSelector"] as JsonObject;
        var nodes = _store.List(T("", "nodes"), null).Where(n => nodeSelector is null || nodeSelector.All(p => n.Object["metadata"]?["labels"]?[p.Key]?.GetValue<string>() == p.Value?.GetValue<string>())).ToList();
        var revision = Hash(spec["template"]);
        var minReady = Int(spec["minReadySeconds"]);
        var pods = _store.List(T("", "pods"), ds.Namespace).Where(p => OwnedBy(p, ds)).ToList();
        foreach (var node in nodes)
            if (!pods.Any(p => p.Object["spec"]?["nodeName"]?.GetValue<string>() == node.Name))
                CreatePod(ds, $"{ds.Name}-{Hash(JsonValue.Create(node.Name + revision))[..5]}", (JsonObject)spec["template"]!, new Dictionary<string, string> { ["controller-revision-hash"] = revision }, node.Name);
        pods = _store.List(T("", "pods"), ds.Namespace).Where(p => OwnedBy(p, ds)).ToList();
        string Rev(StoredObject p) => p.Object["metadata"]?["labels"]?["controller-revision-hash"]?.GetValue<string>() ?? "";
        if ((spec["updateStrategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate") == "RollingUpdate" && pods.All(p => PodState(p, 0).Ready))
        {
            var stale = pods.FirstOrDefault(p => Rev(p) != revision);
            if (stale is not null) _api.Delete(stale);
        }
        pods = _store.List(T("", "pods"), ds.Namespace).Where(p => OwnedBy(p, ds)).ToList();
        var available = pods.Count(p => PodState(p, minReady).Available);
        SetStatus(ds, new JsonObject
        {
            ["desiredNumberScheduled"] = nodes.Count, ["currentNumberScheduled"] = pods.Count, ["numberMisscheduled"] = 0,
            ["numberReady"] = pods.Count(p => PodState(p, 0).Ready), ["numberAvailable"] = available, ["numberUnavailable"] = Math.Max(0, nodes.Count - available),
            ["updatedNumberScheduled"] = pods.Count(p => Rev(p) == revision), ["observedGeneration"] = ds.Object["metadata"]?["generation"]?.DeepClone(),
        });
    }

    // ------------------------------------------------------------------ storage, namespaces, GC

    private void BindClaims()
    {
        var pvType = T("", "persistentvolumes");
        var scType = ResourceTypes.Find("storage.k8s.io", "v1", "storageclasses")!;
        foreach (var pvc in _store.List(T("", "persistentvolumeclaims"), null))
        {
            if (pvc.Object["status"]?["phase"]?.GetValue<string>() == "Bound" || pvc.Object["metadata"]?["deletionTimestamp"] is not null) continue;
            var className = pvc.Object["spec"]?["storageClassName"]?.GetValue<string>();
            var sc = className is null
                ? _store.List(scType, null).FirstOrDefault(c => c.Object["metadata"]?["annotations"]?["storageclass.kubernetes.io/is-default-class"]?.GetValue<string>() == "true")
                : _store.Get(scType, null, className);
            if (sc is null)
            {
                SetStatus(pvc, new JsonObject { ["phase"] = "Pending" });
                continue;
            }
            var pvName = $"pvc-{pvc.Uid}";
            var size = pvc.Object["spec"]?["resources"]?["requests"]?["storage"]?.DeepClone();
            if (_store.Get(pvType, null, pvName) is null)
                _api.Commit(pvType, null, pvName, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = pvName, ["annotations"] = new JsonObject { ["pv.kubernetes.io/provisioned-by"] = sc.Object["provisioner"]?.DeepClone() } },
                    ["spec"] = new JsonObject
                    {
                        ["capacity"] = new JsonObject { ["storage"] = size }, ["accessModes"] = pvc.Object["spec"]?["accessModes"]?.DeepClone(),
                        ["persistentVolumeReclaimPolicy"] = sc.Object["reclaimPolicy"]?.DeepClone() ?? "Delete", ["storageClassName"] = sc.Name,
                        ["claimRef"] = new JsonObject { ["kind"] = "PersistentVolumeClaim", ["namespace"] = pvc.Namespace, ["name"] = pvc.Name, ["uid"] = pvc.Uid, ["apiVersion"] = "v1" },
                        ["mountOptions"] = sc.Object["mountOptions"]?.DeepClone(),
                        ["nfs"] = new JsonObject { ["server"] = "nfs.fake.local", ["path"] = $"/exports/{pvName}" },
                    },
                }, null, Ctx(), null);
            SetStatus(_store.Get(pvType, null, pvName)!, new JsonObject { ["phase"] = "Bound" });
            Update(pvc, o => ((JsonObject)o["spec"]!)["volumeName"] = pvName);
            SetStatus(_store.Get(pvc.Type, pvc.Namespace, pvc.Name)!, new JsonObject { ["phase"] = "Bound", ["accessModes"] = pvc.Object["spec"]?["accessModes"]?.DeepClone(), ["capacity"] = new JsonObject { ["storage"] = size?.DeepClone() } });
        }
        foreach (var pv in _store.List(pvType, null))
        {
            if (pv.Object["spec"]?["claimRef"] is not JsonObject claim) continue;
            var pvc = _store.Get(T("", "persistentvolumeclaims"), claim["namespace"]?.GetValue<string>(), claim["name"]!.GetValue<string>());
            if (pvc is not null && pvc.Uid == claim["uid"]?.GetValue<string>()) continue;
            if (pv.Object["spec"]?["persistentVolumeReclaimPolicy"]?.GetValue<string>() == "Delete") _api.Delete(pv);
            else SetStatus(pv, new JsonObject { ["phase"] = "Released" });
        }
    }

    private void Namespaces()
    {
        foreach (var ns in _store.List(T("", "namespaces"), null).Where(n => n.Object["metadata"]?["deletionTimestamp"] is not null))
        {
            var contents = _store.All().Where(o => o.Type.Namespaced && o.Namespace == ns.Name).ToList();
            foreach (var o in contents) _api.Delete(o);
            if (contents.Count == 0) _store.Remove(ns.Type, null, ns.Name);
        }
    }

    private void GarbageCollect()
    {
        var all = _store.All();
        // Foreground deletion: delete the dependents, then drop the owner's foregroundDeletion finalizer.
        foreach (var owner in all.Where(o => o.Object["metadata"]?["deletionTimestamp"] is not null
            && (o.Object["metadata"]?["finalizers"] as JsonArray)?.Any(f => f?.GetValue<string>() == "foregroundDeletion") == true))
        {
            var dependents = all.Where(o => OwnedBy(o, owner)).ToList();
            foreach (var d in dependents) _api.Delete(d, "Foreground");
            if (dependents.All(d => _store.Get(d.Type, d.Namespace, d.Name) is null))
                Update(owner, o =>
                {
                    var fin = (JsonArray)o["metadata"]!["finalizers"]!;
                    foreach (var x in fin.Where(x => x?.GetValue<string>() == "foregroundDeletion").ToList()) fin.Remove(x);
                });
        }
        all = _store.All();
        var uids = all.Select(o => o.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var o in all)
        {
            if (o.Object["metadata"]?["ownerReferences"] is not JsonArray refs || refs.Count == 0) continue;
            if (refs.All(r => !uids.Contains(r?["uid"]?.GetValue<string>() ?? ""))) _api.Delete(o);
        }
    }
}
