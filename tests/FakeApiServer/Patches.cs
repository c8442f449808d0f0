using System.Text.Json.Nodes;
using FakeApiServer.OpenApi;

namespace FakeApiServer;

/// <summary>Merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch (contract P-4).</summary>
public static class Patches
{
    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject po) return patch?.DeepClone();
        var result = target is JsonObject to ? (JsonObject)to.DeepClone() : new JsonObject();
        foreach (var (k, v) in po)
        {
            if (v is null) result.Remove(k);
            else result[k] = Merge(result[k]?.DeepClone(), v);
        }
        return result;
    }

    public static JsonNode Json(JsonNode doc, JsonArray ops)
    {
        var root = doc.DeepClone();
        foreach (var op in ops)
        {
            if (op is not JsonObject o || o["op"]?.GetValue<string>() is not { } name || o["path"]?.GetValue<string>() is not { } path)
                throw ApiError.BadRequest("the server rejected our request due to an error in our request");
            switch (name)
            {
                case "add": Set(ref root, path, o["value"]?.DeepClone(), insert: true); break;
                case "replace": Get(root, path); Set(ref root, path, o["value"]?.DeepClone(), insert: false); break;
                case "remove": Remove(root, path); break;
                case "copy": Set(ref root, path, Get(root, o["from"]!.GetValue<string>())?.DeepClone(), insert: true); break;
                case "move":
                    var from = o["from"]!.GetValue<string>();
                    var value = Get(root, from)?.DeepClone();
                    Remove(root, from);
                    Set(ref root, path, value, insert: true);
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), o["value"])) throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    break;
                default: throw ApiError.BadRequest($"unexpected operation \"{name}\"");
            }
        }
        return root;
    }

    private static string[] Tokens(string path) =>
        path.Length == 0 ? [] : path.TrimStart('/').Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static JsonNode? Get(JsonNode root, string path)
    {
        JsonNode? n = root;
        foreach (var t in Tokens(path))
        {
            n = n switch
            {
                JsonObject o when o.ContainsKey(t) => o[t],
                JsonArray a when int.TryParse(t, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\""),
            };
        }
        return n;
    }

    private static void Set(ref JsonNode root, string path, JsonNode? value, bool insert)
    {
        var tokens = Tokens(path);
        if (tokens.Length == 0) { root = value ?? new JsonObject(); return; }
        var parent = Get(root, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0").Replace("/", "~1"))));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                if (insert) a.Insert(i, value); else a[i] = value;
                break;
            default: throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\"");
        }
    }

    private static void Remove(JsonNode root, string path)
    {
        var tokens = Tokens(path);
        var parent = Get(root, "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0").Replace("/", "~1"))));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last): o.Remove(last); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: a.RemoveAt(i); break;
            default: throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\"");
        }
    }

    /// <summary>
    /// Strategic merge patch on built-in kinds, with each field's x-kubernetes-patch-strategy and merge key from the
    /// kind's schema: maps merged, lists with strategy merge merged by their key (primitive ones as a union), every
    /// other list replaced; directives ($patch, $retainKeys, $deleteFromPrimitiveList, $setElementOrder) honoured.
    /// </summary>
    internal static JsonNode? Strategic(JsonNode? target, JsonNode? patch, SchemaNode schema, bool root = false)
    {
        if (patch is not JsonObject po) return patch?.DeepClone();
        if (po["$patch"]?.GetValue<string>() == "replace") { var r = (JsonObject)po.DeepClone(); r.Remove("$patch"); return r; }
        if (po["$patch"]?.GetValue<string>() == "delete") return null;
        var result = target is JsonObject to ? (JsonObject)to.DeepClone() : new JsonObject();
        foreach (var (k, v) in po)
        {
            if (k.StartsWith("$setElementOrder/", StringComparison.Ordinal) || k == "$retainKeys" || k == "$patch") continue;
            if (k.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var list = k["$deleteFromPrimitiveList/".Length..];
                if (result[list] is JsonArray arr && v is JsonArray del)
                    foreach (var d in del) { var m = arr.FirstOrDefault(x => JsonNode.DeepEquals(x, d)); if (m is not null) arr.Remove(m); }
                continue;
            }
            if (v is null) { result.Remove(k); continue; }
            var field = schema.Field(k, root);
            var merges = field.PatchStrategy?.Split(',').Contains("merge") == true;
            if (v is JsonArray pa && merges && result[k] is JsonArray la) result[k] = MergeList(la, pa, field);
            else result[k] = Strategic(result[k]?.DeepClone(), v, field);
        }
        if (po["$retainKeys"] is JsonArray retain)
            foreach (var key in result.Select(p => p.Key).Where(key => !retain.Any(r => r?.GetValue<string>() == key)).ToList()) result.Remove(key);
        return result;
    }

    private static JsonArray MergeList(JsonArray live, JsonArray patch, SchemaNode field)
    {
        var merged = (JsonArray)live.DeepClone();
        if (field.PatchMergeKey is not { } key)
        {
            foreach (var item in patch)
                if (!merged.Any(x => JsonNode.DeepEquals(x, item))) merged.Add(item?.DeepClone());
            return merged;
        }
        foreach (var item in patch)
        {
            if (item is not JsonObject io) return (JsonArray)patch.DeepClone();
            if (io["$patch"]?.GetValue<string>() == "replace") return new JsonArray(patch.OfType<JsonObject>().Where(x => x["$patch"] is null).Select(x => (JsonNode?)x.DeepClone()).ToArray());
            var existing = merged.OfType<JsonObject>().FirstOrDefault(x => JsonNode.DeepEquals(x[key], io[key]));
            if (io["$patch"]?.GetValue<string>() == "delete") { if (existing is not null) merged.Remove(existing); continue; }
            if (existing is not null) merged[merged.IndexOf(existing)] = Strategic(existing.DeepClone(), io, field.Items);
            else { var add = (JsonObject)io.DeepClone(); add.Remove("$patch"); merged.Add(add); }
        }
        return merged;
    }
}
