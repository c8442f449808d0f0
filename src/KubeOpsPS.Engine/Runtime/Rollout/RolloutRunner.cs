using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.Rollout;

/// <summary>One revision of a workload, as kubectl rollout history lists it.</summary>
public sealed record RolloutRevision(string Kind, string Name, int Revision, IReadOnlyList<string> Images, string? ChangeCause, string Source, bool Current);

/// <summary>How a rollout ended.</summary>
public sealed record RolloutResult(string Kind, string Namespace, string Name, int Revision, string Outcome, string Status, TimeSpan Duration);

/// <summary>How a rolling update ended: its result (none when it was left failed), and why it failed, if it did.</summary>
public sealed record RollingUpdateOutcome(RolloutResult? Result, KoOperationException? Failure);

/// <summary>Where a rolling update is, which is what stopping it there leaves behind.</summary>
public enum RolloutStage
{
    /// <summary>Nothing applied yet: waiting for the controller to record the current revision.</summary>
    Preparing,
    /// <summary>The new template is applied; following its rollout.</summary>
    Following,
    /// <summary>The rollout failed and the previous template is applied again; following the rollback.</summary>
    RollingBack,
}

/// <summary>
/// Rollout history, undo and failure diagnosis through the gateway, with kubectl's semantics: a Deployment's
/// revisions are its ReplicaSets (revision annotation), a StatefulSet's and DaemonSet's are ControllerRevisions;
/// undo replaces the template with the chosen revision's (minus pod-template-hash) in one JSON patch.
/// </summary>
public sealed class RolloutRunner(ClusterGateway gateway)
{
    private static string? Str(JsonNode? n) => n?.GetValue<string>();

    private static string Selector(JsonObject workload) =>
        string.Join(',', (workload["spec"]?["selector"]?["matchLabels"] as JsonObject ?? []).Select(p => $"{p.Key}={Str(p.Value)}"));

    private static List<string> Images(JsonNode? template) =>
        (template?["spec"]?["containers"] as JsonArray ?? []).Select(c => $"{Str(c?["name"])}={Str(c?["image"])}").ToList();

    /// <summary>The change a rolling update applies to the live workload (checked before anything is sent).</summary>
    public async Task<JsonObject> PlanUpdateAsync(KubeKind kind, string ns, string name, RollingUpdateOptions options, CancellationToken ct)
    {
        var live = await gateway.GetAsync(kind, ns, name, ct).ConfigureAwait(false)
            ?? throw new KoOperationException("NotFound", "ObjectNotFound", $"{kind.Kind} {ns}/{name} was not found.", $"{kind.Kind} {ns}/{name}", $"List them with Get-KoResource {kind.Kind} -Namespace {ns}.");
        return RollingUpdateBuilder.Build(live, options);
    }

