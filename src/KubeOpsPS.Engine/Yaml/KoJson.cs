using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>
/// The JSON settings of the module: KubernetesClient's own (camelCase names, RFC 3339 times, quantity and
/// int-or-string converters), plus a strict variant for reading manifests, where a field the model does not have
/// is an error ("unknown field spec.replica") rather than silently dropped, as kubectl's strict validation does.
/// Quantities and int-or-strings keep the form they were read in (see <see cref="VerbatimQuantityConverter"/>).
/// </summary>
public static class KoJson
{
    private static readonly Lazy<(JsonSerializerOptions Normal, JsonSerializerOptions Strict)> Pair = new(() =>
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(o => captured = o);
        var normal = new JsonSerializerOptions(captured!) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        // Options' converters win over the models' [JsonConverter] attributes: quantities and int-or-strings read
        // from a manifest are written back as they were written.
        normal.Converters.Insert(0, new VerbatimQuantityConverter());
        normal.Converters.Insert(0, new VerbatimIntOrStringConverter());
        var strict = new JsonSerializerOptions(normal) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        normal.MakeReadOnly(populateMissingResolver: true);
        strict.MakeReadOnly(populateMissingResolver: true);
        return (normal, strict);
    });

    /// <summary>For writing objects and reading server answers.</summary>
    public static JsonSerializerOptions Options => Pair.Value.Normal;

    /// <summary>For reading what a person wrote: unknown fields are errors.</summary>
    public static JsonSerializerOptions Strict => Pair.Value.Strict;
}
