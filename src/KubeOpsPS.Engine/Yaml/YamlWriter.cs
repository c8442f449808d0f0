using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>
/// Writes JSON trees as block-style YAML the way people write manifests: apiVersion, kind and metadata first,
/// 'name' first in every mapping, strings quoted only where a plain scalar would read back as something else,
/// multi-line strings as literal blocks, nulls and empty lists left out.
/// </summary>
public static class YamlWriter
{
    private static readonly string[] TopOrder = ["apiVersion", "kind", "metadata", "spec"];

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Ordered(JsonObject obj, bool top)
    {
        if (top)
        {
            foreach (var k in TopOrder)
                if (obj.TryGetPropertyValue(k, out var v)) yield return new(k, v);
            foreach (var p in obj)
                if (Array.IndexOf(TopOrder, p.Key) < 0 && p.Key != "status") yield return p;
            if (obj.TryGetPropertyValue("status", out var st)) yield return new("status", st);
            yield break;
        }
        // 'name' leads every mapping (containers, ports, env, metadata); 'namespace' follows it in metadata.
        if (obj.TryGetPropertyValue("name", out var name)) yield return new("name", name);
        if (obj.TryGetPropertyValue("namespace", out var ns) && ns is JsonValue) yield return new("namespace", ns);
        foreach (var p in obj)
            if (p.Key != "name" && !(p.Key == "namespace" && p.Value is JsonValue)) yield return p;
    }

    private static bool Omit(JsonNode? v) => v is null || v is JsonArray { Count: 0 };

    internal static void WriteMapping(IEmitter e, JsonObject obj, bool top = false)
    {
        e.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
        foreach (var (key, value) in Ordered(obj, top))
        {
            if (Omit(value)) continue;
            e.Emit(StringScalar(key));
            WriteNode(e, value!);
        }
        e.Emit(new MappingEnd());
    }

    private static void WriteNode(IEmitter e, JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                WriteMapping(e, o);
                break;
            case JsonArray a:
                e.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
                foreach (var item in a)
                {
                    if (item is null) e.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                    else WriteNode(e, item);
                }
                e.Emit(new SequenceEnd());
                break;
            case JsonValue v:
                e.Emit(v.GetValueKind() switch
                {
                    JsonValueKind.String => StringScalar(v.GetValue<string>()),
                    JsonValueKind.True => Plain("true"),
                    JsonValueKind.False => Plain("false"),
                    JsonValueKind.Null => Plain("null"),
                    _ => Plain(v.ToJsonString()),
                });
                break;
        }
    }

    private static Scalar Plain(string text) => new(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, true, false);

    /// <summary>A string scalar: literal block for multi-line text, quoted when plain would change its type.</summary>
    internal static Scalar StringScalar(string s)
    {
        ScalarStyle style;
        if (s.Contains('\n') && !HasTrailingSpaceOnLine(s)) style = ScalarStyle.Literal;
        else if (NeedsQuotes(s)) style = s.Contains('\n') || s.Any(char.IsControl) ? ScalarStyle.DoubleQuoted : ScalarStyle.SingleQuoted;
        else style = ScalarStyle.Any;
        return new Scalar(AnchorName.Empty, TagName.Empty, s, style, true, true);
    }

    private static bool HasTrailingSpaceOnLine(string s)
    {
        foreach (var line in s.Split('\n'))
            if (line.EndsWith(' ') || line.EndsWith('\t') || line.EndsWith('\r')) return true;
        return s.StartsWith(' ') || s.Any(c => char.IsControl(c) && c != '\n');
    }

    // Also quote YAML 1.1's other booleans, so older readers (yaml.v2, PyYAML) do not turn them into true/false.
    private static readonly HashSet<string> Yaml11Booleans = new(StringComparer.OrdinalIgnoreCase) { "yes", "no", "on", "off", "y", "n" };

    internal static bool NeedsQuotes(string s) => YamlReader.Resolve(s) != YamlReader.ScalarKind.String || Yaml11Booleans.Contains(s);
}
