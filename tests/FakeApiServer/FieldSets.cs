using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.OpenApi;

namespace FakeApiServer;

/// <summary>
/// Server-side apply's field sets (contract S-2): a configuration flattened into owned paths, with each list treated
/// as the kind's OpenAPI schema declares it (x-kubernetes-list-type map with its x-kubernetes-list-map-keys, set, or
/// atomic, which is also what a list without a list type is). Paths are strings of segments ("f:spec",
/// "k:{\"name\":\"web\"}", "v:\"x\"", ".") joined by '\n'.
/// </summary>
public static class FieldSets
{
    private const char Sep = '\n';
    private static readonly HashSet<string> ServerMetadata = ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"];

    /// <summary>An item's key segment: its map keys in name order, a missing key taking the schema's default (ports' protocol TCP).</summary>
    private static string KeySegment(JsonObject item, string[] keys, SchemaNode items)
    {
        var sb = new StringBuilder("k:{");
        var first = true;
        foreach (var k in keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            var v = item[k]?.DeepClone() ?? items.Field(k).Default?.DeepClone();
            if (v is null) continue;
            if (!first) sb.Append(',');
            sb.Append(JsonSerializer.Serialize(k)).Append(':').Append(v.ToJsonString());
            first = false;
        }
        return sb.Append('}').ToString();
    }

