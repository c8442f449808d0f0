using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The deployment controller (R-1..R-8): ReplicaSets per template, rolling update and Recreate, revisions, status and conditions.</summary>
internal sealed partial class Controllers
{
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
        var owned = Owned(rsType, d).OrderBy(rs => rs.Object["metadata"]!["creationTimestamp"]!.GetValue<string>()).ThenBy(rs => Revision(rs)).ToList();
        var maxRev = owned.Count == 0 ? 0 : owned.Max(Revision);
        var newRs = owned.Where(rs => JsonNode.DeepEquals(TemplateWithoutHash(rs.Object["spec"]?["template"]), template)).OrderBy(Revision).FirstOrDefault();
        var key = $"{d.Namespace}/{d.Name}";
        var annotations = d.Object["metadata"]?["annotations"] as JsonObject;
        if (newRs is null && spec["paused"]?.GetValue<bool>() == true)
        {
            // A paused Deployment makes no ReplicaSet for its new template: the status counts what runs, none of it updated.
            var held = (JsonObject?)d.Object["status"]?.DeepClone() ?? new JsonObject();
            held["observedGeneration"] = d.Object["metadata"]?["generation"]?.DeepClone();
            held["replicas"] = owned.Sum(rs => Int(rs.Object["status"]?["replicas"]));
            held["updatedReplicas"] = 0;
            SetStatus(d, held);
            return;
        }
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
        void Scale(StoredObject rs, int n)
        {
            var from = Spec(rs);
            if (from == n) return;
            Update(rs, o => ((JsonObject)o["spec"]!)["replicas"] = n);
            _progress[key] = SimNow;
            Event(d, "Normal", "ScalingReplicaSet", $"Scaled {(n > from ? "up" : "down")} replica set {rs.Name} from {from} to {n}", "deployment-controller");
        }

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
        owned = Owned(rsType, d);
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
        else if (Due(After(last + deadline)))
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
        // A ReplicaSet's ReplicaFailure (the new one's first) is the deployment's, kept while it has the same status and reason.
        if (new[] { fresh }.Concat(owned).Select(r => (r.Object["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "ReplicaFailure")).FirstOrDefault(c => c is not null) is { } rf)
        {
            var oldFailure = (prev?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "ReplicaFailure");
            var keep = oldFailure is not null && oldFailure["status"]?.GetValue<string>() == rf["status"]?.GetValue<string>() && oldFailure["reason"]?.GetValue<string>() == rf["reason"]?.GetValue<string>();
            ((JsonArray)status["conditions"]!).Add(keep ? oldFailure!.DeepClone() : new JsonObject
            {
                ["type"] = "ReplicaFailure", ["status"] = rf["status"]?.DeepClone(),
                ["lastUpdateTime"] = rf["lastTransitionTime"]?.DeepClone(), ["lastTransitionTime"] = rf["lastTransitionTime"]?.DeepClone(),
                ["reason"] = rf["reason"]?.DeepClone(), ["message"] = rf["message"]?.DeepClone(),
            });
        }
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
}
