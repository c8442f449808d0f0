using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>
/// Writes JSON (a <see cref="JsonElement"/> tree) as block-style YAML text the way people write manifests: apiVersion,
/// kind and metadata first, 'name' first in every mapping, strings quoted only where a plain scalar would read back as
/// something else, multi-line strings as literal blocks, nulls left out. Empty lists are kept in manifests (under
/// server-side apply <c>secrets: []</c> says the applier owns the field and wants it empty) and left out of tools'
/// config files. The layout is the one YAML emitters of the libyaml family write with indent 2, no line folding and
/// indented sequences: empty collections as <c>{}</c> and <c>[]</c>, keys longer than 1,024 characters or spanning
/// lines as explicit <c>? key</c> entries. One writer is one stream: documents after the first start with '---'.
/// </summary>
internal sealed partial class YamlWriter(StringBuilder output, bool manifest)
{
    private static readonly string[] TopOrder = ["apiVersion", "kind", "metadata", "spec"];
    private const int Indent = 2;
    private const int MaxSimpleKeyLength = 1024;

    // Where the text ends, as the layout rules see it: the column, whether the last thing written was white space
    // (a line's indentation, an opening '[' or '{'), and whether the line holds nothing but indentation and '- '/'? '/': '.
    private int _column;
    private bool _whitespace = true;
    private bool _indentation = true;
    private bool _started;

    // Keys repeat across a stream's objects (name, image, containerPort): each one's written form, ':' included, is
    // worked out once. Bounded, for streams of objects whose keys are all different (ConfigMap data).
    private const int MaxCachedKeys = 4096;
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private char[] _chars = new char[256];

    /// <summary>What a document's top level needs beyond its tree: apiVersion/kind to fill in, server fields to leave out.</summary>
    internal readonly record struct TopLevel(string? ApiVersion, string? Kind, bool WithoutServerFields);

