using System.Text.Json.Nodes;
using FakeApiServer.Wire;

namespace FakeApiServer.OpenApi;

/// <summary>
/// A position in a kind's OpenAPI schema, as server-side apply and strategic merge read it (contract S-2, P-4): the
/// list type and map keys, patch strategy and merge key of a field, and the defaults of key fields. Built-in kinds use
/// the schemas /openapi/v2 serves; custom resources their CRD's structural schema, with the ObjectMeta schema under
/// metadata. A node without a schema (a kind the fake has none for) makes every list atomic.
/// </summary>
internal readonly record struct SchemaNode(JsonObject? Schema)
{
    private const string DefinitionsPrefix = "#/definitions/";
    private static readonly Lazy<SortedDictionary<string, JsonObject>> Definitions = new(() => Schemas.For(ResourceTypes.All, DefinitionsPrefix));
    private static readonly SchemaNode ObjectMeta = Named("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");

    public static SchemaNode None => default;

    /// <summary>The root of a kind's schema.</summary>
    public static SchemaNode ForKind(ResourceType t)
    {
        if (t.Custom is { } custom) return new SchemaNode(custom.Schema);
        return ProtoSchema.ForKind(t.GroupVersion, t.Kind) is { } m ? Named(Schemas.NameOf(m.Name)) : None;
    }

    private static SchemaNode Named(string name) => new(Definitions.Value.GetValueOrDefault(name));

    /// <summary>The schema itself, its $ref (plain or in a one-element allOf) followed.</summary>
    private JsonObject? Resolved
    {
        get
        {
            var s = Schema;
            var r = s?["$ref"] ?? (s?["allOf"] is JsonArray { Count: 1 } all ? all[0]?["$ref"] : null);
            return r is null ? s : Definitions.Value.GetValueOrDefault(r.GetValue<string>()[DefinitionsPrefix.Length..]);
        }
    }

    /// <summary>The schema of a field (a property, else the map's values); metadata at the root of a custom resource is ObjectMeta.</summary>
    public SchemaNode Field(string name, bool root = false)
    {
        if (root && name == "metadata") return ObjectMeta;
        var r = Resolved;
        return new SchemaNode(r?["properties"]?[name] as JsonObject ?? r?["additionalProperties"] as JsonObject);
    }

    /// <summary>The schema of a list's items.</summary>
    public SchemaNode Items => new(Resolved?["items"] as JsonObject);

    /// <summary>x-kubernetes-list-type on the field (its own node, not the resolved one); lists without it are atomic.</summary>
    public string ListType => Schema?["x-kubernetes-list-type"]?.GetValue<string>() ?? "atomic";

    public string[] ListMapKeys => (Schema?["x-kubernetes-list-map-keys"] as JsonArray)?.Select(k => k!.GetValue<string>()).ToArray() ?? [];

    public string? PatchStrategy => Schema?["x-kubernetes-patch-strategy"]?.GetValue<string>();

    public string? PatchMergeKey => Schema?["x-kubernetes-patch-merge-key"]?.GetValue<string>();

    /// <summary>The default of a field, or null.</summary>
    public JsonNode? Default => Schema?["default"] ?? Resolved?["default"];
}
