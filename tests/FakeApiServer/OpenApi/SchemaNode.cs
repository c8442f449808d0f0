using System.Text.Json.Nodes;
using FakeApiServer.Wire;

namespace FakeApiServer.OpenApi;

/// <summary>
/// A position in a kind's OpenAPI schema, as server-side apply and strategic merge read it (contract S-2, P-4): the
/// list type and map keys, patch strategy and merge key of a field, and the defaults of key fields. Built-in kinds use
/// the schemas /openapi/v2 serves; custom resources their CRD's structural schema, with the ObjectMeta schema under
/// metadata. A node without a schema (a kind the fake has none for) makes every list atomic.
/// </summary>
internal readonly record struct SchemaNode(JsonObject? Schema, bool Structural = false, string? Cast = null)
{
    private const string DefinitionsPrefix = "#/definitions/";
    private static readonly Lazy<SortedDictionary<string, JsonObject>> Definitions = new(() => Schemas.For(ResourceTypes.All, DefinitionsPrefix));
    private static readonly SchemaNode ObjectMeta = Named("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");

    /// <summary>The named Go types of the built-in definitions' fields (the field table's +go facts), by definition and JSON name.</summary>
    private static readonly Lazy<Dictionary<(string Definition, string Field), string>> Casts = new(() =>
        ProtoSchema.All.SelectMany(m => m.Fields.Where(f => f.GoCast is not null).Select(f => (Schemas.NameOf(m.Name), f.Json, f.GoCast!)))
            .ToDictionary(c => (c.Item1, c.Json), c => c.Item3));

    public static SchemaNode None => default;

    /// <summary>The root of a kind's schema.</summary>
    public static SchemaNode ForKind(ResourceType t)
    {
        if (t.Custom is { } custom) return new SchemaNode(custom.Schema, Structural: true);
        return ProtoSchema.ForKind(t.GroupVersion, t.Kind) is { } m ? Named(Schemas.NameOf(m.Name)) : None;
    }

    /// <summary>A node referring to a definition (so that it knows its Go struct's name).</summary>
    private static SchemaNode Named(string name) => new(Definitions.Value.ContainsKey(name) ? new JsonObject { ["$ref"] = DefinitionsPrefix + name } : null);

    /// <summary>The schema itself, its $ref (plain or in a one-element allOf) followed.</summary>
    private JsonObject? Resolved => RefName is { } name ? Definitions.Value.GetValueOrDefault(name) : Schema;

    /// <summary>The definition a node refers to ("io.k8s.api.apps.v1.DeploymentSpec"), or null.</summary>
    private string? RefName =>
        (Schema?["$ref"] ?? (Schema?["allOf"] is JsonArray { Count: 1 } all ? all[0]?["$ref"] : null))?.GetValue<string>()[DefinitionsPrefix.Length..];

    /// <summary>The schema of a field (a property, else the map's values); metadata at the root of a custom resource is ObjectMeta.</summary>
    public SchemaNode Field(string name, bool root = false)
    {
        if (root && name == "metadata") return ObjectMeta;
        return Property(name) ?? default;
    }

    /// <summary>The schema of a field (a property, else the map's values), or null when the schema has no place for it.</summary>
    public SchemaNode? Property(string name)
    {
        var r = Resolved;
        if (r?["properties"]?[name] is JsonObject p)
            return new SchemaNode(p, Structural, !Structural && RefName is { } d ? Casts.Value.GetValueOrDefault((d, name)) : null);
        return r?["additionalProperties"] is JsonObject f ? new SchemaNode(f, Structural) : null;
    }

    /// <summary>The schema of a list's items (of the named element type when the list's is named: []v1.Capability).</summary>
    public SchemaNode Items => new(Resolved?["items"] as JsonObject, Structural, Cast is ['[', ']', .. var element] ? element : null);

    /// <summary>
    /// Whether an object here keeps fields its schema does not name: with no schema, with
    /// x-kubernetes-preserve-unknown-fields, or (built-in kinds) an object type without declared fields
    /// (RawExtension, FieldsV1). A structural schema's object without properties prunes everything.
    /// </summary>
    public bool KeepsUnknown
    {
        get
        {
            var r = Resolved;
            if (r is null || r["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true) return true;
            return !Structural && r["properties"] is null && r["additionalProperties"] is null;
        }
    }

    private const string IntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

    /// <summary>Whether the Go type has its own JSON decoding (IntOrString, Quantity, Time, RawExtension …), so the JSON kind is its business.</summary>
    public bool DecodesItself => RefName is { } n && (Resolved?["properties"] is null || n == IntOrString);

    /// <summary>Whether the node is a struct (declared fields), not a map.</summary>
    public bool IsStruct => Resolved?["properties"] is not null;

    /// <summary>The Go struct a definition is ("DeploymentSpec").</summary>
    public string? StructName => RefName is { } n ? n[(n.LastIndexOf('.') + 1)..] : null;

    /// <summary>The JSON kinds the field takes (string, integer, number, boolean, array, object), from its schema.</summary>
    public string? Type => Resolved?["type"]?.GetValue<string>();

    /// <summary>The Go type as encoding/json names it in errors: int32, []v1.Container, map[string]string, v1.PodSpec, v1.Protocol.</summary>
    public string GoType
    {
        get
        {
            if (Cast is not null) return Cast;
            if (RefName is { } n)
            {
                var parts = n.Split('.');
                return $"{parts[^2]}.{parts[^1]}";
            }
            var r = Resolved;
            return (r?["type"]?.GetValue<string>(), r?["format"]?.GetValue<string>()) switch
            {
                ("string", "byte") => "[]uint8",
                ("string", _) => "string",
                ("integer", "int32") => "int32",
                ("integer", _) => "int64",
                ("number", _) => "float64",
                ("boolean", _) => "bool",
                ("array", _) => "[]" + Items.GoType,
                ("object", _) when r?["additionalProperties"] is JsonObject v => "map[string]" + new SchemaNode(v).GoType,
                _ => "interface {}",
            };
        }
    }

    /// <summary>x-kubernetes-list-type on the field (its own node, not the resolved one); lists without it are atomic.</summary>
    public string ListType => Schema?["x-kubernetes-list-type"]?.GetValue<string>() ?? "atomic";

    public string[] ListMapKeys => (Schema?["x-kubernetes-list-map-keys"] as JsonArray)?.Select(k => k!.GetValue<string>()).ToArray() ?? [];

    public string? PatchStrategy => Schema?["x-kubernetes-patch-strategy"]?.GetValue<string>();

    public string? PatchMergeKey => Schema?["x-kubernetes-patch-merge-key"]?.GetValue<string>();

    /// <summary>The default of a field, or null.</summary>
    public JsonNode? Default => Schema?["default"] ?? Resolved?["default"];
}