    /// <summary>
    /// Writes one document: a mapping. <paramref name="top"/> (a Kubernetes object) puts apiVersion, kind, metadata and
    /// spec first and status last, fills apiVersion and kind when they are missing and leaves out status and the server's
    /// metadata when asked; otherwise (a config file) every mapping, the top one too, just puts 'name' first.
    /// </summary>
    public void WriteDocument(JsonElement root, TopLevel? top = null)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException("A YAML document written here must be a mapping.", nameof(root));
        if (_started)
        {
            WriteIndent(0);
            WriteIndicator("---", needWhitespace: true, whitespace: false, indentation: false);
        }
        _started = true;
        if (top is { } t) WriteTopMapping(root, t);
        else WriteMapping(root, -1, skip: null);
        WriteIndent(0);
    }

    private void WriteTopMapping(JsonElement obj, TopLevel top)
    {
        var hasApiVersion = Present(obj, "apiVersion"u8);
        var hasKind = Present(obj, "kind"u8);
        var fillApiVersion = !hasApiVersion && top.ApiVersion is not null;
        var fillKind = !hasKind && top.Kind is not null;
        if (!fillApiVersion && !fillKind && !HasEntries(obj, top.WithoutServerFields ? TopServerFields : null))
        {
            WriteEmpty('{', '}');
            return;
        }
        const int inner = 0;
        if (fillApiVersion) WriteEntry("apiVersion", top.ApiVersion!, inner);
        else if (obj.TryGetProperty("apiVersion"u8, out var apiVersion)) WriteEntry("apiVersion", apiVersion, inner);
        if (fillKind) WriteEntry("kind", top.Kind!, inner);
        else if (obj.TryGetProperty("kind"u8, out var kind)) WriteEntry("kind", kind, inner);
        if (obj.TryGetProperty("metadata"u8, out var metadata)) WriteEntry("metadata", metadata, inner, top.WithoutServerFields ? KoYaml.ServerMetadataFields : null);
        if (obj.TryGetProperty("spec"u8, out var spec)) WriteEntry("spec", spec, inner);
        foreach (var p in obj.EnumerateObject())
            if (!IsTopOrdered(p) && !p.NameEquals("status"u8)) WriteEntry(p, inner);
        if (!top.WithoutServerFields && obj.TryGetProperty("status"u8, out var status)) WriteEntry("status", status, inner);
    }

    private static readonly string[] TopServerFields = ["status"];

    /// <summary>The same key order for a <see cref="JsonObject"/> tree (KYAML output, <see cref="KYamlWriter"/>).</summary>
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
        if (obj.TryGetPropertyValue("name", out var name)) yield return new("name", name);
        if (obj.TryGetPropertyValue("namespace", out var ns) && ns is JsonValue) yield return new("namespace", ns);
        foreach (var p in obj)
            if (p.Key != "name" && !(p.Key == "namespace" && p.Value is JsonValue)) yield return p;
    }

    private static bool IsTopOrdered(JsonProperty p) =>
        p.NameEquals("apiVersion"u8) || p.NameEquals("kind"u8) || p.NameEquals("metadata"u8) || p.NameEquals("spec"u8);

    private static bool Present(JsonElement obj, ReadOnlySpan<byte> key) => obj.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    private static bool IsScalar(JsonElement v) => v.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    /// <summary>Whether a value is written under its key: nulls never are, empty lists only in manifests.</summary>
    private bool Written(JsonElement v) => v.ValueKind != JsonValueKind.Null && (manifest || v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > 0);

    private bool HasEntries(JsonElement obj, string[]? skip)
    {
        foreach (var p in obj.EnumerateObject())
            if (Written(p.Value) && !Skipped(p, skip)) return true;
        return false;
    }

    private static bool Skipped(JsonProperty p, string[]? skip)
    {
        if (skip is null) return false;
        foreach (var s in skip)
            if (p.NameEquals(s)) return true;
        return false;
    }

    /// <summary>A mapping: 'name' first, then 'namespace' when it is a scalar, then the rest in order; keys in <paramref name="skip"/> left out.</summary>
    private void WriteMapping(JsonElement obj, int indent, string[]? skip)
    {
        // One pass finds 'name', a scalar 'namespace' and whether anything is written at all (else '{}').
        JsonProperty? name = null, ns = null;
        var any = false;
        foreach (var p in obj.EnumerateObject())
        {
            if (Skipped(p, skip)) continue;
            any |= Written(p.Value);
            if (p.NameEquals("name"u8)) name = p;
            else if (p.NameEquals("namespace"u8) && IsScalar(p.Value)) ns = p;
        }
        if (!any)
        {
            WriteEmpty('{', '}');
            return;
        }
        var inner = indent < 0 ? 0 : indent + Indent;
        if (name is { } n) WriteEntry(n, inner);
        if (ns is { } s) WriteEntry(s, inner);
        foreach (var p in obj.EnumerateObject())
        {
            if ((name is not null && p.NameEquals("name"u8)) || (ns is not null && p.NameEquals("namespace"u8)) || Skipped(p, skip)) continue;
            WriteEntry(p, inner);
        }
    }

    private void WriteEntry(JsonProperty p, int inner)
    {
        var value = p.Value;
        if (!Written(value)) return;
        var raw = JsonMarshal.GetRawUtf8PropertyName(p);
        WriteKey(raw.IndexOf((byte)'\\') < 0 ? Decode(raw) : p.Name, inner);
        WriteNode(value, inner, skip: null);
    }

    private void WriteEntry(string key, JsonElement value, int inner, string[]? skip = null)
    {
        if (!Written(value)) return;
        WriteKey(key, inner);
        WriteNode(value, inner, skip);
    }

    private void WriteEntry(string key, string value, int inner)
    {
        WriteKey(key, inner);
        WriteString(value, inner);
    }

    /// <summary>UTF-8 text without escapes as characters, in a buffer the next call reuses.</summary>
    private ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length) _chars = new char[Math.Max(utf8.Length, _chars.Length * 2)];
        return _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
    }

    /// <summary>Writes a key and its ':', or for a long or multi-line key '? key' and ':' on the next line.</summary>
    private void WriteKey(ReadOnlySpan<char> key, int inner)
    {
        WriteIndent(inner);
        var cache = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
        if (cache.TryGetValue(key, out var written))
        {
            Write(written);
            _whitespace = false;
            _indentation = false;
            return;
        }
        if (key.Length <= MaxSimpleKeyLength && key.IndexOfAny(Breaks) < 0)
        {
            // Written at the start of an indented line, so its text does not depend on what came before.
            var start = output.Length;
            WriteString(key, inner, simpleKey: true);
            WriteIndicator(":", needWhitespace: false, whitespace: false, indentation: false);
            if (_keys.Count < MaxCachedKeys) cache[key] = output.ToString(start, output.Length - start);
            return;
        }
        WriteIndicator("?", needWhitespace: true, whitespace: false, indentation: true);
        WriteString(key, inner);
        WriteIndent(inner);
        WriteIndicator(":", needWhitespace: true, whitespace: false, indentation: true);
    }

    private void WriteNode(JsonElement node, int indent, string[]? skip)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                WriteMapping(node, indent, skip);
                break;
            case JsonValueKind.Array:
                WriteSequence(node, indent);
                break;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(node)[1..^1];
                WriteString(raw.IndexOf((byte)'\\') < 0 ? Decode(raw) : node.GetString(), indent);
                break;
            case JsonValueKind.True:
                WritePlain("true");
                break;
            case JsonValueKind.False:
                WritePlain("false");
                break;
            case JsonValueKind.Null:
                WritePlain("null");
                break;
            default:
                WritePlain(Decode(JsonMarshal.GetRawUtf8Value(node)));
                break;
        }
    }

    private void WriteSequence(JsonElement array, int indent)
    {
        if (array.GetArrayLength() == 0)
        {
            WriteEmpty('[', ']');
            return;
        }
        var inner = indent < 0 ? 0 : indent + Indent;
        foreach (var item in array.EnumerateArray())
        {
            WriteIndent(inner);
            WriteIndicator("-", needWhitespace: true, whitespace: false, indentation: true);
            WriteNode(item, inner, skip: null);
        }
    }

    private void WriteEmpty(char open, char close)
    {
        if (!_whitespace) Write(' ');
        Write(open);
        Write(close);
        _whitespace = false;
        _indentation = false;
    }

    private enum Style { PlainIfAllowed, SingleQuoted, DoubleQuoted, Literal }

    /// <summary>
    /// A string scalar: literal block for multi-line text that a literal block can hold exactly, double-quoted for
    /// other multi-line text (CR, trailing blanks, control characters), quoted when plain would change its type,
    /// otherwise plain where YAML allows it. Never folded: folding rules differ between YAML libraries, and a folded
    /// line could look like a '---' marker.
    /// </summary>
    private static Style Requested(ReadOnlySpan<char> s)
    {
        if (s.Contains('\n')) return HasTrailingSpaceOnLine(s) ? Style.DoubleQuoted : Style.Literal;
        if (HasControl(s)) return Style.DoubleQuoted;
        if (NeedsQuotes(s)) return Style.SingleQuoted;
        return Style.PlainIfAllowed;
    }

    private static bool HasTrailingSpaceOnLine(ReadOnlySpan<char> s)
    {
        foreach (var line in s.Split('\n'))
        {
            var text = s[line];
            if (text.Length > 0 && text[^1] is ' ' or '\t' or '\r') return true;
        }
        return s[0] is ' ' or '\n' || s.ContainsAny(ControlsButLineFeed);
    }

    /// <summary>
    /// Writes a string in its <see cref="Requested"/> style. What that leaves to decide here: a literal block only
    /// gets text that it holds exactly (no line of it ends in a blank), the quoted styles only get text they can hold
    /// on one line (single quotes: ASCII forms such as '8080' or 'yes'), and a string that may be plain has no line
    /// breaks or control characters; it is plain unless YAML's rules for plain scalars forbid it, then
    /// single-quoted unless it holds a quote or a character outside YAML's printable set, else double-quoted.
    /// </summary>
    private void WriteString(ReadOnlySpan<char> s, int indent, bool simpleKey = false)
    {
        switch (Requested(s))
        {
            case Style.Literal:
                WriteLiteral(s, indent < 0 ? Indent : indent + Indent);
                break;
            case Style.DoubleQuoted:
                WriteDoubleQuoted(s);
                break;
            case Style.SingleQuoted:
                WriteSingleQuoted(s);
                break;
            default:
                var plain = PlainAllowed(s, simpleKey, out var printable);
                if (plain) WritePlain(s);
                else if (printable && !s.Contains('\'')) WriteSingleQuoted(s);
                else WriteDoubleQuoted(s);
                break;
        }
    }

    private static bool IsBreak(char c) => c is '\r' or '\n' or '\x85' or '\u2028' or '\u2029';

    private static bool IsPrintable(char c) =>
        c is '\t' or '\n' or '\r' or (>= ' ' and <= '~') or '\x85' or (>= '\xA0' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');

    /// <summary>
    /// Whether text without line breaks or control characters can be a plain scalar in block context: not empty; no
    /// space at either end; not starting with an indicator ('#', ',', '[', ']', '{', '}', '&amp;', '*', '!', '|', '>',
    /// quotes, '%', '@', '`'), with '? ', ': ' or '- ', or with '---' or '...'; no ': ' or ' #' inside or ':' at the
    /// end; every character printable (the emoji's surrogates and U+FFFE/U+FFFF are not). A simple key also holds no
    /// ' *': YamlDotNet's parser (the module's own reader) takes it for an alias in a mapping's first key and reads
    /// 'a *: v' as one scalar.
    /// </summary>
    private static bool PlainAllowed(ReadOnlySpan<char> s, bool simpleKey, out bool printable)
    {
        printable = true;
        foreach (var c in s)
            if (!IsPrintable(c)) printable = false;
        if (s.Length == 0 || !printable || s[0] == ' ' || s[^1] == ' ' || s.StartsWith("---") || s.StartsWith("...")) return false;
        var first = s[0];
        var spaceAfterFirst = s.Length == 1 || s[1] == ' ';
        if (first is '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '"' or '%' or '@' or '`' or '\'') return false;
        if (first is '?' or ':' or '-' && spaceAfterFirst) return false;
        for (var i = 1; i < s.Length; i++)
        {
            if (s[i] == ':' && (i + 1 == s.Length || s[i + 1] == ' ')) return false;
            if (s[i] == '#' && s[i - 1] == ' ') return false;
            if (simpleKey && s[i] == '*' && s[i - 1] == ' ') return false;
        }
        return true;
    }

    private void WritePlain(ReadOnlySpan<char> s)
    {
        if (!_whitespace) Write(' ');
        Write(s);
        _whitespace = false;
        _indentation = false;
    }

    // Only for text without line breaks (the analysis sends text with breaks to double quotes or a literal block).
    private void WriteSingleQuoted(ReadOnlySpan<char> s)
    {
        WriteIndicator("'", needWhitespace: true, whitespace: false, indentation: false);
        var rest = s;
        for (var q = rest.IndexOf('\''); q >= 0; q = rest.IndexOf('\''))
        {
            Write(rest[..(q + 1)]);
            Write('\'');
            rest = rest[(q + 1)..];
        }
        Write(rest);
        WriteIndicator("'", needWhitespace: false, whitespace: false, indentation: false);
    }

    private static readonly SearchValues<char> Breaks = SearchValues.Create("\r\n\x85\u2028\u2029");

    private static readonly SearchValues<char> DoubleQuotedSpecial = SearchValues.Create(DoubleQuotedSpecialCharacters());

    private static char[] DoubleQuotedSpecialCharacters()
    {
        var chars = new List<char> { '"', '\\' };
        for (var c = 0; c <= 0xFFFF; c++)
            if (!IsPrintable((char)c) || IsBreak((char)c)) chars.Add((char)c);
        return [.. chars];
    }

    private void WriteDoubleQuoted(ReadOnlySpan<char> s)
    {
        WriteIndicator("\"", needWhitespace: true, whitespace: false, indentation: false);
        var rest = s;
        while (true)
        {
            var k = rest.IndexOfAny(DoubleQuotedSpecial);
            if (k < 0) break;
            Write(rest[..k]);
            var c = rest[k];
            var used = 1;
            var escape = c switch
            {
                '\0' => "\\0",
                '\a' => "\\a",
                '\b' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\v' => "\\v",
                '\f' => "\\f",
                '\r' => "\\r",
                '\x1B' => "\\e",
                '"' => "\\\"",
                '\\' => "\\\\",
                '\x85' => "\\N",
                '\u2028' => "\\L",
                '\u2029' => "\\P",
                _ => null,
            };
            if (escape is not null) Write(escape);
            else if (c <= '\xFF') Write(string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"));
            else if (char.IsHighSurrogate(c) && k + 1 < rest.Length && char.IsLowSurrogate(rest[k + 1]))
            {
                Write(string.Create(CultureInfo.InvariantCulture, $"\\U{char.ConvertToUtf32(c, rest[k + 1]):X8}"));
                used = 2;
            }
            else Write(string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"));
            rest = rest[(k + used)..];
        }
        Write(rest);
        WriteIndicator("\"", needWhitespace: false, whitespace: false, indentation: false);
    }

    /// <summary>
    /// A literal block: '|' with its chomping indicator ('-' when the text does not end with a line break, '+' when it
    /// ends with more than one), then the lines indented one step deeper than the key; empty lines stay empty.
    /// Only for text whose sole breaks are '\n' and that starts with neither a space nor a break (no indentation
    /// indicator is needed): what <see cref="Requested"/> sends here.
    /// </summary>
    private void WriteLiteral(ReadOnlySpan<char> s, int indent)
    {
        WriteIndicator("|", needWhitespace: true, whitespace: false, indentation: false);
        if (s[^1] != '\n') Write('-');
        else if (s.Length >= 2 && s[^2] == '\n') Write('+');
        var rest = s;
        while (rest.Length > 0)
        {
            var end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            Break();
            if (line.Length > 0)
            {
                output.Append(' ', indent);
                _column = indent;
                Write(line);
            }
            rest = end < 0 ? default : rest[(end + 1)..];
        }
        if (s[^1] == '\n') Break();
        // Where a literal block leaves the text: after its last break the line is empty indentation.
        _whitespace = true;
        _indentation = s[^1] == '\n';
    }

    private void WriteIndicator(string indicator, bool needWhitespace, bool whitespace, bool indentation)
    {
        if (needWhitespace && !_whitespace) Write(' ');
        Write(indicator);
        _whitespace = whitespace;
        _indentation &= indentation;
    }

    /// <summary>Goes to <paramref name="indent"/>: a new line unless the line so far is only indentation short of it.</summary>
    private void WriteIndent(int indent)
    {
        indent = Math.Max(indent, 0);
        if (!_indentation || _column > indent || (_column == indent && !_whitespace)) Break();
        if (_column < indent)
        {
            output.Append(' ', indent - _column);
            _column = indent;
        }
        _whitespace = true;
        _indentation = true;
    }

    private void Break()
    {
        output.Append('\n');
        _column = 0;
    }

    private void Write(char c)
    {
        output.Append(c);
        _column++;
    }

    private void Write(ReadOnlySpan<char> text)
    {
        output.Append(text);
        _column += text.Length;
    }

    // C0 and C1 control characters, DEL and the Unicode line and paragraph separators (line breaks to a YAML 1.1
    // reader, text to a YAML 1.2 one: only an escape reads the same in both). A SearchValues lookup: the generic ContainsAnyInRange boxes its bounds
    // until the JIT optimises it, which in a short-lived process was about a quarter of a round trip's string and char allocations.
    private static readonly SearchValues<char> Controls = SearchValues.Create(ControlCharacters(withLineFeed: true));
    private static readonly SearchValues<char> ControlsButLineFeed = SearchValues.Create(ControlCharacters(withLineFeed: false));

    private static char[] ControlCharacters(bool withLineFeed)
    {
        var chars = new List<char>();
        for (var c = 0; c < 0xA0; c++)
            if ((c < 0x20 || c >= 0x7f) && (withLineFeed || c != '\n')) chars.Add((char)c);
        chars.AddRange(['\u2028', '\u2029']);
        return [.. chars];
    }

    private static bool HasControl(ReadOnlySpan<char> s) => s.ContainsAny(Controls);

    // Also quote YAML 1.1's other booleans, so older readers (yaml.v2, PyYAML) do not turn them into true/false.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Yaml11Booleans =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "yes", "no", "on", "off", "y", "n" }.GetAlternateLookup<ReadOnlySpan<char>>();

    // YAML 1.1's implicit int, float and timestamp forms (as PyYAML and yaml.v2, which kubectl uses, resolve them):
    // 1_000, 0b101, 0_755, 12:30 (base 60), .5, 2024-01-31. Our reader (YAML 1.2) keeps these as strings,
    // but a string must read back as a string everywhere.
    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+" +
                    @"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*" +
                    @"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$")]
    private static partial Regex Yaml11NonString();

    private static bool NeedsQuotes(ReadOnlySpan<char> s)
    {
        if (YamlReader.Resolve(s) != YamlReader.ScalarKind.String || Yaml11Booleans.Contains(s) || s is "=" or "<<") return true;
        // Only strings that start like a number can match the YAML 1.1 forms; skip the regex for the rest.
        return s.Length > 0 && (char.IsAsciiDigit(s[0]) || s[0] is '-' or '+' or '.') && Yaml11NonString().IsMatch(s);
    }
}
