using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using FakeApiServer.Wire;

namespace FakeApiServer.OpenApi;

/// <summary>
/// The OpenAPI schemas of the built-in kinds the fake serves, generated from the field table (structure, types,
/// required fields, list types and map keys, patch strategies and merge keys) with the descriptions the
/// KubernetesClient package documents for its models. Names and extensions are those of the real spec.
/// </summary>
internal static class Schemas
{
    private static readonly Lazy<Dictionary<string, string>> Docs = new(LoadDocs);

    /// <summary>"core/v1.Pod" → "io.k8s.api.core.v1.Pod"; meta and runtime types under apimachinery.</summary>
    public static string NameOf(string message)
    {
        var dot = message.IndexOf('.');
        var (pkg, type) = (message[..dot], message[(dot + 1)..]);
        return pkg switch
        {
            "meta/v1" => "io.k8s.apimachinery.pkg.apis.meta.v1." + type,
            "runtime" => "io.k8s.apimachinery.pkg.runtime." + type,
            _ => $"io.k8s.api.{pkg.Replace('/', '.')}.{type}",
        };
    }

    private const string IntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    private const string Quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private const string Time = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    private const string MicroTime = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
    private const string RawExtension = "io.k8s.apimachinery.pkg.runtime.RawExtension";

    private static bool V3(string refPrefix) => refPrefix.Contains("components", StringComparison.Ordinal);

