using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>One document read from a stream: the object, or why it could not be read.</summary>
public sealed record ManifestDocument(string Source, int Line, object? Object, KoYamlException? Error);

/// <summary>
/// YAML ↔ Kubernetes objects. Reading picks the KubernetesClient model from apiVersion/kind (unknown kinds become
/// <see cref="GenericResource"/>); writing serialises once through System.Text.Json and emits block YAML. No
/// reflection-heavy YAML serializer is involved, so the first conversion in a fresh process is cheap.
/// </summary>
public static class KoYaml
{
    /// <summary>Server-populated metadata fields that <see cref="ToJsonObject"/> leaves out unless asked.</summary>
    public static readonly string[] ServerMetadataFields = ["managedFields", "uid", "resourceVersion", "creationTimestamp", "generation", "selfLink"];

    /// <summary>
    /// Annotations that controllers and other clients set and own (a Deployment's revision, a claim's binding, kubectl's
    /// client-side apply record): never sent by an apply, so the module's field manager never takes them over.
    /// </summary>
    public static readonly string[] ControllerAnnotationPrefixes =
    [
        "deployment.kubernetes.io/", "pv.kubernetes.io/", "volume.kubernetes.io/", "volume.beta.kubernetes.io/",
        "endpoints.kubernetes.io/", "control-plane.alpha.kubernetes.io/", "kubectl.kubernetes.io/last-applied-configuration",
    ];

