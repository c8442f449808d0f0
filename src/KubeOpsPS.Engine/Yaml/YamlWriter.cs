using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>
/// Writes JSON trees as block-style YAML the way people write manifests: apiVersion, kind and metadata first,
/// 'name' first in every mapping, strings quoted only where a plain scalar would read back as something else,
/// multi-line strings as literal blocks, nulls left out. Empty lists are kept in manifests (under server-side apply
/// <c>secrets: []</c> says the applier owns the field and wants it empty) and left out of tools' config files.
/// </summary>
public static partial class YamlWriter
{
    private static readonly string[] TopOrder = ["apiVersion", "kind", "metadata", "spec"];

    internal static IEnumerable<KeyValuePair<string, JsonNode?>> Ordered(JsonObject obj, bool top)
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

    /// <summary>Writes a mapping; <paramref name="manifest"/> keeps empty lists, otherwise (a config file) they are left out.</summary>
    internal static void WriteMapping(IEmitter e, JsonObject obj, bool manifest, bool top = false)
    {
        e.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
        foreach (var (key, value) in Ordered(obj, top))
        {
            if (value is null || (!manifest && value is JsonArray { Count: 0 })) continue;
            e.Emit(StringScalar(key));
            WriteNode(e, value, manifest);
        }
        e.Emit(new MappingEnd());
    }

    private static void WriteNode(IEmitter e, JsonNode node, bool manifest)
    {
        switch (node)
        {
            case JsonObject o:
                WriteMapping(e, o, manifest);
                break;
            case JsonArray a:
                e.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
                foreach (var item in a)
                {
                    if (item is null) e.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                    else WriteNode(e, item, manifest);
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

    /// <summary>
    /// A string scalar: literal block for multi-line text that a literal block can hold exactly, double-quoted for
    /// other multi-line text (CR, trailing blanks, control characters), quoted when plain would change its type.
    /// Never folded: folding rules differ between YAML libraries, and a folded line could look like a '---' marker.
    /// </summary>
    internal static Scalar StringScalar(string s)
    {
        ScalarStyle style;
        if (s.Contains('\n')) style = HasTrailingSpaceOnLine(s) ? ScalarStyle.DoubleQuoted : ScalarStyle.Literal;
        else if (HasControl(s)) style = ScalarStyle.DoubleQuoted;
        else if (NeedsQuotes(s)) style = ScalarStyle.SingleQuoted;
        else style = ScalarStyle.Any;
        return new Scalar(AnchorName.Empty, TagName.Empty, s, style, true, true);
    }

    private static bool HasTrailingSpaceOnLine(string s)
    {
        foreach (var line in s.Split('\n'))
            if (line.EndsWith(' ') || line.EndsWith('\t') || line.EndsWith('\r')) return true;
        return s.StartsWith(' ') || s.StartsWith('\n') || s.Any(c => char.IsControl(c) && c != '\n');
    }

    // C0 and C1 control characters and DEL. A SearchValues lookup: the generic ContainsAnyInRange boxes its bounds
    // until the JIT optimises it, which in a short-lived process was about a quarter of a round trip's string and char allocations.
    private static readonly SearchValues<char> Controls = SearchValues.Create(ControlCharacters());

    private static char[] ControlCharacters()
    {
        var chars = new char[0x20 + 0x21];
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)(i < 0x20 ? i : 0x7f + i - 0x20);
        return chars;
    }

    private static bool HasControl(string s) => s.AsSpan().ContainsAny(Controls);

    // Also quote YAML 1.1's other booleans, so older readers (yaml.v2, PyYAML) do not turn them into true/false.
    private static readonly HashSet<string> Yaml11Booleans = new(StringComparer.OrdinalIgnoreCase) { "yes", "no", "on", "off", "y", "n" };

    // YAML 1.1's implicit int, float and timestamp forms (as PyYAML and yaml.v2, which kubectl uses, resolve them):
    // 1_000, 0b101, 0_755, 12:30 (base 60), .5, 2024-01-31. Our reader (YAML 1.2) keeps these as strings,
    // but a string must read back as a string everywhere.
    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+" +
                    @"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*" +
                    @"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$")]
    private static partial Regex Yaml11NonString();

    internal static bool NeedsQuotes(string s)
    {
        if (YamlReader.Resolve(s) != YamlReader.ScalarKind.String || Yaml11Booleans.Contains(s) || s is "=" or "<<") return true;
        // Only strings that start like a number can match the YAML 1.1 forms; skip the regex for the rest.
        return s.Length > 0 && (char.IsAsciiDigit(s[0]) || s[0] is '-' or '+' or '.') && Yaml11NonString().IsMatch(s);
    }
}
