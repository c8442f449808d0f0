using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>
/// An object of a kind the module has no model for (a CRD instance, a Gateway API route). Every field is kept in
/// <see cref="Body"/>; apiVersion, kind and metadata are lifted out so it flows through the pipeline like the typed
/// objects (names, namespaces, apply, YAML) without losing anything.
/// </summary>
[JsonConverter(typeof(GenericResourceConverter))]
public sealed class GenericResource : IKubernetesObject<V1ObjectMeta>
{
    public GenericResource(JsonObject body)
    {
        Body = body;
        ApiVersion = body["apiVersion"]?.GetValue<string>() ?? string.Empty;
        Kind = body["kind"]?.GetValue<string>() ?? string.Empty;
        Metadata = body["metadata"] is JsonObject m ? m.Deserialize<V1ObjectMeta>(KoJson.Options) ?? new V1ObjectMeta() : new V1ObjectMeta();
    }

    public string ApiVersion { get; set; }
    public string Kind { get; set; }
    public V1ObjectMeta Metadata { get; set; }

    /// <summary>The whole object as JSON, including spec and status.</summary>
    [JsonIgnore]
    public JsonObject Body { get; }

    /// <summary>
    /// The object as a JSON tree, with the lifted properties written back. Metadata the object did not have and
    /// was not given stays absent (a <c>kind: ConfigMapList</c> has none of its own).
    /// </summary>
    public JsonObject ToJson()
    {
        var copy = (JsonObject)Body.DeepClone();
        copy["apiVersion"] = ApiVersion;
        copy["kind"] = Kind;
        var metadata = JsonSerializer.SerializeToNode(Metadata, KoJson.Options) as JsonObject;
        if (Body.ContainsKey("metadata") || metadata is { Count: > 0 }) copy["metadata"] = metadata;
        return copy;
    }

    public override string ToString() => $"{Kind} {Metadata.NamespaceProperty}/{Metadata.Name}".Replace(" /", " ", StringComparison.Ordinal);
}

internal sealed class GenericResourceConverter : JsonConverter<GenericResource>
{
    public override GenericResource Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonNode.Parse(ref reader) as JsonObject ?? throw new JsonException("A Kubernetes object must be a JSON object."));

    public override void Write(Utf8JsonWriter writer, GenericResource value, JsonSerializerOptions options) =>
        value.ToJson().WriteTo(writer, options);
}
