using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>Names of manifest files written to an output folder.</summary>
public static class ManifestFiles
{
    /// <summary>kind-namespace-name.yaml (kind-name.yaml without a namespace), lower case. Names are validated so no path can escape the folder.</summary>
    public static string FileName(object obj)
    {
        var json = KoYaml.ToJsonObject(obj);
        var kind = json["kind"]?.GetValue<string>() ?? "object";
        var meta = json["metadata"] as JsonObject;
        var name = Validate.Subdomain(meta?["name"]?.GetValue<string>(), "metadata.name");
        var ns = meta?["namespace"]?.GetValue<string>();
        if (ns is not null) Validate.Label(ns, "metadata.namespace");
        if (!kind.All(char.IsAsciiLetterOrDigit)) throw Validate.Invalid("kind", kind, $"kind '{kind}' is not a valid kind name.");
        return (ns is null ? $"{kind}-{name}" : $"{kind}-{ns}-{name}").ToLowerInvariant() + ".yaml";
    }

    /// <summary>Writes a bundle of objects into a folder, one file per object; returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(string directory, IEnumerable<object> objects)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var o in objects)
        {
            var path = Path.Combine(directory, FileName(o));
            File.WriteAllText(path, KoYaml.Write([o]));
            written.Add(path);
        }
        return written;
    }
}
