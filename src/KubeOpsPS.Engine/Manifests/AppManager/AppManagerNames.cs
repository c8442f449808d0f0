using System.Text.RegularExpressions;

namespace KubeOpsPS.Engine.Manifests.AppManager;

/// <summary>Naming rules of the app-manager.</summary>
public static partial class AppManagerNames
{
    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotLabelChars();

    /// <summary>A default instance name from a folder: its name, lower-cased and made a valid label value.</summary>
    public static string InstanceFor(string folder)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)).ToLowerInvariant();
        name = NotLabelChars().Replace(name, "-").Trim('-');
        if (name.Length > 63) name = name[..63].Trim('-');
        return name.Length == 0 ? "default" : name;
    }
}
