using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Cluster;

/// <summary>
/// Which object: kind, namespace (null for cluster-scoped kinds) and name. Its text, "Kind ns/name" or "Kind name", is
/// what ShouldProcess, errors and progress show.
/// </summary>
public readonly record struct ObjectRef(string Kind, string? Namespace, string Name)
{
    /// <summary>The reference of an object (typed model, JSON tree or generic resource); blanks where it lacks a field.</summary>
    public static ObjectRef Of(object obj)
    {
        var json = KoYaml.ToJsonObject(obj);
        return new(json["kind"]?.GetValue<string>() ?? string.Empty, json["metadata"]?["namespace"]?.GetValue<string>(), json["metadata"]?["name"]?.GetValue<string>() ?? string.Empty);
    }

    public static ObjectRef Of(ApplyResult r) => new(r.Kind, r.Namespace, r.Name);

    public override string ToString() => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}
