using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Wire;

/// <summary>
/// Kubernetes protobuf bodies (application/vnd.kubernetes.protobuf): the 4-byte "k8s\0" prefix, then a
/// runtime.Unknown (1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType) whose raw is the
/// object's message. Objects map to and from the JSON the store keeps through the field table.
/// </summary>
internal static class Protobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = [(byte)'k', (byte)'8', (byte)'s', 0];

    /// <summary>Whether the fake can write <paramref name="obj"/> as protobuf (built-in kinds only).</summary>
    public static bool CanEncode(JsonObject obj) =>
        obj["apiVersion"]?.GetValue<string>() is { } av && obj["kind"]?.GetValue<string>() is { } k && ProtoSchema.ForKind(av, k) is not null;

    /// <summary>A request body for the endpoint of <paramref name="t"/>, as the JSON object a JSON client would have sent.</summary>
    public static JsonObject DecodeRequest(byte[] body, string expectedKind, string expectedApiVersion)
    {
        if (body.Length == 0) throw Unrecognized(expectedKind, "empty data", body);
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Unrecognized(expectedKind, "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]", body);
        if (body.Length == Magic.Length) throw Unrecognized(expectedKind, "empty body", body);
        string apiVersion = "", kind = "";
        byte[] raw = [];
        try
        {
            var r = new ProtoReader(body, Magic.Length, body.Length);
            while (!r.AtEnd)
            {
                var (n, w) = r.Tag("Unknown");
                switch (n)
                {
                    case 1 when w == 2:
                        var tm = r.Nested();
                        while (!tm.AtEnd)
                        {
                            var (tn, tw) = tm.Tag("TypeMeta");
                            if (tn == 1 && tw == 2) apiVersion = tm.String();
                            else if (tn == 2 && tw == 2) kind = tm.String();
                            else tm.Skip(tw);
                        }
                        break;
                    case 2 when w == 2:
                        raw = r.Bytes();
                        break;
                    case 1 or 2 or 3 or 4 when w != 2:
                        throw new ProtoFormatException($"proto: wrong wireType = {w} for field {n switch { 1 => "TypeMeta", 2 => "Raw", 3 => "ContentEncoding", _ => "ContentType" }}");
                    default:
                        r.Skip(w);
                        break;
                }
            }
        }
        catch (ProtoFormatException e)
        {
            throw Unrecognized(expectedKind, e.Message, body);
        }
        // Missing type information is taken from the endpoint, as the server's decoder defaults it.
        if (kind.Length == 0) kind = expectedKind;
        if (apiVersion.Length == 0) apiVersion = expectedApiVersion;
        var version = apiVersion[(apiVersion.IndexOf('/') + 1)..];
        var message = ProtoSchema.ForKind(apiVersion, kind)
            ?? throw ApiError.BadRequest($"{kind} in version \"{version}\" cannot be handled as a {expectedKind}: no kind \"{kind}\" is registered for version \"{apiVersion}\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"");
        try
        {
            var decoded = DecodeMessage(message, new ProtoReader(raw));
            var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
            foreach (var p in decoded.ToList())
            {
                decoded.Remove(p.Key);
                obj[p.Key] = p.Value;
            }
            return obj;
        }
        catch (ProtoFormatException e)
        {
            throw ApiError.BadRequest($"{kind} in version \"{version}\" cannot be handled as a {expectedKind}: {e.Message}");
        }
    }

    private static ApiError Unrecognized(string kind, string error, byte[] body)
    {
        var summary = body.Length == 0 ? "<empty>"
            : body[0] == '{' ? (body.Length > 30 ? Encoding.UTF8.GetString(body, 0, 30) + " ..." : Encoding.UTF8.GetString(body))
            : body.Length > 30 ? Convert.ToHexStringLower(body.AsSpan(0, 30)) + " ..." : Convert.ToHexStringLower(body);
        return ApiError.BadRequest($"the object provided is unrecognized (must be of type {kind}): {error} ({summary})");
    }

    /// <summary>An object (with apiVersion and kind) as a protobuf body with the envelope.</summary>
    public static byte[] Encode(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]!.GetValue<string>();
        var kind = obj["kind"]!.GetValue<string>();
        var message = ProtoSchema.ForKind(apiVersion, kind) ?? throw new InvalidOperationException($"{apiVersion} {kind} has no protobuf message");
        var typeMeta = new ProtoWriter();
        typeMeta.StringField(1, apiVersion);
        typeMeta.StringField(2, kind);
        var unknown = new ProtoWriter();
        unknown.BytesField(1, typeMeta.ToArray());
        unknown.BytesField(2, EncodeMessage(message, obj));
        unknown.StringField(3, "");
        unknown.StringField(4, "");
        return [.. Magic, .. unknown.ToArray()];
    }

    /// <summary>A WatchEvent message (no envelope: watch frames carry the bare message).</summary>
    public static byte[] EncodeWatchEvent(string type, JsonObject obj)
    {
        var raw = new ProtoWriter();
        raw.BytesField(1, Encode(obj));
        var ev = new ProtoWriter();
        ev.StringField(1, type);
        ev.BytesField(2, raw.ToArray());
        return ev.ToArray();
    }

    // ------------------------------------------------------------------ decode

    private static JsonObject DecodeMessage(ProtoMessage m, ProtoReader r)
    {
        var o = new JsonObject();
        DecodeInto(m, r, o);
        return o;
    }

    private static void DecodeInto(ProtoMessage m, ProtoReader r, JsonObject o)
    {
        while (!r.AtEnd)
        {
            var (number, wire) = r.Tag(m.ShortName);
            if (!m.ByNumber.TryGetValue(number, out var f))
            {
                r.Skip(wire);
                continue;
            }
            if (f.Type.StartsWith("map:", StringComparison.Ordinal))
            {
                Expect(wire, 2, f);
                var parts = f.Type.Split(':', 3);
                var entry = r.Nested();
                string key = "";
                JsonNode? value = null;
                while (!entry.AtEnd)
                {
                    var (en, ew) = entry.Tag(m.ShortName);
                    if (en == 1) { Expect(ew, 2, f); key = entry.String(); }
                    else if (en == 2) { Expect(ew, WireOf(parts[2]), f); value = Value(parts[2], entry, f); }
                    else entry.Skip(ew);
                }
                var map = o[f.Json] as JsonObject ?? new JsonObject();
                o[f.Json] = map;
                map[key] = value ?? ZeroOf(parts[2]);
                continue;
            }
            var repeated = f.Type.StartsWith("[]", StringComparison.Ordinal);
            var type = repeated ? f.Type[2..] : f.Type;
            if (repeated)
            {
                var list = o[f.Json] as JsonArray ?? new JsonArray();
                o[f.Json] = list;
                if (wire == 2 && WireOf(type) == 0)
                {
                    // A packed list of varints.
                    var packed = r.Nested();
                    while (!packed.AtEnd) list.Add(Scalar(type, packed.Varint()));
                    continue;
                }
                Expect(wire, WireOf(type), f);
                list.Add(Value(type, r, f));
                continue;
            }
            Expect(wire, WireOf(type), f);
            if (f.Inline)
            {
                DecodeInto(ProtoSchema.Message(type[2..]), r.Nested(), o);
                continue;
            }
            var v = Value(type, r, f);
            if (v is not null && (f.KeepZero || !IsZero(v))) o[f.Json] = v;
            else o.Remove(f.Json);
        }
    }

    private static void Expect(int wire, int expected, ProtoField f)
    {
        if (wire != expected) throw new ProtoFormatException($"proto: wrong wireType = {wire} for field {f.GoName}");
    }

    private static int WireOf(string type) => type switch
    {
        "i" or "l" or "b" => 0,
        "d" => 1,
        _ => 2,
    };

    private static JsonNode Scalar(string type, ulong v) => type switch
    {
        "i" => JsonValue.Create((int)v),
        "l" => JsonValue.Create((long)v),
        _ => JsonValue.Create(v != 0),
    };

    private static JsonNode? ZeroOf(string type) => type switch
    {
        "s" or "y" or "q" => "",
        "i" or "l" => 0,
        "b" => false,
        _ => null,
    };

    private static bool IsZero(JsonNode v) => v is JsonValue jv && jv.GetValueKind() switch
    {
        JsonValueKind.String => jv.GetValue<string>().Length == 0,
        JsonValueKind.Number => jv.ToJsonString() == "0",
        JsonValueKind.False => true,
        _ => false,
    };

    private static JsonNode? Value(string type, ProtoReader r, ProtoField f)
    {
        switch (type)
        {
            case "s": return r.String();
            case "i" or "l" or "b": return Scalar(type, r.Varint());
            case "d": return JsonValue.Create(BitConverter.UInt64BitsToDouble(r.Fixed64()));
            case "y": return Convert.ToBase64String(r.Bytes());
            case "t" or "mt":
            {
                var n = r.Nested();
                long seconds = 0, nanos = 0;
                while (!n.AtEnd)
                {
                    var (tn, tw) = n.Tag("Timestamp");
                    if (tn == 1) seconds = (long)n.Varint(); else if (tn == 2) nanos = (long)n.Varint(); else n.Skip(tw);
                }
                if (seconds == 0 && nanos == 0) return null;
                var at = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.AddTicks(nanos / 100);
                return at.ToString(type == "t" ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            }
            case "ios":
            {
                var n = r.Nested();
                long kind = 0, intVal = 0;
                var strVal = "";
                while (!n.AtEnd)
                {
                    var (tn, tw) = n.Tag("IntOrString");
                    if (tn == 1) kind = (long)n.Varint(); else if (tn == 2) intVal = (int)n.Varint(); else if (tn == 3) strVal = n.String(); else n.Skip(tw);
                }
                return kind == 1 ? strVal : JsonValue.Create(intVal);
            }
            case "q" or "sa" or "raw":
            {
                var n = r.Nested();
                var items = new JsonArray();
                JsonNode? single = type == "q" ? "" : null;
                while (!n.AtEnd)
                {
                    var (tn, tw) = n.Tag(type);
                    if (tn != 1) { n.Skip(tw); continue; }
                    switch (type)
                    {
                        case "q": single = n.String(); break;
                        case "sa": items.Add(n.String()); break;
                        default:
                            var bytes = n.Bytes();
                            single = bytes.Length == 0 ? null : ParseRaw(bytes);
                            break;
                    }
                }
                return type == "sa" ? items : single;
            }
            default:
                return DecodeMessage(ProtoSchema.Message(type[2..]), r.Nested());
        }
    }

    /// <summary>An embedded object (RawExtension): JSON, or a nested protobuf object with its own envelope.</summary>
    private static JsonNode? ParseRaw(byte[] bytes)
    {
        if (bytes.Length > Magic.Length && bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return DecodeRequest(bytes, "", "");
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new ProtoFormatException($"error decoding an embedded object: {e.Message}");
        }
    }

    // ------------------------------------------------------------------ encode

    private static byte[] EncodeMessage(ProtoMessage m, JsonObject o)
    {
        var w = new ProtoWriter();
        foreach (var f in m.Fields)
        {
            if (f.Inline)
            {
                w.BytesField(f.Number, EncodeMessage(ProtoSchema.Message(f.Type[2..]), o));
                continue;
            }
            if (!o.TryGetPropertyValue(f.Json, out var v) || v is null) continue;
            if (f.Type.StartsWith("map:", StringComparison.Ordinal))
            {
                var valueType = f.Type.Split(':', 3)[2];
                if (v is not JsonObject map) continue;
                foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var entry = new ProtoWriter();
                    entry.StringField(1, key);
                    if (value is not null) Write(entry, 2, valueType, value);
                    w.BytesField(f.Number, entry.ToArray());
                }
            }
            else if (f.Type.StartsWith("[]", StringComparison.Ordinal))
            {
                if (v is not JsonArray list) continue;
                foreach (var item in list)
                    if (item is not null) Write(w, f.Number, f.Type[2..], item);
            }
            else Write(w, f.Number, f.Type, v);
        }
        return w.ToArray();
    }

    private static string Text(JsonNode v) => v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>() : v.ToJsonString();

    private static void Write(ProtoWriter w, int number, string type, JsonNode v)
    {
        switch (type)
        {
            case "s": w.StringField(number, Text(v)); break;
            case "i" or "l": w.VarintField(number, (ulong)v.GetValue<long>()); break;
            case "b": w.VarintField(number, v.GetValue<bool>() ? 1UL : 0UL); break;
            case "d": w.Fixed64Field(number, BitConverter.DoubleToUInt64Bits(v.GetValue<double>())); break;
            case "y": w.BytesField(number, Convert.FromBase64String(Text(v))); break;
            case "t" or "mt":
            {
                var at = DateTimeOffset.Parse(Text(v), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                var ts = new ProtoWriter();
                ts.VarintField(1, (ulong)at.ToUnixTimeSeconds());
                var nanos = at.UtcTicks % TimeSpan.TicksPerSecond * 100;
                if (nanos != 0) ts.VarintField(2, (ulong)nanos);
                w.BytesField(number, ts.ToArray());
                break;
            }
            case "ios":
            {
                var ios = new ProtoWriter();
                if (v is JsonValue jv && jv.GetValueKind() == JsonValueKind.Number)
                {
                    ios.VarintField(1, 0);
                    ios.VarintField(2, (ulong)jv.GetValue<long>());
                }
                else
                {
                    ios.VarintField(1, 1);
                    ios.StringField(3, Text(v));
                }
                w.BytesField(number, ios.ToArray());
                break;
            }
            case "q":
            {
                var q = new ProtoWriter();
                q.StringField(1, Text(v));
                w.BytesField(number, q.ToArray());
                break;
            }
            case "sa":
            {
                var sa = new ProtoWriter();
                foreach (var s in v as JsonArray ?? []) if (s is not null) sa.StringField(1, Text(s));
                w.BytesField(number, sa.ToArray());
                break;
            }
            case "raw":
            {
                var raw = new ProtoWriter();
                raw.BytesField(1, Encoding.UTF8.GetBytes(v.ToJsonString()));
                w.BytesField(number, raw.ToArray());
                break;
            }
            default:
                if (v is JsonObject child) w.BytesField(number, EncodeMessage(ProtoSchema.Message(type[2..]), child));
                break;
        }
    }
}
