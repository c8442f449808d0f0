using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.AppManager;

/// <summary>A manifest the in-cluster manager cannot write with its namespace-scoped Role: the file and what it targets.</summary>
public sealed record OutOfScopeManifest(string File, string Object, string Target);

/// <summary>Which shipped manifests lie outside the one namespace a namespace-scoped app-manager may change.</summary>
public static class ManifestScope
{
    /// <summary>
    /// Objects in another namespace, and cluster-scoped kinds (which no Role can grant), per file; objects without
    /// a namespace go to the manager's own. Unknown kinds are taken as namespaced; unreadable documents are skipped
    /// (the manager reports them when it runs).
    /// </summary>
    public static IReadOnlyList<OutOfScopeManifest> OutsideNamespace(IReadOnlyDictionary<string, string> manifests, string ns)
    {
        var outside = new List<OutOfScopeManifest>();
        foreach (var (file, text) in manifests.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            foreach (var doc in KoYaml.Read(text, file))
            {
                if (doc.Object is null) continue;
                var json = KoYaml.ToJsonObject(doc.Object);
                var kind = json["kind"]?.GetValue<string>() ?? "?";
                var name = json["metadata"]?["name"]?.GetValue<string>() ?? "?";
                var objectNs = json["metadata"]?["namespace"]?.GetValue<string>();
                if (KubeTypes.Find(json["apiVersion"]?.GetValue<string>(), kind) is { Namespaced: false })
                    outside.Add(new OutOfScopeManifest(file, $"{kind}/{name}", "cluster-scoped"));
                else if (objectNs is not null && objectNs != ns)
                    outside.Add(new OutOfScopeManifest(file, $"{kind}/{objectNs}/{name}", $"namespace {objectNs}"));
            }
        }
        return outside;
    }
}
