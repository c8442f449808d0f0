using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The apiextensions controllers: a CRD's names are accepted and it becomes Established (status.acceptedNames,
/// storedVersions and the NamesAccepted/Established conditions), its served versions are served from then on (in
/// discovery too), and a CRD being deleted first loses all its instances (the customresourcecleanup finalizer).
/// </summary>
internal sealed partial class Controllers
{
    private const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";
    private readonly Dictionary<string, (string Rv, List<ResourceType> Types)> _crdTypes = new(StringComparer.Ordinal);

    private void CustomResourceDefinitions()
    {
        var crds = _store.List(T("apiextensions.k8s.io", "customresourcedefinitions"), null);
        foreach (var crd in crds)
        {
            var rv = crd.Object["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
            if (!_crdTypes.TryGetValue(crd.Uid, out var cached) || cached.Rv != rv)
                _crdTypes[crd.Uid] = (rv, TypesOf(crd));
        }
        foreach (var gone in _crdTypes.Keys.Except(crds.Select(c => c.Uid)).ToList()) _crdTypes.Remove(gone);
        _api.Custom.Set(crds.Where(c => c.Object["metadata"]?["deletionTimestamp"] is null).SelectMany(c => _crdTypes[c.Uid].Types).ToList());

        foreach (var crd in crds)
        {
            var spec = (JsonObject)crd.Object["spec"]!;
            var finalizers = crd.Object["metadata"]?["finalizers"] as JsonArray;
            if (crd.Object["metadata"]?["deletionTimestamp"] is not null)
            {
                var type = _crdTypes[crd.Uid].Types.FirstOrDefault();
                var instances = type is null ? [] : _store.List(type, null);
                foreach (var o in instances) _api.Delete(o);
                if (instances.Count == 0 && finalizers?.Any(f => f?.GetValue<string>() == CleanupFinalizer) == true)
                    Update(crd, o =>
                    {
                        var fin = (JsonArray)o["metadata"]!["finalizers"]!;
                        foreach (var f in fin.Where(f => f?.GetValue<string>() == CleanupFinalizer).ToList()) fin.Remove(f);
                    });
                continue;
            }
            if (finalizers?.Any(f => f?.GetValue<string>() == CleanupFinalizer) != true)
            {
                Update(crd, o => ((JsonArray)(o["metadata"]!["finalizers"] ??= new JsonArray())).Add(CleanupFinalizer));
                continue;
            }
            var old = crd.Object["status"]?["conditions"] as JsonArray;
            string Since(string type) => old?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type && c["status"]?.GetValue<string>() == "True")?["lastTransitionTime"]?.GetValue<string>() ?? Api.Now();
            var storage = (spec["versions"] as JsonArray ?? []).FirstOrDefault(v => v?["storage"]?.GetValue<bool>() == true)?["name"]?.GetValue<string>();
            var stored = crd.Object["status"]?["storedVersions"] as JsonArray ?? [];
            var storedVersions = new JsonArray(stored.Select(v => v!.GetValue<string>()).Append(storage).Where(v => v is not null).Distinct().Select(v => (JsonNode?)v).ToArray());
            SetStatus(crd, new JsonObject
            {
                ["conditions"] = new JsonArray(
                    new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = Since("NamesAccepted"), ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                    new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = Since("Established"), ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" }),
                ["acceptedNames"] = spec["names"]?.DeepClone(),
                ["storedVersions"] = storedVersions,
            });
        }
    }

    /// <summary>The resource types of a CRD's served versions.</summary>
    private static List<ResourceType> TypesOf(StoredObject crd)
    {
        var spec = (JsonObject)crd.Object["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var group = spec["group"]!.GetValue<string>();
        var versions = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var storage = versions.FirstOrDefault(v => v["storage"]?.GetValue<bool>() == true)?["name"]?.GetValue<string>() ?? "";
        string[] Strings(string key) => (names[key] as JsonArray ?? []).Select(s => s!.GetValue<string>()).ToArray();
        var kind = names["kind"]!.GetValue<string>();
        return versions.Where(v => v["served"]?.GetValue<bool>() != false).Select(v => new ResourceType(
            group, v["name"]!.GetValue<string>(), names["plural"]!.GetValue<string>(), names["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant(), kind,
            spec["scope"]?.GetValue<string>() == "Namespaced", Strings("shortNames"), Strings("categories"), true)
        {
            Custom = new CustomVersion(v["schema"]?["openAPIV3Schema"] as JsonObject, storage, v["subresources"]?["status"] is not null, v["subresources"]?["scale"] as JsonObject, names["listKind"]?.GetValue<string>() ?? kind + "List"),
        }).ToList();
    }
}
