using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>A problem in one YAML document, with where it is.</summary>
public sealed class KoYamlException : Exception
{
    public KoYamlException(string source, int line, string problem, Exception? inner = null)
        : base($"{source}:{line}: {problem}", inner)
    {
        Source = source;
        Line = line;
        Problem = problem;
    }

    public new string Source { get; }
    public int Line { get; }
    public string Problem { get; }
}

/// <summary>
/// Turns YAML text into JSON, one document at a time. The stream is split at document markers first, so one bad
/// document never hides the good ones around it. Scalars resolve as yaml.v3 resolves them (YAML 1.2 booleans,
/// 1.1 octal file modes such as 0644; <c>"8080"</c> is a string). Guards: nesting depth, alias expansion (billion laughs)
/// duplicate keys and documents over 3 MiB are errors, as they are for the API server.
/// </summary>
public static class YamlReader
{
    public const int MaxDepth = 100;
    public const int MaxNodesPerDocument = 1_000_000;

    /// <summary>The largest document read: the API server's limit for one request body (3 MiB).</summary>
    public const int MaxDocumentBytes = 3 * 1024 * 1024;

    /// <summary>One document's text and the line it starts on (1-based) in the whole stream.</summary>
    public readonly record struct Chunk(string Text, int FirstLine);

    /// <summary>Splits a stream at lines that start with '---' (a document start) or are '...' (a document end).</summary>
    public static List<Chunk> Split(string text)
    {
        var chunks = new List<Chunk>();
        var start = 0;
        var line = 1;
        var chunkLine = 1;
        var pos = 0;
        while (pos <= text.Length)
        {
            var end = text.IndexOf('\n', pos);
            if (end < 0) end = text.Length;
            var lineText = text.AsSpan(pos, end - pos).TrimEnd('\r');
            var isStart = lineText.StartsWith("---") && (lineText.Length == 3 || lineText[3] is ' ' or '\t');
            var isEnd = lineText.StartsWith("...") && lineText[3..].Trim().IsEmpty;
            if (isStart || isEnd)
            {
                if (pos > start) chunks.Add(new Chunk(text[start..pos], chunkLine));
                // Keep anything after '--- ' on the marker line as part of the next document.
                start = isStart && lineText.Length > 4 ? pos + 4 : end + 1;
                chunkLine = line;
                if (!(isStart && lineText.Length > 4)) chunkLine = line + 1;
            }
            pos = end + 1;
            line++;
        }
        if (start < text.Length) chunks.Add(new Chunk(text[start..], chunkLine));
        return chunks;
    }

    /// <summary>Whether a chunk holds nothing but blanks, comments and directives.</summary>
    public static bool IsBlank(string chunk) => FirstContentLine(new Chunk(chunk, 1)) is null;

    /// <summary>The stream line of the chunk's first line that is not blank, a comment or a directive; null when there is none.</summary>
    public static int? FirstContentLine(Chunk chunk)
    {
        var text = chunk.Text.AsSpan();
        var line = chunk.FirstLine;
        while (true)
        {
            var nl = text.IndexOf('\n');
            var l = (nl < 0 ? text : text[..nl]).Trim();
            if (l.Length > 0 && l[0] is not '#' and not '%') return line;
            if (nl < 0) return null;
            text = text[(nl + 1)..];
            line++;
        }
    }

    /// <summary>The stream line of the first line at or after <paramref name="fromLine"/> whose indentation holds a tab.</summary>
    private static int? FirstTabIndentedLine(Chunk chunk, int fromLine)
    {
        var text = chunk.Text.AsSpan();
        var line = chunk.FirstLine;
        while (true)
        {
            var nl = text.IndexOf('\n');
            var l = nl < 0 ? text : text[..nl];
            if (line >= fromLine)
            {
                var indent = l[..(l.Length - l.TrimStart(" \t").Length)];
                if (indent.Contains('\t')) return line;
            }
            if (nl < 0) return null;
            text = text[(nl + 1)..];
            line++;
        }
    }

