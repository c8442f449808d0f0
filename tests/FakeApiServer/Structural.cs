using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FakeApiServer.OpenApi;

namespace FakeApiServer;

/// <summary>
/// What a body is checked against its kind's schema when decoded (contract V-11, K-5): a value of the wrong JSON kind
/// is the 400 the Go decoder gives, and unknown fields are dropped, a 400 listing them all with
/// fieldValidation=Strict and one warning each otherwise (Ignore: silently). Custom resources are also defaulted from
/// their structural schema and validated against type, required, enum, minimum/maximum, maxLength and pattern (422);
/// their apiVersion and kind are the server's, never pruned.
/// </summary>
internal static class Structural
{
    private static readonly HashSet<string> TypeMeta = ["apiVersion", "kind", "metadata"];

    /// <summary>Drops the fields the schema has no place for, reporting them per fieldValidation; custom resources are then defaulted.</summary>
    public static JsonObject Decode(ResourceType t, JsonObject body, string? fieldValidation, List<string> warnings)
    {
        var o = body.Normalize();
        var schema = SchemaNode.ForKind(t);
        if (schema.Schema is null) return o;
        if (!t.IsCustom && TypeError(o, schema, t.Kind, "") is { } error)
            throw ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: {error}");
        var unknown = new List<string>();
        Prune(o, schema, "", unknown, root: true, custom: t.IsCustom);
        if (unknown.Count > 0)
        {
            if (fieldValidation == "Strict")
                throw ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: strict decoding error: " + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\"")));
            if (fieldValidation != "Ignore") warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
        }
        if (t.Custom?.Schema is { } structural) Default(o, structural);
        return o;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static void Prune(JsonNode? node, SchemaNode schema, string path, List<string> unknown, bool root = false, bool custom = false)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    if (root && custom && k is "apiVersion" or "kind") continue;
                    var field = root ? schema.Field(k, root: true) : schema.Property(k);
                    if (field is { Schema: not null } f) Prune(v, f, Join(path, k), unknown);
                    else if (!schema.KeepsUnknown)
                    {
                        unknown.Add(Join(path, k));
                        o.Remove(k);
                    }
                }
                break;
            case JsonArray a when schema.Items.Schema is not null:
                for (var i = 0; i < a.Count; i++) Prune(a[i], schema.Items, $"{path}[{i}]", unknown);
                break;
        }
    }

    /// <summary>
    /// The Go decoder's error for the first value of the wrong JSON kind: "json: cannot unmarshal string into Go
    /// struct field DeploymentSpec.spec.replicas of type int32" (the struct holding the field, the field's JSON path
    /// without indices, the Go type). Types that decode themselves (quantities, times, int-or-string) are left alone.
    /// </summary>
    private static string? TypeError(JsonObject o, SchemaNode schema, string structName, string path)
    {
        foreach (var (k, v) in o)
        {
            if (v is null || (path.Length == 0 ? schema.Field(k, root: true) : schema.Property(k)) is not { Schema: not null } field) continue;
            if (KindError(v, field, structName, Join(path, k)) is { } error) return error;
        }
        return null;
    }

    private static string? KindError(JsonNode v, SchemaNode field, string structName, string path)
    {
        if (field.DecodesItself) return null;
        var kind = v.GetValueKind();
        var fits = (field.Type, kind) switch
        {
            ("string", JsonValueKind.String) or ("boolean", JsonValueKind.True or JsonValueKind.False)
                or ("array", JsonValueKind.Array) or ("object", JsonValueKind.Object) or ("number", JsonValueKind.Number) => true,
            ("integer", JsonValueKind.Number) => IsWhole(v, field.GoType),
            (null, _) => true,
            _ => false,
        };
        if (!fits)
        {
            var value = kind switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number " + v.ToJsonString(),
                JsonValueKind.True or JsonValueKind.False => "bool",
                JsonValueKind.Array => "array",
                _ => "object",
            };
            if (kind == JsonValueKind.Number && field.Type != "integer") value = "number";
            return $"json: cannot unmarshal {value} into Go struct field {structName}.{path} of type {field.GoType}";
        }
        switch (v)
        {
            case JsonObject child when field.IsStruct:
                return TypeError(child, field, field.StructName ?? structName, path);
            case JsonObject map:
                foreach (var (k, value) in map)
                    if (value is not null && field.Property(k) is { } values && KindError(value, values, structName, path) is { } e) return e;
                return null;
            case JsonArray items:
                foreach (var item in items)
                    if (item is not null && KindError(item, field.Items, structName, path) is { } e) return e;
                return null;
        }
        return null;
    }

    private static bool IsWhole(JsonNode v, string goType) =>
        decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && decimal.Truncate(d) == d
        && (goType == "int32" ? d is >= int.MinValue and <= int.MaxValue : d is >= long.MinValue and <= long.MaxValue);

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
