using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FakeApiServer.Wire;

/// <summary>application/yaml bodies: YAML to the JSON the store keeps and back (plain scalars resolved as YAML's core schema does).</summary>
internal static partial class Yaml
{
    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)$")]
    private static partial Regex Int();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    public static JsonNode Read(byte[] bytes)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(Encoding.UTF8.GetString(bytes)));
        }
        catch (YamlException e)
        {
            throw ApiError.BadRequest($"error decoding the request body: yaml: {e.Message}");
        }
        if (stream.Documents.Count == 0) throw ApiError.BadRequest("the request body is empty");
        return ToJson(stream.Documents[0].RootNode) ?? throw ApiError.BadRequest("the request body is empty");
    }

    private static JsonNode? ToJson(YamlNode n) => n switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode sc => Scalar(sc),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return v;
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return true;
        if (v is "false" or "False" or "FALSE") return false;
        if (Int().IsMatch(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (Float().IsMatch(v)) return double.Parse(v, CultureInfo.InvariantCulture);
        return v;
    }

    public static string Write(JsonNode body)
    {
        var doc = new YamlDocument(ToYaml(body));
        var sb = new StringBuilder();
        using (var w = new StringWriter(sb, CultureInfo.InvariantCulture)) new YamlStream(doc).Save(w, assignAnchors: false);
        var text = sb.ToString();
        // YamlStream ends each document with "...": a single document needs no end marker.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode ToYaml(JsonNode? n)
    {
        switch (n)
        {
            case JsonObject o:
                var m = new YamlMappingNode();
                foreach (var (k, v) in o) m.Add(new YamlScalarNode(k), ToYaml(v));
                return m;
            case JsonArray a:
                return new YamlSequenceNode(a.Select(ToYaml));
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>();
                var plain = s.Length > 0 && Scalar(new YamlScalarNode(s)) is JsonValue same && same.GetValueKind() == JsonValueKind.String;
                return new YamlScalarNode(s) { Style = plain ? ScalarStyle.Any : ScalarStyle.DoubleQuoted };
            case null:
                return new YamlScalarNode("null");
            default:
                return new YamlScalarNode(n.ToJsonString());
        }
    }
}