    /// <summary>The schemas of the kinds (and their lists) and everything they reference, by name; refs start with <paramref name="refPrefix"/>.</summary>
    public static SortedDictionary<string, JsonObject> For(IEnumerable<ResourceType> kinds, string refPrefix)
    {
        var result = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal)
        {
            // OpenAPI v3 gives IntOrString and Quantity as a oneOf without a type (kubectl explain then names them); v2 as strings.
            [IntOrString] = V3(refPrefix)
                ? new() { ["description"] = "IntOrString is a type that can hold an int32 or a string.", ["format"] = "int-or-string", ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }) }
                : new() { ["description"] = "IntOrString is a type that can hold an int32 or a string.", ["type"] = "string", ["format"] = "int-or-string" },
            [Quantity] = V3(refPrefix)
                ? new() { ["description"] = "Quantity is a fixed-point representation of a number (\"100m\", \"1Gi\").", ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" }) }
                : new() { ["description"] = "Quantity is a fixed-point representation of a number (\"100m\", \"1Gi\").", ["type"] = "string" },
            [Time] = new() { ["description"] = "Time is a timestamp in RFC 3339 form, in seconds.", ["type"] = "string", ["format"] = "date-time" },
            [MicroTime] = new() { ["description"] = "MicroTime is a timestamp in RFC 3339 form with microseconds.", ["type"] = "string", ["format"] = "date-time" },
            [RawExtension] = new() { ["description"] = "RawExtension holds an embedded object.", ["type"] = "object" },
        };
        foreach (var k in kinds.Where(k => !k.IsCustom))
        {
            foreach (var kind in new[] { k.Kind, k.Kind + "List" })
            {
                if (ProtoSchema.ForKind(k.GroupVersion, kind) is not { } m) continue;
                Add(m, refPrefix, result);
                var schema = result[NameOf(m.Name)];
                // Type meta is not part of the protobuf message (runtime.Unknown carries it) but is of the JSON object.
                var properties = schema["properties"] as JsonObject ?? [];
                schema["properties"] = properties;
                properties["apiVersion"] = TypeMetaField("apiVersion");
                properties["kind"] = TypeMetaField("kind");
                schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = k.Group, ["kind"] = kind, ["version"] = k.Version });
            }
        }
        return result;
    }

    private static JsonObject TypeMetaField(string name)
    {
        var field = new JsonObject { ["type"] = "string" };
        if (Docs.Value.GetValueOrDefault($"P:k8s.Models.V1Pod.{char.ToUpperInvariant(name[0])}{name[1..]}") is { } doc) field.Insert(0, "description", doc);
        return field;
    }

    private static void Add(ProtoMessage m, string refPrefix, SortedDictionary<string, JsonObject> acc)
    {
        var name = NameOf(m.Name);
        if (acc.ContainsKey(name)) return;
        var schema = new JsonObject { ["type"] = "object" };
        acc[name] = schema;
        var (type, props) = Model(m);
        if (type is not null && Docs.Value.GetValueOrDefault("T:" + type.FullName) is { } doc) schema["description"] = doc;
        var properties = new JsonObject();
        var required = new JsonArray();
        Fill(m, type, props, refPrefix, acc, properties, required);
        if (properties.Count > 0) schema["properties"] = properties;
        if (required.Count > 0) schema["required"] = required;
    }

    private static void Fill(ProtoMessage m, Type? type, Dictionary<string, PropertyInfo> props, string refPrefix, SortedDictionary<string, JsonObject> acc, JsonObject properties, JsonArray required)
    {
        foreach (var f in m.Fields.OrderBy(f => f.Json, StringComparer.Ordinal))
        {
            if (f.Inline)
            {
                // An embedded struct without a JSON name: its fields are this object's (the KubernetesClient model flattens them too).
                Fill(ProtoSchema.Message(f.Type[2..]), type, props, refPrefix, acc, properties, required);
                continue;
            }
            var field = Field(f.Type, refPrefix, acc);
            if (props.TryGetValue(f.Json, out var p) && Docs.Value.GetValueOrDefault($"P:{p.DeclaringType!.FullName}.{p.Name}") is { } doc)
            {
                if (field.ContainsKey("allOf")) field["description"] = doc;
                else field.Insert(0, "description", doc);
            }
            if (f.ListType is not null) field["x-kubernetes-list-type"] = f.ListType;
            if (f.ListKeys.Length > 0) field["x-kubernetes-list-map-keys"] = new JsonArray(f.ListKeys.Select(k => (JsonNode?)k).ToArray());
            if (f.MergeKey is not null) field["x-kubernetes-patch-merge-key"] = f.MergeKey;
            if (f.PatchStrategy is not null) field["x-kubernetes-patch-strategy"] = f.PatchStrategy;
            if (f.Default is not null) field["default"] = JsonNode.Parse(f.Default);
            properties[f.Json] = field;
            if (f.Required) required.Add(f.Json);
        }
    }

    private static JsonObject Ref(string name, string refPrefix) => new() { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = refPrefix + name }) };

    private static JsonObject Field(string type, string refPrefix, SortedDictionary<string, JsonObject> acc)
    {
        if (type.StartsWith("[]", StringComparison.Ordinal))
            return new JsonObject { ["type"] = "array", ["items"] = Unwrapped(Field(type[2..], refPrefix, acc)) };
        if (type.StartsWith("map:", StringComparison.Ordinal))
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Unwrapped(Field(type.Split(':', 3)[2], refPrefix, acc)) };
        switch (type)
        {
            case "s": return new JsonObject { ["type"] = "string" };
            case "i": return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
            case "l": return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
            case "b": return new JsonObject { ["type"] = "boolean" };
            case "d": return new JsonObject { ["type"] = "number", ["format"] = "double" };
            case "y": return new JsonObject { ["type"] = "string", ["format"] = "byte" };
            case "sa": return new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } };
            case "t": return Ref(Time, refPrefix);
            case "mt": return Ref(MicroTime, refPrefix);
            case "ios": return Ref(IntOrString, refPrefix);
            case "q": return Ref(Quantity, refPrefix);
            case "raw": return Ref(RawExtension, refPrefix);
            default:
                var m = ProtoSchema.Message(type[2..]);
                Add(m, refPrefix, acc);
                return Ref(NameOf(m.Name), refPrefix);
        }
    }

    /// <summary>Array items and map values carry a plain $ref, as in the published spec.</summary>
    private static JsonObject Unwrapped(JsonObject schema) =>
        schema["allOf"] is JsonArray { Count: 1 } all ? (JsonObject)all[0]!.DeepClone() : schema;

    /// <summary>The KubernetesClient model of a message ("rbac/v1.Subject" → Rbacv1Subject, "core/v1.Pod" → V1Pod) and its properties by JSON name.</summary>
    private static (Type?, Dictionary<string, PropertyInfo>) Model(ProtoMessage m)
    {
        var dot = m.Name.IndexOf('.');
        var pkg = m.Name[..dot].Split('/');
        var version = pkg.Length > 1 ? pkg[1] : "";
        var assembly = typeof(k8s.Models.V1Pod).Assembly;
        var type = assembly.GetType($"k8s.Models.{char.ToUpperInvariant(pkg[0][0])}{pkg[0][1..]}{version}{m.ShortName}")
            ?? (version.Length > 0 ? assembly.GetType($"k8s.Models.{char.ToUpperInvariant(version[0])}{version[1..]}{m.ShortName}") : null);
        var props = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (var p in type?.GetProperties() ?? [])
            if (p.GetCustomAttribute<JsonPropertyNameAttribute>() is { } a) props[a.Name] = p;
        return (type, props);
    }

    /// <summary>Summaries from KubernetesClient.xml beside the assembly (empty when the build did not copy it).</summary>
    private static Dictionary<string, string> LoadDocs()
    {
        var path = Path.ChangeExtension(typeof(k8s.Models.V1Pod).Assembly.Location, ".xml");
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return docs;
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            var name = member.Attribute("name")?.Value;
            if (name is null || !name.Contains(":k8s.Models.", StringComparison.Ordinal)) continue;
            var summary = member.Element("summary")?.Value;
            if (string.IsNullOrWhiteSpace(summary)) continue;
            var text = string.Join(' ', summary.Split((char[])['\n', '\r', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
            // The package appends a note about its own partial classes to some summaries; it is not the API's text.
            var note = text.IndexOf(" Partial implementation of the IMetadata", StringComparison.Ordinal);
            docs[name] = note > 0 ? text[..note] : text;
        }
        return docs;
    }
}