    /// <summary>
    /// Once the controller has recorded the current revision, applies a rolling update's <paramref name="change"/> and follows it for up to <paramref name="timeout"/>. When it
    /// fails (deadline exceeded, timeout, pods never ready) the failure says why, with the pods' reasons; unless
    /// <paramref name="rollback"/> is false, the workload is first rolled back (<see cref="UndoAsync"/>) and followed again.
    /// Each state goes to <paramref name="progress"/> with the stage it belongs to.
    /// </summary>
    public async Task<RollingUpdateOutcome> UpdateAsync(KubeKind kind, string ns, string name, JsonObject change, string imageText, TimeSpan timeout, bool rollback, Action<RolloutStage, string>? progress, Action<string>? warn, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var target = $"{kind.Kind} {ns}/{name}";
        // The revision a failed update goes back to must exist first: a workload created or changed a moment ago may
        // not have been seen by its controller yet, and an update applied then folds into the same revision.
        // The wait's object is the live one the apply changes (so the apply needs no GET of its own), the apply's
        // answer is where following starts (no LIST), and the followed object at the end tells the current revision.
        var (observed, _) = await gateway.WaitAsync(kind, ns, name, RolloutStatus.Observed, timeout, s => progress?.Invoke(RolloutStage.Preparing, $"{target}: {s.Status}"), ct).ConfigureAwait(false);
        var listed = observed is null ? null : KoYaml.ToJsonObject(observed, includeServerFields: true);
        var applied = await gateway.ApplyListedAsync(change, new ApplyOptions(Force: true, FieldManager: RollingUpdateBuilder.FieldManager), listed, ct).ConfigureAwait(false);
        progress?.Invoke(RolloutStage.Following, $"{target}: {imageText} applied");
        WaitState state;
        object? followed = null;
        try
        {
            (followed, state) = await FollowCoreAsync(kind, ns, name, timeout, s => progress?.Invoke(RolloutStage.Following, s), applied.Object, ct).ConfigureAwait(false);
        }
        catch (KoClusterException e) when (e.ErrorId == "WaitTimeout")
        {
            state = new WaitState(false, e.Message, Failed: true);
        }
        var revision = (await HistoryAsync(kind, ns, name, followed, ct).ConfigureAwait(false)).FirstOrDefault(r => r.Current)?.Revision ?? 0;
        if (state.Done) return new(new RolloutResult(kind.Kind, ns, name, revision, "RolledOut", state.Status, DateTime.UtcNow - started), null);
        var diagnosis = await DiagnoseAsync(kind, ns, name, ct).ConfigureAwait(false);
        var message = $"The rollout of {target} to {imageText} failed: {state.Status}.{(diagnosis.Length > 0 ? " " + diagnosis + "." : string.Empty)}";
        if (!rollback)
            return new(null, new KoOperationException("RolloutFailed", "InvalidResult", message + " It was left as it is (-NoRollback).", target,
                "Fix the image or configuration and run Start-KoRollingUpdate again, or roll back with Undo-KoRollout."));
        var restored = await UndoAsync(kind, ns, name, 0, ct, $"the rollout to {imageText} failed: {state.Status}", warn).ConfigureAwait(false);
        progress?.Invoke(RolloutStage.RollingBack, $"Rolling back: {target}: back to revision {restored}");
        var after = await FollowAsync(kind, ns, name, timeout, s => progress?.Invoke(RolloutStage.RollingBack, "Rolling back: " + s), ct).ConfigureAwait(false);
        return new(new RolloutResult(kind.Kind, ns, name, restored ?? revision, "RolledBack", after.Status, DateTime.UtcNow - started),
            new KoOperationException("RolloutFailed", "InvalidResult", message + $" It was rolled back to revision {restored}: {after.Status}.", target,
                "Fix the image or configuration, then run Start-KoRollingUpdate again."));
    }

    /// <summary>
    /// Follows a rollout by watching until it is complete or failed; each state goes to <paramref name="progress"/>,
    /// with why it waits as soon as the pods tell (ImagePullBackOff, CrashLoopBackOff, unschedulable, not ready).
    /// </summary>
    public async Task<WaitState> FollowAsync(KubeKind kind, string ns, string name, TimeSpan timeout, Action<string>? progress, CancellationToken ct) =>
        (await FollowCoreAsync(kind, ns, name, timeout, progress, null, ct).ConfigureAwait(false)).State;

