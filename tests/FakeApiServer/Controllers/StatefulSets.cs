using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The statefulset controller: ControllerRevisions, ordered pods with their claims, partitioned rolling updates.</summary>
internal sealed partial class Controllers
{
    private void StatefulSet(StoredObject s)
    {
        if (s.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var spec = (JsonObject)s.Object["spec"]!;
        var replicas = Int(spec["replicas"], 1);
        var minReady = Int(spec["minReadySeconds"]);
        var updateRevision = $"{s.Name}-{Hash(spec["template"])}";
        var crType = T("apps", "controllerrevisions");
        var revisions = Owned(crType, s);
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
                    Event(s, "Normal", "SuccessfulCreate", $"create Claim {claim} Pod {s.Name}-{i} in StatefulSet {s.Name} success", "statefulset-controller");
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
                CreatePod(s, $"{s.Name}-{i}", template, out _, new Dictionary<string, string> { ["controller-revision-hash"] = rev, ["statefulset.kubernetes.io/pod-name"] = $"{s.Name}-{i}", ["apps.kubernetes.io/pod-index"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                pods[i] = _store.Get(T("", "pods"), s.Namespace, $"{s.Name}-{i}");
                if (ordered) break;
            }
        }
        foreach (var extra in Owned(T("", "pods"), s).Where(p => int.TryParse(p.Name[(s.Name.Length + 1)..], out var n) && n >= replicas).OrderByDescending(p => p.Name).Take(1))
            DeletePod(s, extra);
        string Rev(StoredObject? p) => p?.Object["metadata"]?["labels"]?["controller-revision-hash"]?.GetValue<string>() ?? "";
        var live = pods.Where(p => p is not null).Select(p => p!).ToList();
        var allReady = live.Count == replicas && live.All(p => PodState(p, 0).Ready);
        var partition = Int(spec["updateStrategy"]?["rollingUpdate"]?["partition"]);
        if (allReady && (spec["updateStrategy"]?["type"]?.GetValue<string>() ?? "RollingUpdate") == "RollingUpdate")
        {
            var stale = live.Where(p => Rev(p) != updateRevision && int.Parse(p.Name[(s.Name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= partition).OrderByDescending(p => p.Name.Length).ThenByDescending(p => p.Name).FirstOrDefault();
            if (stale is not null) DeletePod(s, stale);
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
}
