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
    private static readonly Lazy<(JsonSerializerOptions Normal, JsonSerializerOptions Verbatim, JsonSerializerOptions Strict)> All = new(() =>
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(o => captured = o);
        var normal = new JsonSerializerOptions(captured!) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        // Options' converters win over the models' [JsonConverter] attributes. Reading a manifest records how each
        // quantity and int-or-string was written; writing YAML with Verbatim writes them back that way.
        var verbatim = new JsonSerializerOptions(normal);
        verbatim.Converters.Insert(0, new VerbatimQuantityConverter());
        verbatim.Converters.Insert(0, new VerbatimIntOrStringConverter());
        var strict = new JsonSerializerOptions(verbatim) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        normal.MakeReadOnly(populateMissingResolver: true);
        verbatim.MakeReadOnly(populateMissingResolver: true);
        strict.MakeReadOnly(populateMissingResolver: true);
        return (normal, verbatim, strict);
    });

    /// <summary>For objects sent to or compared with a cluster, and server answers: canonical quantities, as KubernetesClient writes them.</summary>
    public static JsonSerializerOptions Options => All.Value.Normal;

    /// <summary>For writing YAML: quantities and int-or-strings read from a manifest are written as they were read.</summary>
    public static JsonSerializerOptions Verbatim => All.Value.Verbatim;

    /// <summary>For reading what a person wrote: unknown fields are errors.</summary>
    public static JsonSerializerOptions Strict => All.Value.Strict;
}
