using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Rollout;

/// <summary>One revision of a workload, as kubectl rollout history lists it.</summary>
public sealed record RolloutRevision(string Kind, string Name, int Revision, IReadOnlyList<string> Images, string? ChangeCause, string Source, bool Current);

/// <summary>How a rollout ended.</summary>
public sealed record RolloutResult(string Kind, string Namespace, string Name, int Revision, string Outcome, string Status, TimeSpan Duration);

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

    /// <summary>The revisions, oldest first; the current one marked.</summary>
    public async Task<IReadOnlyList<RolloutRevision>> HistoryAsync(KubeKind kind, string ns, string name, CancellationToken ct)
    {
        var live = await gateway.GetAsync(kind, ns, name, ct).ConfigureAwait(false)
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
    /// null when the template already matches it (kubectl's "skipped rollback").
    /// </summary>
    public async Task<int?> UndoAsync(KubeKind kind, string ns, string name, int toRevision, CancellationToken ct)
    {
        var history = await HistoryAsync(kind, ns, name, ct).ConfigureAwait(false);
        var current = history.FirstOrDefault(h => h.Current)?.Revision ?? history.LastOrDefault()?.Revision ?? 0;
        RolloutRevision? target = toRevision == 0
            ? history.Where(h => h.Revision < current).OrderByDescending(h => h.Revision).FirstOrDefault()
            : history.FirstOrDefault(h => h.Revision == toRevision);
        if (target is null)
            throw new KoClusterException("RevisionNotFound", "ObjectNotFound",
                toRevision == 0 ? $"{kind.Kind} {ns}/{name} has no previous revision to roll back to." : $"{kind.Kind} {ns}/{name} has no revision {toRevision}; it has {string.Join(", ", history.Select(h => h.Revision))}.",
                $"{kind.Kind} {ns}/{name}", "Get-KoRolloutHistory lists the revisions.");
        if (target.Revision == current) return null;
        JsonNode? template;
        if (kind.Kind == "Deployment")
        {
            var rs = await gateway.GetAsync(KubeTypes.Find("apps/v1", "ReplicaSet")!, ns, target.Source, ct).ConfigureAwait(false);
            template = KoYaml.ToJsonObject(rs!, includeServerFields: true)["spec"]?["template"]?.DeepClone();
            (template?["metadata"]?["labels"] as JsonObject)?.Remove("pod-template-hash");
        }
        else
        {
            var cr = await gateway.GetAsync(KubeTypes.Find("apps/v1", "ControllerRevision")!, ns, target.Source, ct).ConfigureAwait(false);
            template = KoYaml.ToJsonObject(cr!, includeServerFields: true)["data"]?["spec"]?["template"]?.DeepClone();
        }
        var patch = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = template });
        await gateway.JsonPatchAsync(kind, ns, name, patch, ct).ConfigureAwait(false);
        return target.Revision;
    }

    /// <summary>The label selector of a workload's pods; null when the workload is gone.</summary>
    public async Task<string?> PodSelectorAsync(KubeKind kind, string ns, string name, CancellationToken ct) =>
        await gateway.GetAsync(kind, ns, name, ct).ConfigureAwait(false) is { } live ? Selector(KoYaml.ToJsonObject(live)) : null;

    /// <summary>Why the pods are not ready yet, from the pods alone (one list request, cheap enough beside a watch).</summary>
    public async Task<string> PodReasonsAsync(string ns, string selector, CancellationToken ct)
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
