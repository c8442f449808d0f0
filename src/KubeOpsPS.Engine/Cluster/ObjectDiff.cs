using System.Text.Json.Nodes;

namespace KubeOpsPS.Engine.Cluster;

/// <summary>One field that differs between the live object and what an apply would make of it.</summary>
public sealed record FieldChange(string Kind, string? Namespace, string Name, string Path, string Change, string? Live, string? Desired);

/// <summary>Field-by-field comparison of two objects, ignoring what the server manages (managedFields, resourceVersion, generation, timestamps, uid, status).</summary>
public static class ObjectDiff
{
    private static readonly HashSet<string> IgnoredMetadata = ["managedFields", "resourceVersion", "generation", "creationTimestamp", "uid", "selfLink"];

    public static IReadOnlyList<FieldChange> Compare(string kind, string? ns, string name, JsonObject? live, JsonObject desired)
    {
        var changes = new List<FieldChange>();
        Walk(Clean(live), Clean(desired), string.Empty, changes, kind, ns, name);
        return changes;
    }

    private static JsonObject? Clean(JsonObject? o)
    {
        if (o is null) return null;
        var c = (JsonObject)o.DeepClone();
        c.Remove("status");
        if (c["metadata"] is JsonObject m)
            foreach (var f in IgnoredMetadata) m.Remove(f);
        return c;
    }

    private static void Walk(JsonNode? live, JsonNode? desired, string path, List<FieldChange> changes, string kind, string? ns, string name)
    {
        if (live is JsonObject lo && desired is JsonObject dobj)
        {
            foreach (var key in lo.Select(p => p.Key).Union(dobj.Select(p => p.Key)).Distinct().OrderBy(k => k, StringComparer.Ordinal))
                Walk(lo[key], dobj[key], path.Length == 0 ? key : $"{path}.{key}", changes, kind, ns, name);
            return;
        }
        if (live is JsonArray la && desired is JsonArray da && la.Count == da.Count)
        {
            for (var i = 0; i < la.Count; i++) Walk(la[i], da[i], $"{path}[{i}]", changes, kind, ns, name);
            return;
        }
        var l = live?.ToJsonString();
        var d = desired?.ToJsonString();
        if (l == d) return;
        var change = live is null ? "Added" : desired is null ? "Removed" : "Changed";
        changes.Add(new FieldChange(kind, ns, name, path.Length == 0 ? "." : path, change, l, d));
    }
}