    /// <summary>
    /// <see cref="FollowAsync"/>, starting from <paramref name="from"/> (the object as a write returned it, or null to
    /// list it first); also returns the object as last seen.
    /// </summary>
    private async Task<(object? Object, WaitState State)> FollowCoreAsync(KubeKind kind, string ns, string name, TimeSpan timeout, Action<string>? progress, object? from, CancellationToken ct)
    {
        string status = "waiting", why = string.Empty;
        var gate = new object();
        void Report()
        {
            string line;
            lock (gate) line = $"{kind.Kind} {ns}/{name}: {status}{(why.Length == 0 ? string.Empty : $" ({why})")}";
            progress?.Invoke(line);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The pods' selector comes from the first state the wait sees: no GET of its own.
        var seen = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        WaitState Check(object? o)
        {
            if (o is not null) seen.TrySetResult(o);
            return RolloutStatus.Evaluate(o);
        }
        var reasons = progress is null ? Task.CompletedTask : FollowReasonsAsync(seen.Task, r => { lock (gate) why = r; Report(); }, stop.Token);
        try
        {
            return await gateway.WaitAsync(kind, ns, name, Check, timeout, s => { lock (gate) status = s.Status; Report(); }, ct, from).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await reasons.ConfigureAwait(false);
        }
    }

    // Asks the pods why, soon and then less often (after 1, 3, 9, 27 s, then every 30 s): a handful of requests beside the watch.
    private async Task FollowReasonsAsync(Task<object> workload, Action<string> show, CancellationToken ct)
    {
        try
        {
            var live = KoYaml.ToJsonObject(await workload.WaitAsync(ct).ConfigureAwait(false));
            var selector = Selector(live);
            var ns = Str(live["metadata"]?["namespace"]);
            if (string.IsNullOrEmpty(selector) || ns is null) return;
            var last = string.Empty;
            for (var delay = TimeSpan.FromSeconds(1); !ct.IsCancellationRequested; delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 3)))
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
                var why = await PodReasonsAsync(ns, selector, ct).ConfigureAwait(false);
                if (why != last) show(last = why);
            }
        }
        catch (OperationCanceledException)
        {
            // the wait ended
        }
        catch (KoClusterException)
        {
            // The reasons are a hint beside the wait; the wait itself reports what fails.
        }
    }

    /// <summary>The revisions, oldest first; the current one marked.</summary>
    public Task<IReadOnlyList<RolloutRevision>> HistoryAsync(KubeKind kind, string ns, string name, CancellationToken ct) =>
        HistoryAsync(kind, ns, name, null, ct);

    /// <summary><see cref="HistoryAsync(KubeKind, string, string, CancellationToken)"/> of the workload as just seen (<paramref name="seen"/>; null: get it).</summary>
    private async Task<IReadOnlyList<RolloutRevision>> HistoryAsync(KubeKind kind, string ns, string name, object? seen, CancellationToken ct)
    {
        var live = seen ?? await gateway.GetAsync(kind, ns, name, ct).ConfigureAwait(false)
            ?? throw new KoClusterException("NotFound", "ObjectNotFound", $"{kind.Kind} {ns}/{name} was not found.", $"{kind.Kind} {ns}/{name}");
        var w = KoYaml.ToJsonObject(live, includeServerFields: true);
        var uid = Str(w["metadata"]?["uid"]);
        var result = new List<RolloutRevision>();
        if (kind.Kind == "Deployment")
        {
            var current = Str(w["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"]);
            var (items, _) = await gateway.ListAsync(KubeTypes.Find("apps/v1", "ReplicaSet")!, ns, Selector(w), null, ct).ConfigureAwait(false);
            foreach (var rs in items.Select(i => KoYaml.ToJsonObject(i, includeServerFields: true)).Where(rs => Owned(rs, uid)))
            {
                var rev = Str(rs["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"]) ?? "0";
                result.Add(new RolloutRevision(kind.Kind, name, int.Parse(rev, System.Globalization.CultureInfo.InvariantCulture), Images(rs["spec"]?["template"]),
                    Str(rs["metadata"]?["annotations"]?["kubernetes.io/change-cause"]), Str(rs["metadata"]?["name"])!, rev == current));
            }
        }
        else
        {
            var (items, _) = await gateway.ListAsync(KubeTypes.Find("apps/v1", "ControllerRevision")!, ns, null, null, ct).ConfigureAwait(false);
            var update = Str(w["status"]?["updateRevision"]);
            foreach (var cr in items.Select(i => KoYaml.ToJsonObject(i, includeServerFields: true)).Where(cr => Owned(cr, uid)))
            {
                var crName = Str(cr["metadata"]?["name"])!;
                result.Add(new RolloutRevision(kind.Kind, name, (int)(cr["revision"]?.GetValue<long>() ?? 0), Images(cr["data"]?["spec"]?["template"]),
                    Str(cr["metadata"]?["annotations"]?["kubernetes.io/change-cause"]), crName, crName == update));
            }
        }
        return result.OrderBy(r => r.Revision).ToList();
    }

    private static bool Owned(JsonObject o, string? uid) =>
        (o["metadata"]?["ownerReferences"] as JsonArray)?.Any(r => Str(r?["uid"]) == uid) == true;

    /// <summary>
    /// Rolls back to <paramref name="toRevision"/> (0: the one before the current). Returns the revision restored, or
    /// null when the template already matches it (kubectl's "skipped rollback"). A Deployment takes the restored
    /// ReplicaSet's annotations with its template, as kubectl rollout undo does, so its change-cause says what produced
    /// that revision. The rollback itself is recorded as an Event on the workload (<paramref name="why"/> appended);
    /// when the Event cannot be written, <paramref name="warn"/> hears why and the rollback stands.
    /// </summary>
    public async Task<int?> UndoAsync(KubeKind kind, string ns, string name, int toRevision, CancellationToken ct, string? why = null, Action<string>? warn = null)
    {
        var history = await HistoryAsync(kind, ns, name, ct).ConfigureAwait(false);
        var from = history.FirstOrDefault(h => h.Current) ?? history.LastOrDefault();
        var current = from?.Revision ?? 0;
        RolloutRevision? target = toRevision == 0
            ? history.Where(h => h.Revision < current).OrderByDescending(h => h.Revision).FirstOrDefault()
            : history.FirstOrDefault(h => h.Revision == toRevision);
        if (target is null)
            throw new KoClusterException("RevisionNotFound", "ObjectNotFound",
                toRevision == 0 ? $"{kind.Kind} {ns}/{name} has no previous revision to roll back to." : $"{kind.Kind} {ns}/{name} has no revision {toRevision}; it has {string.Join(", ", history.Select(h => h.Revision))}.",
                $"{kind.Kind} {ns}/{name}", "Get-KoRolloutHistory lists the revisions.");
        if (target.Revision == current) return null;
        var patch = new JsonArray();
        if (kind.Kind == "Deployment")
        {
            var rs = KoYaml.ToJsonObject((await gateway.GetAsync(KubeTypes.Find("apps/v1", "ReplicaSet")!, ns, target.Source, ct).ConfigureAwait(false))!, includeServerFields: true);
            var template = rs["spec"]?["template"]?.DeepClone();
            (template?["metadata"]?["labels"] as JsonObject)?.Remove("pod-template-hash");
            patch.Add(new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = template });
            var live = KoYaml.ToJsonObject((await gateway.GetAsync(kind, ns, name, ct).ConfigureAwait(false))!, includeServerFields: true);
            patch.Add(new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations", ["value"] = RestoredAnnotations(live, rs) });
        }
        else
        {
            var cr = await gateway.GetAsync(KubeTypes.Find("apps/v1", "ControllerRevision")!, ns, target.Source, ct).ConfigureAwait(false);
            patch.Add(new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = KoYaml.ToJsonObject(cr!, includeServerFields: true)["data"]?["spec"]?["template"]?.DeepClone() });
        }
        var after = KoYaml.ToJsonObject(await gateway.JsonPatchAsync(kind, ns, name, patch, ct).ConfigureAwait(false), includeServerFields: true);
        var message = $"Rolled back from revision {current} ({string.Join(", ", from?.Images ?? [])}) to revision {target.Revision} ({string.Join(", ", target.Images)}){(why is null ? "." : $": {why}")}";
        try
        {
            await gateway.ApplyAsync(RollbackEvent(after, message), new ApplyOptions(), ct).ConfigureAwait(false);
        }
        catch (KoClusterException e)
        {
            warn?.Invoke($"The rollback of {kind.Kind} {ns}/{name} was not recorded as an Event: {e.Message}");
        }
        return target.Revision;
    }

    /// <summary>Why the pods are not ready yet, from the pods alone (one list request, cheap enough beside a watch).</summary>
    private async Task<string> PodReasonsAsync(string ns, string selector, CancellationToken ct)
    {
        var (pods, _) = await gateway.ListAsync(KubeTypes.Find("v1", "Pod")!, ns, selector, null, ct).ConfigureAwait(false);
        return string.Join("; ", pods.SelectMany(p => PodReasons(KoYaml.ToJsonObject(p, includeServerFields: true))).Distinct().Take(3));
    }

    // A pod's reasons, one line each: containers waiting (ImagePullBackOff, CrashLoopBackOff), Pending because it
    // cannot be scheduled, or running but not ready (a failing readiness probe).
    private static IEnumerable<string> PodReasons(JsonObject pod)
    {
        var podName = Str(pod["metadata"]?["name"]);
        foreach (var c in pod["status"]?["conditions"] as JsonArray ?? [])
            if (Str(c?["type"]) == "PodScheduled" && Str(c?["status"]) == "False")
                yield return $"pod {podName}: Pending: {Str(c?["reason"])?.ToLowerInvariant() ?? "not scheduled"}{(Str(c?["message"]) is { } m ? $" ({m})" : string.Empty)}";
        foreach (var cs in pod["status"]?["containerStatuses"] as JsonArray ?? [])
        {
            if (cs?["state"]?["waiting"] is JsonObject waiting && Str(waiting["reason"]) is { } reason && reason != "ContainerCreating")
                yield return $"pod {podName}: {Str(cs["name"])} {reason}{(Str(waiting["message"]) is { } m ? $" ({m})" : string.Empty)}";
            else if (cs?["state"]?["running"] is JsonObject && cs["ready"]?.GetValue<bool>() == false && pod["status"]?["phase"]?.GetValue<string>() == "Running")
                yield return $"pod {podName}: {Str(cs["name"])} running but not ready (its readiness probe fails)";
        }
    }

    /// <summary>The annotations kubectl rollout undo leaves on a Deployment: the controller's own kept, the rest from the restored ReplicaSet.</summary>
    private static JsonObject RestoredAnnotations(JsonObject deployment, JsonObject replicaSet)
    {
        var result = new JsonObject();
        foreach (var (k, v) in deployment["metadata"]?["annotations"] as JsonObject ?? [])
            if (UndoKeeps.Contains(k)) result[k] = v?.DeepClone();
        foreach (var (k, v) in replicaSet["metadata"]?["annotations"] as JsonObject ?? [])
            if (!UndoKeeps.Contains(k)) result[k] = v?.DeepClone();
        return result;
    }

    private static readonly HashSet<string> UndoKeeps =
    [
        "kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision", "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to",
    ];

    private static JsonObject RollbackEvent(JsonObject workload, string message)
    {
        var meta = workload["metadata"]!;
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = $"{Str(meta["name"])}.{Guid.NewGuid():N}"[..Math.Min(253, Str(meta["name"])!.Length + 17)], ["namespace"] = Str(meta["namespace"]) },
            ["involvedObject"] = new JsonObject
            {
                ["apiVersion"] = Str(workload["apiVersion"]), ["kind"] = Str(workload["kind"]), ["namespace"] = Str(meta["namespace"]),
                ["name"] = Str(meta["name"]), ["uid"] = Str(meta["uid"]), ["resourceVersion"] = Str(meta["resourceVersion"]),
            },
            ["reason"] = "RolledBack", ["message"] = message, ["type"] = "Normal",
            ["source"] = new JsonObject { ["component"] = "kubeops" },
            ["firstTimestamp"] = now, ["lastTimestamp"] = now, ["count"] = 1,
        };
    }

    /// <summary>Why pods are not ready: their waiting reasons and the latest events about them, in one line each.</summary>
    public async Task<string> DiagnoseAsync(KubeKind kind, string ns, string name, CancellationToken ct)
    {
        var live = await gateway.GetAsync(kind, ns, name, ct).ConfigureAwait(false);
        if (live is null) return string.Empty;
        var w = KoYaml.ToJsonObject(live, includeServerFields: true);
        var lines = new List<string>();
        var (pods, _) = await gateway.ListAsync(KubeTypes.Find("v1", "Pod")!, ns, Selector(w), null, ct).ConfigureAwait(false);
        foreach (var pod in pods.Select(p => KoYaml.ToJsonObject(p, includeServerFields: true)))
            lines.AddRange(PodReasons(pod));
        var (events, _) = await gateway.ListAsync(KubeTypes.Find("v1", "Event")!, ns, null, null, ct).ConfigureAwait(false);
        var podNames = pods.Select(p => KoYaml.ToJsonObject(p)["metadata"]?["name"]?.GetValue<string>()).ToHashSet();
        foreach (var ev in events.Select(e => KoYaml.ToJsonObject(e, includeServerFields: true))
                     .Where(e => Str(e["type"]) == "Warning" && (podNames.Contains(Str(e["involvedObject"]?["name"])) || Str(e["involvedObject"]?["name"]) == name)).TakeLast(3))
            lines.Add($"event {Str(ev["involvedObject"]?["kind"])}/{Str(ev["involvedObject"]?["name"])}: {Str(ev["reason"])}: {Str(ev["message"])}");
        return string.Join("; ", lines.Distinct());
    }
}