    /// <summary>The set of paths a configuration sets (server-managed metadata, apiVersion, kind and status excluded).</summary>
    internal static HashSet<string> Flatten(JsonObject obj, SchemaNode schema)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in obj)
        {
            if (k is "apiVersion" or "kind" or "status") continue;
            if (k == "metadata" && v is JsonObject meta)
            {
                var metaSchema = schema.Field(k, root: true);
                foreach (var (mk, mv) in meta)
                    if (!ServerMetadata.Contains(mk)) Walk(mv, ["f:metadata", "f:" + mk], metaSchema.Field(mk), set);
                continue;
            }
            Walk(v, ["f:" + k], schema.Field(k, root: true), set);
        }
        return set;
    }

    /// <summary>The status paths of an object (tracked for writes to /status).</summary>
    internal static HashSet<string> FlattenStatus(JsonObject obj, SchemaNode schema)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (obj["status"] is JsonObject st) Walk(st, ["f:status"], schema.Field("status", root: true), set);
        return set;
    }

    private static void Walk(JsonNode? node, List<string> path, SchemaNode schema, HashSet<string> set)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (k, v) in o) Walk(v, [.. path, "f:" + k], schema.Field(k), set);
                break;
            case JsonArray a:
            {
                var type = schema.ListType;
                if (type == "atomic" || a.Count == 0) { set.Add(string.Join(Sep, path)); break; }
                if (type == "set")
                {
                    foreach (var item in a) set.Add(string.Join(Sep, [.. path, "v:" + (item?.ToJsonString() ?? "null")]));
                    break;
                }
                var keys = schema.ListMapKeys;
                foreach (var item in a)
                {
                    if (item is not JsonObject io) { set.Add(string.Join(Sep, path)); break; }
                    var seg = KeySegment(io, keys, schema.Items);
                    set.Add(string.Join(Sep, [.. path, seg, "."]));
                    foreach (var (k, v) in io) Walk(v, [.. path, seg, "f:" + k], schema.Items.Field(k), set);
                }
                break;
            }
            default:
                set.Add(string.Join(Sep, path));
                break;
        }
    }

    /// <summary>The value at a path (an item for "." paths), or null when absent.</summary>
    internal static JsonNode? Get(JsonObject root, string path, SchemaNode schema)
    {
        JsonNode? node = root;
        var segs = path.Split(Sep);
        for (var i = 0; i < segs.Length; i++)
        {
            var s = segs[i];
            if (s == ".") return node;
            if (node is null) return null;
            if (s.StartsWith("f:", StringComparison.Ordinal))
            {
                node = node is JsonObject o ? o[s[2..]] : null;
                schema = schema.Field(s[2..], root: i == 0);
            }
            else if (s.StartsWith("k:", StringComparison.Ordinal))
            {
                schema = schema.Items;
                node = FindItem(node as JsonArray, s, schema);
            }
            else if (s.StartsWith("v:", StringComparison.Ordinal)) node = (node as JsonArray)?.FirstOrDefault(x => (x?.ToJsonString() ?? "null") == s[2..]);
        }
        return node;
    }

    private static JsonObject? FindItem(JsonArray? a, string seg, SchemaNode items)
    {
        if (a is null) return null;
        var keys = JsonNode.Parse(seg[2..])!.AsObject().Select(p => p.Key).ToArray();
        return a.OfType<JsonObject>().FirstOrDefault(item => KeySegment(item, keys, items) == seg);
    }

    public static bool SameValue(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>Merges an applied configuration into the live object (S-3 step 3): associative items by key, new items appended, order kept.</summary>
    internal static JsonNode? Merge(JsonNode? live, JsonNode? config, SchemaNode schema, bool root = false)
    {
        if (config is JsonObject co && live is JsonObject lo)
        {
            var result = (JsonObject)lo.DeepClone();
            foreach (var (k, v) in co) result[k] = Merge(result[k]?.DeepClone(), v, schema.Field(k, root));
            return result;
        }
        if (config is JsonArray ca && live is JsonArray la && schema.ListType != "atomic")
        {
            var result = (JsonArray)la.DeepClone();
            var keys = schema.ListMapKeys;
            foreach (var item in ca)
            {
                if (schema.ListType == "set")
                {
                    if (!result.Any(x => JsonNode.DeepEquals(x, item))) result.Add(item?.DeepClone());
                    continue;
                }
                if (item is not JsonObject io) return ca.DeepClone();
                var seg = KeySegment(io, keys, schema.Items);
                var idx = result.Select((x, n) => (x, n)).FirstOrDefault(t => t.x is JsonObject xo && KeySegment(xo, keys, schema.Items) == seg);
                if (idx.x is not null) result[idx.n] = Merge(idx.x.DeepClone(), io, schema.Items);
                else result.Add(io.DeepClone());
            }
            return result;
        }
        return config?.DeepClone();
    }

    /// <summary>Removes the given paths from an object (S-3 step 4): list items whose "." path is removed go whole when nothing under them is still owned.</summary>
    internal static void Remove(JsonObject root, IEnumerable<string> paths, HashSet<string> stillOwned, SchemaNode schema)
    {
        foreach (var p in paths.OrderByDescending(p => p.Count(c => c == Sep)))
        {
            var segs = p.Split(Sep);
            if (segs[^1] == ".")
            {
                var itemPrefix = string.Join(Sep, segs[..^1]) + Sep;
                if (stillOwned.Any(o => o.StartsWith(itemPrefix, StringComparison.Ordinal))) continue;
                var listPath = string.Join(Sep, segs[..^2]);
                if (Get(root, listPath, schema) is JsonArray list && Get(root, string.Join(Sep, segs[..^1]) + Sep + ".", schema) is JsonNode item)
                    list.Remove(item);
                continue;
            }
            var parentPath = string.Join(Sep, segs[..^1]);
            var parent = segs.Length == 1 ? root : Get(root, parentPath + (segs[^2].StartsWith("k:", StringComparison.Ordinal) ? Sep + "." : ""), schema);
            var last = segs[^1];
            if (parent is JsonObject po && last.StartsWith("f:", StringComparison.Ordinal)) po.Remove(last[2..]);
            else if (parent is JsonArray pa && last.StartsWith("v:", StringComparison.Ordinal))
            {
                var match = pa.FirstOrDefault(x => (x?.ToJsonString() ?? "null") == last[2..]);
                if (match is not null) pa.Remove(match);
            }
        }
    }

    /// <summary>FieldsV1 JSON for a set of paths (S-6).</summary>
    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var p in paths.OrderBy(p => p, StringComparer.Ordinal))
        {
            var node = root;
            foreach (var seg in p.Split(Sep))
            {
                if (node[seg] is not JsonObject next) { next = new JsonObject(); node[seg] = next; }
                node = next;
            }
        }
        return root;
    }

    /// <summary>The paths of a FieldsV1 object (its leaves), the inverse of <see cref="ToFieldsV1"/>.</summary>
    public static HashSet<string> FromFieldsV1(JsonObject fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonObject node, string prefix)
        {
            foreach (var (k, v) in node)
            {
                var path = prefix.Length == 0 ? k : prefix + Sep + k;
                if (v is JsonObject { Count: > 0 } child) Walk(child, path);
                else set.Add(path);
            }
        }
        Walk(fields, "");
        return set;
    }

    /// <summary>kubectl's display of a path: .spec.template.spec.containers[name="web"].image</summary>
    public static string Display(string path)
    {
        var sb = new StringBuilder();
        foreach (var seg in path.Split(Sep))
        {
            if (seg.StartsWith("f:", StringComparison.Ordinal)) sb.Append('.').Append(seg[2..]);
            else if (seg.StartsWith("k:", StringComparison.Ordinal))
            {
                var o = JsonNode.Parse(seg[2..])!.AsObject();
                sb.Append('[').Append(string.Join(',', o.Select(p => $"{p.Key}={p.Value!.ToJsonString()}"))).Append(']');
            }
            else if (seg.StartsWith("v:", StringComparison.Ordinal)) sb.Append('[').Append(seg[2..]).Append(']');
        }
        return sb.ToString();
    }
}
