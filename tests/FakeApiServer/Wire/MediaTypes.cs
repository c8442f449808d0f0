using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Wire;

/// <summary>How a response is written: its encoding and whether the object is converted first.</summary>
internal enum WireEncoding { Json, Yaml, Protobuf }

/// <summary>What the client's Accept header asked for (the first acceptable clause, by quality).</summary>
internal sealed record Outcome(WireEncoding Encoding, string? As)
{
    public bool Table => As == "Table";
    public bool PartialMetadata => As is "PartialObjectMetadata" or "PartialObjectMetadataList";
}

/// <summary>
/// Content negotiation for resource requests as the API server does it: request bodies in JSON, YAML or protobuf
/// (415 otherwise), responses by the Accept header (406 when no clause is acceptable), conversions to
/// meta.k8s.io Table and PartialObjectMetadata.
/// </summary>
internal static class MediaTypes
{
    private const string OutcomeKey = "wire.outcome";

    private static string[] Supported(ResourceType t) => t.IsCustom
        ? ["application/json", "application/yaml"]
        : ["application/json", "application/yaml", Protobuf.MediaType];

    /// <summary>Negotiates the response for a resource request (throws the 406) and remembers it for <see cref="Write"/>.</summary>
    public static Outcome Negotiate(HttpContext ctx, ResourceType t)
    {
        var outcome = Choose(ctx.Request.Headers.Accept.ToString(), t, ctx.Request.Method == "GET")
            ?? throw new ApiError(406, "NotAcceptable", "only the following media types are accepted: " + string.Join(", ", Supported(t)));
        ctx.Items[OutcomeKey] = outcome;
        return outcome;
    }

    /// <summary>What <see cref="Negotiate"/> chose for this request, if it ran.</summary>
    public static Outcome? OutcomeOf(HttpContext ctx) => ctx.Items[OutcomeKey] as Outcome;

    private static Outcome? Choose(string accept, ResourceType t, bool isGet)
    {
        if (string.IsNullOrWhiteSpace(accept)) return new Outcome(WireEncoding.Json, null);
        var clauses = accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((c, i) => (Clause: Parse(c), Index: i))
            .OrderByDescending(c => c.Clause.Q).ThenBy(c => c.Index);
        foreach (var (c, _) in clauses)
        {
            if (c.Q <= 0) continue;
            WireEncoding? enc = c.Type switch
            {
                "*/*" or "application/*" or "application/json" => WireEncoding.Json,
                "application/yaml" => WireEncoding.Yaml,
                Protobuf.MediaType when !t.IsCustom => WireEncoding.Protobuf,
                _ => null,
            };
            if (enc is null) continue;
            if (!c.Params.TryGetValue("as", out var asKind)) return new Outcome(enc.Value, null);
            // Conversions are only offered by the meta.k8s.io group, for reads.
            var g = c.Params.GetValueOrDefault("g");
            var v = c.Params.GetValueOrDefault("v");
            if (!isGet || g != "meta.k8s.io" || v is not ("v1" or "v1beta1")) continue;
            if (asKind is "Table" or "PartialObjectMetadata" or "PartialObjectMetadataList") return new Outcome(enc == WireEncoding.Protobuf ? WireEncoding.Protobuf : WireEncoding.Json, asKind);
        }
        return null;
    }

    private static (string Type, double Q, Dictionary<string, string> Params) Parse(string clause)
    {
        var parts = clause.Split(';', StringSplitOptions.TrimEntries);
        var ps = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var q = 1.0;
        foreach (var p in parts.Skip(1))
        {
            var eq = p.IndexOf('=');
            if (eq <= 0) continue;
            var key = p[..eq].Trim();
            var value = p[(eq + 1)..].Trim().Trim('"');
            if (key == "q") q = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var qv) ? qv : 0;
            else ps[key] = value;
        }
        return (parts[0].ToLowerInvariant(), q, ps);
    }

    /// <summary>Writes a response body in the negotiated encoding (JSON when nothing was negotiated, as for discovery).</summary>
    public static async Task Write(HttpContext ctx, JsonNode body, JsonSerializerOptions json)
    {
        var outcome = OutcomeOf(ctx);
        if (outcome?.Encoding == WireEncoding.Protobuf && body is JsonObject o && Protobuf.CanEncode(o))
        {
            ctx.Response.ContentType = Protobuf.MediaType;
            await ctx.Response.Body.WriteAsync(Protobuf.Encode(o)).ConfigureAwait(false);
            return;
        }
        if (outcome?.Encoding == WireEncoding.Yaml)
        {
            ctx.Response.ContentType = "application/yaml";
            await ctx.Response.WriteAsync(Yaml.Write(body)).ConfigureAwait(false);
            return;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString(json)).ConfigureAwait(false);
    }

    /// <summary>The Content-Type of a watch stream in the negotiated encoding.</summary>
    public static string WatchContentType(HttpContext ctx) =>
        OutcomeOf(ctx)?.Encoding == WireEncoding.Protobuf ? Protobuf.MediaType + ";stream=watch" : "application/json";

    /// <summary>
    /// One watch event as framed on the wire: a JSON line, or for protobuf a 4-byte big-endian length and a
    /// meta.k8s.io WatchEvent (1 type, 2 object as RawExtension holding the enveloped object).
    /// </summary>
    public static byte[] WatchEvent(HttpContext ctx, JsonObject ev, JsonSerializerOptions json)
    {
        if (OutcomeOf(ctx)?.Encoding != WireEncoding.Protobuf || ev["object"] is not JsonObject o || !Protobuf.CanEncode(o))
            return Encoding.UTF8.GetBytes(ev.ToJsonString(json) + "\n");
        var body = Protobuf.EncodeWatchEvent(ev["type"]!.GetValue<string>(), o);
        var frame = new byte[4 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>A create or update body: JSON (also when no Content-Type is sent), YAML, or protobuf for built-in kinds; 415 otherwise.</summary>
    public static async Task<JsonNode> ReadObjectAsync(HttpContext ctx, ResourceType t)
    {
        var type = (ctx.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms).ConfigureAwait(false);
        var bytes = ms.ToArray();
        return type switch
        {
            "" or "application/json" => ParseJson(bytes),
            "application/yaml" => Yaml.Read(bytes),
            Protobuf.MediaType when !t.IsCustom => Protobuf.DecodeRequest(bytes, t.Kind, t.GroupVersion),
            _ => throw new ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: " + string.Join(", ", Supported(t))),
        };
    }

    /// <summary>A DeleteOptions body: JSON, YAML or protobuf.</summary>
    public static async Task<JsonNode> ReadOptionsAsync(HttpContext ctx)
    {
        var type = (ctx.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms).ConfigureAwait(false);
        var bytes = ms.ToArray();
        return type == Protobuf.MediaType ? Protobuf.DecodeRequest(bytes, "DeleteOptions", "meta.k8s.io/v1")
            : type == "application/yaml" ? Yaml.Read(bytes) : ParseJson(bytes);
    }

    public static JsonNode ParseJson(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes) ?? throw ApiError.BadRequest("the request body is empty");
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"error decoding the request body: {e.Message.Split(". Path", 2)[0]}");
        }
    }

    public static JsonNode ParseJson(string text) => ParseJson(Encoding.UTF8.GetBytes(text));
}
