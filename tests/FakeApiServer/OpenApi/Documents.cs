using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Wire;

namespace FakeApiServer.OpenApi;

/// <summary>
/// /openapi/v3/{group-version} with components.schemas (kubectl explain) and /openapi/v2, which kubectl asks for in
/// the gnostic protobuf form (client-side validation, e.g. of kind: List files), JSON otherwise.
/// </summary>
internal static class Documents
{
    private const string V2Protobuf = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    /// <summary>The answer's Content-Type: the asked-for type with "@" made a dot, which Go's mime parser accepts.</summary>
    private const string V2ProtobufAnswer = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    private static readonly Lazy<JsonObject> V2Document = new(() => new JsonObject
    {
        ["swagger"] = "2.0",
        ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.4" },
        ["paths"] = new JsonObject(),
        ["definitions"] = ToObject(Schemas.For(ResourceTypes.All, "#/definitions/"), v2: true),
    });
    private static readonly Lazy<byte[]> V2Bytes = new(() => EncodeDocument(V2Document.Value));

    private static readonly ConcurrentDictionary<string, Lazy<JsonObject>> V3Documents = new(StringComparer.Ordinal);

    /// <summary>The v3 document of one group-version: its paths (as ResourceTypes lists them) and the schemas.</summary>
    public static JsonObject V3(string groupVersion) => V3Documents.GetOrAdd(groupVersion, gv => new Lazy<JsonObject>(() =>
    {
        var doc = ResourceTypes.OpenApiGroup(gv);
        doc["components"] = new JsonObject { ["schemas"] = ToObject(Schemas.For(ResourceTypes.All.Where(r => r.GroupVersion == gv), "#/components/schemas/"), v2: false) };
        return doc;
    })).Value;

    /// <summary>The v3 index with each document's content hash, so that clients' caches follow what is served.</summary>
    public static JsonObject Root()
    {
        var root = ResourceTypes.OpenApiRoot();
        foreach (var (path, entry) in (JsonObject)root["paths"]!)
        {
            var gv = path == "api/v1" ? "v1" : path["apis/".Length..];
            var hash = Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(V3(gv).ToJsonString())));
            entry!["serverRelativeURL"] = $"/openapi/v3/{path}?hash={hash}";
        }
        return root;
    }

    public static async Task WriteV2(HttpContext ctx)
    {
        ctx.Response.StatusCode = 200;
        if (ctx.Request.Headers.Accept.ToString().Contains(V2Protobuf, StringComparison.Ordinal))
        {
            ctx.Response.ContentType = V2ProtobufAnswer;
            await ctx.Response.Body.WriteAsync(V2Bytes.Value).ConfigureAwait(false);
            return;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(V2Document.Value.ToJsonString()).ConfigureAwait(false);
    }

    private static JsonObject ToObject(SortedDictionary<string, JsonObject> schemas, bool v2)
    {
        var o = new JsonObject();
        foreach (var (name, schema) in schemas) o[name] = v2 ? V2Form(schema) : schema.DeepClone();
        return o;
    }

    /// <summary>Swagger 2.0 puts $ref beside the description instead of in allOf.</summary>
    private static JsonNode V2Form(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                {
                    if (k == "allOf" && v is JsonArray { Count: 1 } all && all[0]?["$ref"] is { } r) copy["$ref"] = r.DeepClone();
                    else copy[k] = v is null ? null : V2Form(v);
                }
                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(x => x is null ? null : V2Form(x)).ToArray());
            default:
                return node.DeepClone();
        }
    }

    // ------------------------------------------------------------------ gnostic OpenAPI v2 protobuf

    /// <summary>openapi_v2.Document: 1 swagger, 2 info {1 title, 2 version}, 9 definitions {1 repeated NamedSchema {1 name, 2 value}}.</summary>
    private static byte[] EncodeDocument(JsonObject doc)
    {
        var w = new ProtoWriter();
        w.StringField(1, doc["swagger"]!.GetValue<string>());
        var info = new ProtoWriter();
        info.StringField(1, doc["info"]!["title"]!.GetValue<string>());
        info.StringField(2, doc["info"]!["version"]!.GetValue<string>());
        w.BytesField(2, info.ToArray());
        var definitions = new ProtoWriter();
        foreach (var (name, schema) in (JsonObject)doc["definitions"]!) definitions.BytesField(1, Named(name, EncodeSchema((JsonObject)schema!)));
        w.BytesField(9, definitions.ToArray());
        return w.ToArray();
    }

    private static byte[] Named(string name, byte[] value)
    {
        var w = new ProtoWriter();
        w.StringField(1, name);
        w.BytesField(2, value);
        return w.ToArray();
    }

    /// <summary>
    /// openapi_v2.Schema: 1 $ref, 2 format, 4 description, 19 required, 21 additionalProperties {1 schema},
    /// 22 type {1 value}, 23 items {1 schema}, 24 allOf, 25 properties {1 NamedSchema}, 31 vendor extensions
    /// (NamedAny {1 name, 2 Any {2 yaml}}).
    /// </summary>
    private static byte[] EncodeSchema(JsonObject s)
    {
        var w = new ProtoWriter();
        if (s["$ref"] is { } r) w.StringField(1, r.GetValue<string>());
        if (s["format"] is { } f) w.StringField(2, f.GetValue<string>());
        if (s["description"] is { } d) w.StringField(4, d.GetValue<string>());
        foreach (var req in s["required"] as JsonArray ?? []) w.StringField(19, req!.GetValue<string>());
        if (s["additionalProperties"] is JsonObject ap)
        {
            var item = new ProtoWriter();
            item.BytesField(1, EncodeSchema(ap));
            w.BytesField(21, item.ToArray());
        }
        if (s["type"] is { } t)
        {
            var type = new ProtoWriter();
            type.StringField(1, t.GetValue<string>());
            w.BytesField(22, type.ToArray());
        }
        if (s["items"] is JsonObject items)
        {
            var item = new ProtoWriter();
            item.BytesField(1, EncodeSchema(items));
            w.BytesField(23, item.ToArray());
        }
        foreach (var a in s["allOf"] as JsonArray ?? []) w.BytesField(24, EncodeSchema((JsonObject)a!));
        if (s["properties"] is JsonObject props)
        {
            var p = new ProtoWriter();
            foreach (var (name, value) in props) p.BytesField(1, Named(name, EncodeSchema((JsonObject)value!)));
            w.BytesField(25, p.ToArray());
        }
        foreach (var (k, v) in s.Where(p => p.Key.StartsWith("x-", StringComparison.Ordinal)))
        {
            var any = new ProtoWriter();
            any.StringField(2, v?.ToJsonString() ?? "null");
            var named = new ProtoWriter();
            named.StringField(1, k);
            named.BytesField(2, any.ToArray());
            w.BytesField(31, named.ToArray());
        }
        return w.ToArray();
    }
}
