using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using k8s;

namespace KubeOpsPS.Core;

/// <summary>Unwraps what PowerShell pipes in: model objects pass through; hashtables and PSCustomObjects become JSON trees.</summary>
public static class PSObjects
{
    /// <summary>The .NET object behind a value PowerShell may have wrapped in a PSObject.</summary>
    public static object? Unwrap(object? value) => value is PSObject p ? p.BaseObject : value;

    /// <summary>The Kubernetes object behind a pipeline value, or null when it is not one.</summary>
    public static object? AsKubernetesObject(object? input)
    {
        var value = Unwrap(input);
        return value switch
        {
            IKubernetesObject => value,
            JsonObject j => j,
            IDictionary or PSCustomObject => ToJson(input) as JsonObject,
            _ => null,
        };
    }

    /// <summary>
    /// An -Image style argument: a single string, or a hashtable of name → value. Returns (single, map); both empty
    /// when the value is neither.
    /// </summary>
    public static (string? Single, Dictionary<string, string> Map) StringOrMap(object? value)
    {
        var v = Unwrap(value);
        return v switch
        {
            string s => (s, []),
            IDictionary d => (null, Strings(d)),
            _ => (null, []),
        };
    }

    /// <summary>A hashtable's entries as strings (labels, annotations, env, config); empty for null.</summary>
    public static Dictionary<string, string> Strings(IDictionary? map) =>
        map?.Cast<DictionaryEntry>().ToDictionary(
            e => Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!,
            e => Convert.ToString(PSObject.AsPSObject(e.Value ?? string.Empty).BaseObject, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty) ?? [];

    /// <summary>A JSON tree from hashtables, PSCustomObjects, lists and scalars.</summary>
    public static JsonNode? ToJson(object? input, int depth = 0)
    {
        if (depth > 100) throw new ArgumentException("The object is nested more than 100 levels deep.");
        var value = input is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : input;
        switch (value)
        {
            case null: return null;
            case string s: return JsonValue.Create(s);
            case bool b: return JsonValue.Create(b);
            case int or long or short or byte or uint or ulong or ushort or sbyte: return JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            case double or float or decimal: return JsonValue.Create(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
            case IDictionary d:
            {
                var o = new JsonObject();
                foreach (DictionaryEntry e in d) o[Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture)!] = ToJson(e.Value, depth + 1);
                return o;
            }
            case PSObject pso:
            {
                var o = new JsonObject();
                foreach (var p in pso.Properties) o[p.Name] = ToJson(p.Value, depth + 1);
                return o;
            }
            case IEnumerable list:
            {
                var a = new JsonArray();
                foreach (var item in list) a.Add(ToJson(item, depth + 1));
                return a;
            }
            default: return JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