    /// <summary>Removes the controller-owned annotations (<see cref="ControllerAnnotationPrefixes"/>) from an object's JSON.</summary>
    public static void RemoveControllerAnnotations(JsonObject json)
    {
        if (json["metadata"]?["annotations"] is not JsonObject annotations) return;
        foreach (var key in annotations.Select(p => p.Key).Where(k => ControllerAnnotationPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
            annotations.Remove(key);
        if (annotations.Count == 0) ((JsonObject)json["metadata"]!).Remove("annotations");
    }

    /// <summary>Whether an object was read from a cluster (it carries the resourceVersion the server gave it).</summary>
    public static bool FromCluster(object value) =>
        !string.IsNullOrEmpty(ToJsonObject(value, includeServerFields: true)["metadata"]?["resourceVersion"]?.GetValue<string>());

    /// <summary>
    /// Reads every document in a stream. Bad documents come back with an error; the others still come out, in stream
    /// order. A stream of many documents is read on several cores (<see cref="OrderedReader"/>).
    /// </summary>
    public static IEnumerable<ManifestDocument> Read(string text, string source)
    {
        var chunks = YamlReader.Split(text);
        if (chunks.Count < OrderedReader.MinChunks || Environment.ProcessorCount < 2)
        {
            foreach (var chunk in chunks)
                foreach (var d in ReadChunk(chunk, source)) yield return d;
            yield break;
        }
        using var reader = new OrderedReader(chunks, source);
        for (var k = 0; k < chunks.Count; k++)
            foreach (var d in reader.Take(k)) yield return d;
    }

    /// <summary>The documents of one chunk: its objects (a List has several), none for an empty one, or its error.</summary>
    private static IReadOnlyList<ManifestDocument> ReadChunk(YamlReader.Chunk chunk, string source)
    {
        if (YamlReader.FirstContentLine(chunk) is not { } line) return [];
        try
        {
            return ToObjects(YamlReader.ToJson(chunk, source), chunk, source, line).ConvertAll(o => new ManifestDocument(source, line, o, null));
        }
        catch (KoYamlException e)
        {
            return [new ManifestDocument(source, e.Line, null, e)];
        }
    }

    /// <summary>
    /// Reads a stream's chunks on worker threads while the caller takes them in order; the caller reads chunks too when
    /// the next one is not ready. The workers stay at most <see cref="Window"/> chunks ahead of the caller, so a long
    /// stream read by a slow consumer is not all held at once; disposing stops them.
    /// </summary>
    private sealed class OrderedReader : IDisposable
    {
        public const int MinChunks = 16;
        private const int Window = 64;
        private readonly List<YamlReader.Chunk> _chunks;
        private readonly string _source;
        private readonly object _gate = new();
        private readonly IReadOnlyList<ManifestDocument>?[] _done;
        private readonly Exception?[] _failed;
        private readonly Task[] _workers;
        private int _next = -1;
        private int _taken;
        private bool _stopped;

        public OrderedReader(List<YamlReader.Chunk> chunks, string source)
        {
            _chunks = chunks;
            _source = source;
            _done = new IReadOnlyList<ManifestDocument>?[chunks.Count];
            _failed = new Exception?[chunks.Count];
            _workers = new Task[Math.Min(Environment.ProcessorCount, 4) - 1];
            for (var w = 0; w < _workers.Length; w++) _workers[w] = Task.Run(Work);
        }

        private void Work()
        {
            while (true)
            {
                int i;
                lock (_gate)
                {
                    while (!_stopped && _next + 1 < _chunks.Count && _next + 1 >= _taken + Window) Monitor.Wait(_gate);
                    if (_stopped || _next + 1 >= _chunks.Count) return;
                    i = ++_next;
                }
                Fill(i);
            }
        }

        private void Fill(int i)
        {
            IReadOnlyList<ManifestDocument>? docs = null;
            Exception? failure = null;
            try
            {
                docs = ReadChunk(_chunks[i], _source);
            }
            catch (Exception e)
            {
                failure = e; // not a document's error (those are in the documents): a fault, thrown to the caller
            }
            lock (_gate)
            {
                _done[i] = docs;
                _failed[i] = failure;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Chunk <paramref name="k"/>'s documents, read by a worker or, when none has got to it yet, here.</summary>
        public IReadOnlyList<ManifestDocument> Take(int k)
        {
            while (true)
            {
                int i;
                lock (_gate)
                {
                    if (_done[k] is not null || _failed[k] is not null) break;
                    if (_next + 1 >= _chunks.Count || _next >= k)
                    {
                        while (_done[k] is null && _failed[k] is null) Monitor.Wait(_gate);
                        break;
                    }
                    i = ++_next;
                }
                Fill(i);
            }
            lock (_gate)
            {
                var docs = _done[k];
                var failure = _failed[k];
                _done[k] = null; // handed over: not held here any longer
                _taken = k + 1;
                Monitor.PulseAll(_gate);
                if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                return docs!;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _stopped = true;
                Monitor.PulseAll(_gate);
            }
            Task.WaitAll(_workers);
        }
    }

    private static List<object> ToObjects(byte[] json, YamlReader.Chunk chunk, string source, int line)
    {
        // The kind decides the model; a typed kind is deserialised straight from the bytes, without a JSON tree.
        var (shape, apiVersion, kind) = Identify(json);
        if (shape == JsonTokenType.Null) return [];
        if (shape != JsonTokenType.StartObject)
            throw new KoYamlException(source, line, "a Kubernetes manifest must be a mapping with apiVersion, kind and metadata, not a list or a single value");
        if (string.IsNullOrEmpty(apiVersion))
            throw new KoYamlException(source, line, "the document has no 'apiVersion' (e.g. 'apiVersion: apps/v1')");
        if (string.IsNullOrEmpty(kind))
            throw new KoYamlException(source, line, "the document has no 'kind' (e.g. 'kind: Deployment')");

        if (apiVersion == "v1" && kind == "List" && JsonNode.Parse(json) is JsonObject { } list && list["items"] is JsonArray items)
        {
            var result = new List<object>(items.Count);
            foreach (var item in items)
            {
                if (item is not JsonObject io) throw new KoYamlException(source, line, "an item of a List is not an object");
                result.AddRange(ToObjects(JsonSerializer.SerializeToUtf8Bytes(io), chunk, source, line));
            }
            return result;
        }
        return [ToObject(json, apiVersion, kind, chunk, source, line)];
    }

    /// <summary>The document's top-level shape and, for a mapping, its apiVersion and kind when they are strings.</summary>
    private static (JsonTokenType Shape, string? ApiVersion, string? Kind) Identify(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read()) return (JsonTokenType.Null, null, null);
        var shape = reader.TokenType;
        string? apiVersion = null, kind = null;
        if (shape != JsonTokenType.StartObject) return (shape, null, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isApiVersion = reader.ValueTextEquals("apiVersion"u8);
            var isKind = !isApiVersion && reader.ValueTextEquals("kind"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && (isApiVersion || isKind))
            {
                if (isApiVersion) apiVersion = reader.GetString();
                else kind = reader.GetString();
            }
            else reader.Skip();
        }
        return (shape, apiVersion, kind);
    }

    private static object ToObject(byte[] json, string apiVersion, string kind, YamlReader.Chunk chunk, string source, int line)
    {
        var known = KubeTypes.Find(apiVersion, kind);
        if (known?.ModelType is null) return new GenericResource((JsonObject)JsonNode.Parse(json)!);
        try
        {
            return JsonSerializer.Deserialize(json, known.ModelType, KoJson.Strict)!;
        }
        catch (JsonException e)
        {
            var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            var at = YamlPaths.LineOf(chunk, path) ?? line;
            var problem = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"unknown field \"{path}\" in {kind} {apiVersion} (check its spelling and indentation)"
                : $"field \"{path}\" has the wrong type for {kind} {apiVersion}: {FirstSentence(e.Message)}";
            throw new KoYamlException(source, at, problem, e);
        }
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    /// <summary>Parses one object from JSON text (a server answer), typed where the module knows the kind.</summary>
    public static object FromJson(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>();
        var kind = obj["kind"]?.GetValue<string>();
        var known = KubeTypes.Find(apiVersion, kind);
        return known?.ModelType is null ? new GenericResource(obj) : obj.Deserialize(known.ModelType, KoJson.Options)!;
    }

    /// <summary>
    /// An object as a JSON tree ready to write or send: apiVersion and kind filled from the model type when
    /// missing, and (unless <paramref name="includeServerFields"/>) status and server metadata removed.
    /// <paramref name="verbatim"/> keeps quantities and int-or-strings in the form a manifest gave them (for YAML
    /// output); otherwise they are canonical, as the API server returns them (for sending and comparing).
    /// </summary>
    public static JsonObject ToJsonObject(object value, bool includeServerFields = false, bool verbatim = false)
    {
        var node = value switch
        {
            GenericResource g => g.ToJson(),
            JsonObject j => (JsonObject)j.DeepClone(),
            _ => JsonSerializer.SerializeToNode(value, value.GetType(), verbatim ? KoJson.Verbatim : KoJson.Options) as JsonObject
                 ?? throw new ArgumentException($"A {value.GetType().Name} is not an object.", nameof(value)),
        };
        if (value is IKubernetesObject && KubeTypes.ForType(value.GetType()) is { } k)
        {
            if (node["apiVersion"] is null) node["apiVersion"] = k.ApiVersion;
            if (node["kind"] is null) node["kind"] = k.Kind;
        }
        if (!includeServerFields) RemoveServerFields(node);
        return node;
    }

    private static void RemoveServerFields(JsonObject node)
    {
        node.Remove("status");
        if (node["metadata"] is JsonObject meta)
            foreach (var f in ServerMetadataFields) meta.Remove(f);
    }

    /// <summary>Whether an object has been stored by a server (it has a uid or a resourceVersion), as opposed to a manifest's text.</summary>
    private static bool HasServerState(JsonElement node) =>
        node.TryGetProperty("metadata"u8, out var meta) && meta.ValueKind == JsonValueKind.Object &&
        ((meta.TryGetProperty("uid"u8, out var uid) && uid.ValueKind != JsonValueKind.Null) ||
         (meta.TryGetProperty("resourceVersion"u8, out var rv) && rv.ValueKind != JsonValueKind.Null));

    /// <summary>
    /// Writes objects as one multi-document YAML stream ('---' between documents). Unless
    /// <paramref name="includeServerFields"/>, status and server metadata are left out of objects a server has stored;
    /// a manifest that was never stored keeps all it was written with (<c>status: {loadBalancer: {}}</c> included).
    /// </summary>
    public static string Write(IEnumerable<object> objects, bool includeServerFields = false)
    {
        var stream = new YamlStream(includeServerFields);
        foreach (var o in objects) stream.Add(o);
        return stream.Finish();
    }

    /// <summary>Kubernetes JSON, as kubectl -o json prints it: the object, or a v1 List of several.</summary>
    public static string WriteJson(IReadOnlyList<object> objects, bool includeServerFields = false)
    {
        var items = objects.Select(o => (JsonNode)ToJsonObject(o, includeServerFields)).ToArray();
        var document = items.Length == 1 ? items[0] : new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray(items) };
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes objects as KYAML documents (kubectl's -o kyaml dialect, see <see cref="KYamlWriter"/>), each starting with '---'.</summary>
    public static string WriteKYaml(IEnumerable<object> objects, bool includeServerFields = false)
    {
        var sb = new StringBuilder();
        foreach (var o in objects) KYamlWriter.WriteDocument(sb, ToJsonObject(o, includeServerFields, verbatim: true), top: true);
        return sb.ToString();
    }

    /// <summary>
    /// Writes one plain YAML document that is not a Kubernetes object (a tool's config file such as prometheus.yml):
    /// keys in the tree's order, nulls and empty lists left out, the same scalar quoting as manifests.
    /// </summary>
    public static string WriteDocument(JsonObject document)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json, YamlJsonWriting)) document.WriteTo(writer);
        using var doc = JsonDocument.Parse(json.WrittenMemory, YamlJsonReading);
        var sb = new StringBuilder();
        new YamlWriter(sb, manifest: false).WriteDocument(doc.RootElement);
        return sb.ToString();
    }

    // The JSON that YAML is written from: strings escaped only where JSON requires it (the writer reads them in place,
    // and an escape makes it decode them), and trees as deep as a JSON writer allows (JsonDocument stops at 64).
    private static readonly JsonWriterOptions YamlJsonWriting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly JsonDocumentOptions YamlJsonReading = new() { MaxDepth = 1000 };

    /// <summary>Reads one plain YAML document (a tool's config file) as a JSON tree; null for an empty document.</summary>
    public static JsonNode? ReadDocument(string text, string source) =>
        JsonNode.Parse(YamlReader.ToJson(new YamlReader.Chunk(text, 1), source));

    /// <summary>
    /// A multi-document YAML stream written one object at a time, as <see cref="Write"/> writes it: a caller that gets
    /// objects one by one (a pipeline) need not hold them all until the end.
    /// </summary>
    public sealed class YamlStream
    {
        private readonly bool _includeServerFields;
        private readonly StringBuilder _sb = new();
        private readonly YamlWriter _writer;
        private readonly ArrayBufferWriter<byte> _json = new();
        private readonly Utf8JsonWriter _jsonWriter;

        public YamlStream(bool includeServerFields)
        {
            _includeServerFields = includeServerFields;
            _writer = new YamlWriter(_sb, manifest: true);
            _jsonWriter = new Utf8JsonWriter(_json, YamlJsonWriting);
        }

        public void Add(object o)
        {
            // The object's JSON goes into a buffer the stream reuses and is read in place (no JSON tree is built).
            _json.ResetWrittenCount();
            _jsonWriter.Reset(_json);
            JsonSerializer.Serialize(_jsonWriter, o, o.GetType(), KoJson.Verbatim);
            _jsonWriter.Flush();
            using var doc = JsonDocument.Parse(_json.WrittenMemory, YamlJsonReading);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException($"A {o.GetType().Name} is not an object.", nameof(o));
            var kind = o is IKubernetesObject ? KubeTypes.ForType(o.GetType()) : null;
            _writer.WriteDocument(root, new YamlWriter.TopLevel(kind?.ApiVersion, kind?.Kind, !_includeServerFields && HasServerState(root)));
        }

        /// <summary>The text written so far (empty when nothing was added).</summary>
        public string Finish() => _sb.ToString();
    }
}
