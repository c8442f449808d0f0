using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FakeApiServer;

/// <summary>
/// Custom resources against their CRD's structural schema, as the apiextensions server treats them: unknown fields
/// are pruned (a 400 with fieldValidation=Strict, a warning otherwise) unless x-kubernetes-preserve-unknown-fields,
/// defaults are filled in, and type, required, enum, minimum/maximum, maxLength and pattern are validated (422).
/// apiVersion, kind and metadata are the server's, never pruned.
/// </summary>
internal static class Structural
{
    private static readonly HashSet<string> TypeMeta = ["apiVersion", "kind", "metadata"];

    public static JsonObject Decode(ResourceType t, JsonObject body, string? fieldValidation, List<string> warnings)
    {
        var o = body.Normalize();
        if (t.Custom?.Schema is not { } schema) return o;
        var unknown = new List<string>();
        Prune(o, schema, "", unknown, root: true);
        if (unknown.Count > 0)
        {
            if (fieldValidation == "Strict")
                throw ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: strict decoding error: " + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\"")));
            if (fieldValidation != "Ignore") warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
        }
        Default(o, schema);
        return o;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static bool Preserves(JsonObject schema) => schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;

    private static void Prune(JsonNode? node, JsonObject schema, string path, List<string> unknown, bool root = false)
    {
        switch (node)
        {
            case JsonObject o:
                var props = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                foreach (var (k, v) in o.ToList())
                {
                    if (root && TypeMeta.Contains(k)) continue;
                    if (props?[k] is JsonObject ps) Prune(v, ps, Join(path, k), unknown);
                    else if (additional is not null) Prune(v, additional, Join(path, k), unknown);
                    else if (!Preserves(schema))
                    {
                        unknown.Add(Join(path, k));
                        o.Remove(k);
                    }
                }
                break;
            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++) Prune(a[i], items, $"{path}[{i}]", unknown);
                break;
        }
    }

    private static void Default(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case JsonObject o when schema["properties"] is JsonObject props:
                foreach (var (k, ps) in props)
                {
                    if (ps is not JsonObject p) continue;
                    if (o[k] is null && p["default"] is { } d) o[k] = d.DeepClone();
                    Default(o[k], p);
                }
                break;
            case JsonArray a when schema["items"] is JsonObject items:
                foreach (var item in a) Default(item, items);
                break;
        }
    }

    /// <summary>The schema violations of an object, as field errors (field, type, detail).</summary>
    public static List<(string Field, string Type, string Detail)> Validate(JsonObject o, JsonObject? schema)
    {
        var errors = new List<(string, string, string)>();
        if (schema is null) return errors;
        var root = (JsonObject)o.DeepClone();
        foreach (var k in TypeMeta) root.Remove(k);
        Check(root, schema, "", errors);
        return errors;
    }

    private static string KindOf(JsonNode? n) => n?.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => n.ToJsonString().Contains('.', StringComparison.Ordinal) ? "number" : "integer",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static void Check(JsonNode? node, JsonObject schema, string path, List<(string, string, string)> errors)
    {
        if (node is null) return;
        var kind = KindOf(node);
        var type = schema["type"]?.GetValue<string>();
        var intOrString = schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        var fits = type is null || type == kind || (type == "number" && kind == "integer") || (intOrString && kind is "integer" or "string");
        if (!fits)
        {
            errors.Add((path, "Invalid value", $"\"{kind}\": {path} in body must be of type {type}: \"{kind}\""));
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
            errors.Add((path, "Unsupported value", $"{node.ToJsonString()}: supported values: {string.Join(", ", allowed.Select(a => a!.ToJsonString()))}"));
        if (kind is "integer" or "number")
        {
            var value = node.GetValue<double>();
            if (schema["minimum"]?.GetValue<double>() is { } min && value < min)
                errors.Add((path, "Invalid value", $"{node.ToJsonString()}: {path} in body should be greater than or equal to {min.ToString(CultureInfo.InvariantCulture)}"));
            if (schema["maximum"]?.GetValue<double>() is { } max && value > max)
                errors.Add((path, "Invalid value", $"{node.ToJsonString()}: {path} in body should be less than or equal to {max.ToString(CultureInfo.InvariantCulture)}"));
        }
        if (kind == "string")
        {
            var s = node.GetValue<string>();
            if (schema["maxLength"]?.GetValue<int>() is { } maxLength && s.Length > maxLength)
                errors.Add((path, "Too long", $"may not be more than {maxLength} bytes"));
            if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                errors.Add((path, "Invalid value", $"\"{s}\": {path} in body should match '{pattern}'"));
        }
        switch (node)
        {
            case JsonObject o:
                foreach (var r in schema["required"] as JsonArray ?? [])
                    if (o[r!.GetValue<string>()] is null) errors.Add((Join(path, r.GetValue<string>()), "Required value", ""));
                var props = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                foreach (var (k, v) in o)
                    if (props?[k] is JsonObject ps) Check(v, ps, Join(path, k), errors);
                    else if (additional is not null) Check(v, additional, Join(path, k), errors);
                break;
            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++) Check(a[i], items, $"{path}[{i}]", errors);
                break;
        }
    }
}
