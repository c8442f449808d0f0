using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>
/// Writes JSON trees in KYAML, the YAML dialect kubectl prints with -o kyaml (KEP-5295; alpha in Kubernetes 1.34,
/// stable in 1.37): every document starts with '---'; mappings in flow style with braces, one entry per line,
/// indented two spaces, each entry followed by a comma; lists in brackets the same way, except that a list of
/// mappings or lists is "cuddled" (<c>[{</c> … <c>}, {</c> … <c>}]</c>); every string value double-quoted; keys bare
/// where a plain key cannot be misread and double-quoted otherwise; numbers, true, false and null as they are.
/// Multi-line strings stay on one line with \n escapes (kubectl folds them with '\' continuations; both read back
/// the same). The output is YAML 1.2 (and 1.1): any YAML reader reads it, nothing in it depends on indentation.
/// The same key order as <see cref="YamlWriter"/>, and like its manifests: nulls left out, empty lists kept.
/// </summary>
public static partial class KYamlWriter
{
    // A key written bare: letters, digits, '_' and '-', starting with a letter or '_', and not a word a YAML 1.1
    // reader would turn into a boolean or null.
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex BareKey();

    private static readonly HashSet<string> Ambiguous = new(StringComparer.OrdinalIgnoreCase) { "y", "n", "yes", "no", "on", "off", "true", "false", "null" };

    /// <summary>One document: '---', the mapping, a newline.</summary>
    public static void WriteDocument(StringBuilder sb, JsonObject root, bool top)
    {
        sb.Append("---\n");
        WriteMapping(sb, root, 0, top);
        sb.Append('\n');
    }

    private static void WriteMapping(StringBuilder sb, JsonObject obj, int indent, bool top = false)
    {
        var entries = YamlWriter.Ordered(obj, top).Where(p => p.Value is not null).ToList();
        if (entries.Count == 0) { sb.Append("{}"); return; }
        sb.Append("{\n");
        foreach (var (key, value) in entries)
        {
            Indent(sb, indent + 1);
            sb.Append(Key(key)).Append(": ");
            WriteNode(sb, value!, indent + 1);
            sb.Append(",\n");
        }
        Indent(sb, indent);
        sb.Append('}');
    }

    private static void WriteNode(StringBuilder sb, JsonNode node, int indent)
    {
        switch (node)
        {
            case JsonObject o:
                WriteMapping(sb, o, indent);
                break;
            case JsonArray a when a.Count == 0:
                sb.Append("[]");
                break;
            case JsonArray a when a.All(i => i is JsonObject or JsonArray):
                // Cuddled: "[{", the items' contents one level in, "}, {" between them, "}]".
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteNode(sb, a[i]!, indent);
                }
                sb.Append(']');
                break;
            case JsonArray a:
                sb.Append("[\n");
                foreach (var item in a)
                {
                    Indent(sb, indent + 1);
                    if (item is null) sb.Append("null");
                    else WriteNode(sb, item, indent + 1);
                    sb.Append(",\n");
                }
                Indent(sb, indent);
                sb.Append(']');
                break;
            case JsonValue v:
                sb.Append(v.GetValueKind() switch
                {
                    JsonValueKind.String => Quote(v.GetValue<string>()),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => "null",
                    _ => v.ToJsonString(),
                });
                break;
        }
    }

    private static void Indent(StringBuilder sb, int level) => sb.Append(' ', level * 2);

    private static string Key(string key) => BareKey().IsMatch(key) && !Ambiguous.Contains(key) ? key : Quote(key);

    /// <summary>A YAML double-quoted scalar: '\' and '"' escaped, line breaks and every control or non-printable character as an escape.</summary>
    internal static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            var c = rune.Value;
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case 0: sb.Append("\\0"); break;
                default:
                    // C0/C1 controls, DEL, the Unicode line and paragraph separators, the BOM: escaped, so no reader
                    // normalises or drops them.
                    if (c < 0x20 || c is >= 0x7f and <= 0x9f || c is 0x2028 or 0x2029 or 0xfeff)
                        sb.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(rune.ToString());
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