    /// <summary>Parses one document to UTF-8 JSON. Throws <see cref="KoYamlException"/> with the stream's line number.</summary>
    public static byte[] ToJson(Chunk chunk, string source)
    {
        if (chunk.Text.Length > MaxDocumentBytes / 3 && Encoding.UTF8.GetByteCount(chunk.Text) is var bytes && bytes > MaxDocumentBytes)
            throw new KoYamlException(source, FirstContentLine(chunk) ?? chunk.FirstLine,
                $"the document is {bytes / 1048576.0:0.0} MiB; the API server accepts at most {MaxDocumentBytes / 1048576} MiB in one object (split it, or keep large data out of manifests)");

        var events = new List<ParsingEvent>(64);
        try
        {
            var parser = new Parser(new StringReader(chunk.Text));
            while (parser.MoveNext()) events.Add(parser.Current!);
        }
        catch (YamlException e)
        {
            var line = chunk.FirstLine + (int)e.Start.Line - 1;
            // YamlDotNet places tab errors at the enclosing mapping or the scalar before; point at the tab itself.
            if (e.Message.Contains(" tab", StringComparison.Ordinal)) line = FirstTabIndentedLine(chunk, line) ?? line;
            throw new KoYamlException(source, line, Clean(e.Message), e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner fails this way on some unclosed flow collections ("labels: [a, b" then a new key).
            var last = events.Count > 0 ? chunk.FirstLine + (int)events[^1].End.Line - 1 : chunk.FirstLine;
            throw new KoYamlException(source, last, "the YAML cannot be parsed after this point (is a '[', '{' or quote left open?)", e);
        }

        var buffer = new ArrayBufferWriter<byte>(chunk.Text.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var state = new State(events, source, chunk.FirstLine);
            var i = 0;
            while (i < events.Count && events[i] is StreamStart or DocumentStart) i++;
            if (i < events.Count && events[i] is not DocumentEnd and not StreamEnd)
                state.Write(writer, ref i, 0);
            else
                writer.WriteNullValue();
            while (i < events.Count && events[i] is DocumentEnd or StreamEnd) i++;
            if (i < events.Count)
                throw state.Error(events[i], "more than one document without a '---' line between them");
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string Clean(string message)
    {
        // YamlDotNet prefixes positions like "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we give our own.
        var idx = message.LastIndexOf("): ", StringComparison.Ordinal);
        return idx >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(idx + 3)..] : message;
    }

    private sealed class State(List<ParsingEvent> events, string source, int firstLine)
    {
        private readonly Dictionary<string, (int Start, int End, long Nodes)> _anchors = new(StringComparer.Ordinal);
        private long _nodes;

        public KoYamlException Error(ParsingEvent at, string problem) =>
            new(source, firstLine + (int)at.Start.Line - 1, problem);

        public void Write(Utf8JsonWriter w, ref int i, int depth)
        {
            var ev = events[i];
            if (depth > MaxDepth) throw Error(ev, $"the document is nested more than {MaxDepth} levels deep");
            if (++_nodes > MaxNodesPerDocument) throw Error(ev, $"the document expands to more than {MaxNodesPerDocument:N0} nodes (an alias bomb?)");
            switch (ev)
            {
                case AnchorAlias alias:
                {
                    if (!_anchors.TryGetValue(alias.Value.Value, out var a))
                        throw Error(ev, $"unknown alias '*{alias.Value.Value}'");
                    _nodes += a.Nodes;
                    if (_nodes > MaxNodesPerDocument)
                        throw Error(ev, $"alias '*{alias.Value.Value}' expands the document past {MaxNodesPerDocument:N0} nodes (an alias bomb?)");
                    var j = a.Start;
                    var saved = _nodes;
                    Write(w, ref j, depth);
                    _nodes = saved;
                    i++;
                    return;
                }
                case Scalar s:
                    WriteScalar(w, s);
                    Remember(s.Anchor, i, i + 1, 1);
                    i++;
                    return;
                case SequenceStart seq:
                {
                    var start = i;
                    var before = _nodes;
                    w.WriteStartArray();
                    i++;
                    while (events[i] is not SequenceEnd) Write(w, ref i, depth + 1);
                    w.WriteEndArray();
                    i++;
                    Remember(seq.Anchor, start, i, _nodes - before);
                    return;
                }
                case MappingStart map:
                {
                    var start = i;
                    var before = _nodes;
                    var keys = new HashSet<string>(StringComparer.Ordinal);
                    w.WriteStartObject();
                    i++;
                    while (events[i] is not MappingEnd)
                    {
                        if (events[i] is not Scalar key)
                            throw Error(events[i], "a mapping key must be a plain value, not a list or a mapping");
                        if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
                            throw Error(key, "YAML merge keys ('<<') are not supported; write the keys out in full");
                        if (!keys.Add(key.Value))
                            throw Error(key, $"mapping key '{key.Value}' already defined");
                        w.WritePropertyName(key.Value);
                        i++;
                        Write(w, ref i, depth + 1);
                    }
                    w.WriteEndObject();
                    i++;
                    Remember(map.Anchor, start, i, _nodes - before);
                    return;
                }
                default:
                    throw Error(ev, $"unexpected {ev.GetType().Name}");
            }
        }

        private void Remember(AnchorName anchor, int start, int end, long nodes)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = (start, end, nodes);
        }

        private void WriteScalar(Utf8JsonWriter w, Scalar s)
        {
            var tag = s.Tag.IsEmpty ? null : s.Tag.Value;
            if (tag is "tag:yaml.org,2002:str" or "tag:yaml.org,2002:binary" || (tag is null && s.Style != ScalarStyle.Plain))
            {
                w.WriteStringValue(s.Value);
                return;
            }
            var v = s.Value;
            switch (Resolve(v))
            {
                case ScalarKind.Null: w.WriteNullValue(); return;
                case ScalarKind.True: w.WriteBooleanValue(true); return;
                case ScalarKind.False: w.WriteBooleanValue(false); return;
                case ScalarKind.Int:
                    if (TryInt(v, out var n)) { w.WriteNumberValue(n); return; }
                    break;
                case ScalarKind.Float:
                    if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                    {
                        w.WriteNumberValue(d);
                        return;
                    }
                    break;
            }
            w.WriteStringValue(v);
        }
    }

    internal enum ScalarKind { String, Null, True, False, Int, Float }

    /// <summary>How a plain scalar resolves: YAML 1.2 core schema plus 1.1 octal (0644), as yaml.v3 reads it.</summary>
    internal static ScalarKind Resolve(ReadOnlySpan<char> v)
    {
        if (v.Length == 0) return ScalarKind.Null;
        switch (v)
        {
            case "~": case "null": case "Null": case "NULL": return ScalarKind.Null;
            // YAML 1.2 booleans, as yaml.v3 (kustomize, kubectl kustomize) reads them: 'yes', 'on' and 'y' are strings
            // (so `name: y` is a name), though the writer still quotes them for YAML 1.1 readers.
            case "true":
            case "True":
            case "TRUE":
                return ScalarKind.True;
            case "false":
            case "False":
            case "FALSE":
                return ScalarKind.False;
            case ".inf":
            case ".Inf":
            case ".INF":
            case "-.inf":
            case "+.inf":
            case ".nan":
            case ".NaN":
            case ".NAN":
                return ScalarKind.Float;
        }
        var c = v[0];
        if (!(char.IsAsciiDigit(c) || c is '-' or '+' or '.')) return ScalarKind.String;
        if (TryInt(v, out _)) return ScalarKind.Int;
        var body = v[(v[0] is '-' or '+' ? 1 : 0)..];
        if (body.Length == 0) return ScalarKind.String;
        var digits = false; var dot = false; var exp = false;
        for (var k = 0; k < body.Length; k++)
        {
            var ch = body[k];
            if (char.IsAsciiDigit(ch)) digits = true;
            else if (ch == '.' && !dot && !exp) dot = true;
            else if (ch is 'e' or 'E' && digits && !exp && k + 1 < body.Length)
            {
                exp = true;
                if (body[k + 1] is '+' or '-') k++;
                if (k + 1 >= body.Length) return ScalarKind.String;
            }
            else if (ch == '_') continue;
            else return ScalarKind.String;
        }
        return digits && (dot || exp) ? ScalarKind.Float : ScalarKind.String;
    }

    private static bool TryInt(ReadOnlySpan<char> s, out long n)
    {
        var neg = false;
        if (s.Length > 0 && s[0] is '-' or '+') { neg = s[0] == '-'; s = s[1..]; }
        n = 0;
        if (s.Length == 0) return false;
        if (s.StartsWith("0x") && s.Length > 2)
        {
            if (!long.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out n)) return false;
        }
        else if (s.StartsWith("0o") && s.Length > 2)
        {
            try { n = Convert.ToInt64(s[2..].ToString(), 8); } catch (FormatException) { return false; } catch (OverflowException) { return false; }
        }
        else if (s.Length > 1 && s[0] == '0')
        {
            // YAML 1.1 octal (0755), as Kubernetes' decoder reads file modes.
            foreach (var ch in s) if (ch is < '0' or > '7') return false;
            try { n = Convert.ToInt64(s.ToString(), 8); } catch (OverflowException) { return false; }
        }
        else
        {
            foreach (var ch in s) if (!char.IsAsciiDigit(ch)) return false;
            if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n)) return false;
        }
        if (neg) n = -n;
        return true;
    }
}
