using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.AppManager;

/// <summary>The desired state read from one manifest file: its objects, or why it cannot be used.</summary>
public sealed record ManifestFile(string Path, string RelativePath, string Hash, IReadOnlyList<DesiredObject> Objects, string? Error);

/// <summary>One object the folder asks for, with the identity the app-manager tracks it by.</summary>
public sealed record DesiredObject(string Key, string ApiVersion, string Kind, string? Namespace, string Name, string Mode, object Value);

/// <summary>
/// Reads a folder of manifests (.yaml, .yml, .json). A file with any bad document is unusable as a whole (never
/// half-applied) and is reported; the other files are unaffected. Pure apart from reading the files it is given.
/// </summary>
public static class ManifestFolder
{
    public const string ModeLabel = "addonmanager.kubernetes.io/mode";
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public static IEnumerable<string> ListFiles(string folder, bool recurse) =>
        Directory.EnumerateFiles(folder, "*", recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith("..", StringComparison.Ordinal))) // ConfigMap volume internals
            .OrderBy(f => f, StringComparer.Ordinal);

    public static ManifestFile Read(string folder, string path, string defaultNamespace)
    {
        var rel = Path.GetRelativePath(folder, path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ManifestFile(path, rel, string.Empty, [], $"cannot be read: {e.Message}");
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var objects = new List<DesiredObject>();
        foreach (var doc in KoYaml.Read(text, rel))
        {
            if (doc.Error is not null) return new ManifestFile(path, rel, hash, [], doc.Error.Message);
            var json = KoYaml.ToJsonObject(doc.Object!);
            var apiVersion = json["apiVersion"]!.GetValue<string>();
            var kind = json["kind"]!.GetValue<string>();
            var meta = json["metadata"] as JsonObject;
            var name = meta?["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name)) return new ManifestFile(path, rel, hash, [], $"{rel}:{doc.Line}: the {kind} has no metadata.name");
            var known = KubeTypes.Find(apiVersion, kind);
            var ns = known is { Namespaced: false } ? null : meta!["namespace"]?.GetValue<string>() ?? defaultNamespace;
            var mode = meta!["labels"]?[ModeLabel]?.GetValue<string>() ?? meta["annotations"]?[ModeLabel]?.GetValue<string>() ?? "Reconcile";
            if (mode is not ("Reconcile" or "EnsureExists" or "Ignore"))
                return new ManifestFile(path, rel, hash, [], $"{rel}:{doc.Line}: {ModeLabel} must be Reconcile, EnsureExists or Ignore, not '{mode}'");
            objects.Add(new DesiredObject(Key(apiVersion, kind, ns, name), apiVersion, kind, ns, name, mode, doc.Object!));
        }
        return new ManifestFile(path, rel, hash, objects, null);
    }

    public static string Key(string apiVersion, string kind, string? ns, string name)
    {
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : string.Empty;
        return $"{group}/{kind}/{ns}/{name}";
    }
}
