using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>
/// The JSON settings of the module: KubernetesClient's own (camelCase names, RFC 3339 times, quantity and
/// int-or-string converters), plus a strict variant for reading manifests, where a field the model does not have
/// is an error ("unknown field spec.replica") rather than silently dropped, as kubectl's strict validation does.
/// For YAML output, quantities and int-or-strings keep the form they were read in (<see cref="Verbatim"/>).
/// </summary>
public static class KoJson
{
    private static readonly Lazy<(JsonSerializerOptions Normal, JsonSerializerOptions Manifest)> All = new(() =>
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(o => captured = o);
        var normal = new JsonSerializerOptions(captured!) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        // Options' converters win over the models' [JsonConverter] attributes. Reading a manifest records how each
        // quantity and int-or-string was written; writing YAML writes them back that way. Unknown fields are refused
        // when reading; the setting means nothing when writing, so reading and writing manifests share one instance
        // and each model's serialization metadata is built once per process, not once for each direction.
        var manifest = new JsonSerializerOptions(normal) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        manifest.Converters.Insert(0, new VerbatimQuantityConverter());
        manifest.Converters.Insert(0, new VerbatimIntOrStringConverter());
        normal.MakeReadOnly(populateMissingResolver: true);
        manifest.MakeReadOnly(populateMissingResolver: true);
        return (normal, manifest);
    });

    /// <summary>For objects sent to or compared with a cluster, and server answers: canonical quantities, as KubernetesClient writes them.</summary>
    public static JsonSerializerOptions Options => All.Value.Normal;

    /// <summary>For writing YAML: quantities and int-or-strings read from a manifest are written as they were read.</summary>
    public static JsonSerializerOptions Verbatim => All.Value.Manifest;

    /// <summary>For reading what a person wrote: unknown fields are errors (the same instance as <see cref="Verbatim"/>).</summary>
    public static JsonSerializerOptions Strict => All.Value.Manifest;
}
