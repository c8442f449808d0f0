using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>The persistent volume controller: claims bound to provisioned volumes, reclaim policy on release.</summary>
internal sealed partial class Controllers
{
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
}
