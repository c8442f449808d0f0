using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>Names of manifest files written to an output folder.</summary>
public static class ManifestFiles
{
    /// <summary>
    /// NN-kind-namespace-name.yaml (NN-kind-name.yaml without a namespace), lower case, where NN is the kind's apply
    /// stage: kubectl apply -f (and -R) reads a folder in name order, so Namespaces, CRDs and RBAC come before what
    /// lives in them and one kubectl apply works on an empty cluster. Names are validated so no path can escape the folder.
    /// </summary>
    public static string FileName(object obj)
    {
        var json = KoYaml.ToJsonObject(obj);
        var kind = json["kind"]?.GetValue<string>() ?? "object";
        var meta = json["metadata"] as JsonObject;
        var name = Validate.Subdomain(meta?["name"]?.GetValue<string>(), "metadata.name");
        var ns = meta?["namespace"]?.GetValue<string>();
        if (ns is not null) Validate.Label(ns, "metadata.namespace");
        if (!kind.All(char.IsAsciiLetterOrDigit)) throw Validate.Invalid("kind", kind, $"kind '{kind}' is not a valid kind name.");
        var stage = Cluster.ApplyOrder.Stage(kind).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
        return $"{stage}-" + (ns is null ? $"{kind}-{name}" : $"{kind}-{ns}-{name}").ToLowerInvariant() + ".yaml";
    }
}
