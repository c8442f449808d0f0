using System.Globalization;
using System.Text.RegularExpressions;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Report;

/// <summary>A Kubernetes minor release (1.33), as -TargetVersion takes it and as the upgrade table lists removals.</summary>
public readonly partial record struct KubeVersion(int Major, int Minor) : IComparable<KubeVersion>
{
    [GeneratedRegex(@"^v?(\d+)\.(\d+)$")]
    private static partial Regex MinorPattern();

    [GeneratedRegex(@"^v?(\d+)\.(\d+)")]
    private static partial Regex Prefix();

    /// <summary>Parses "1.33" or "v1.33"; anything else (a patch release, a word) is a validation error naming the parameter.</summary>
    public static KubeVersion Parse(string text, string field)
    {
        var m = MinorPattern().Match(text.Trim());
        if (!m.Success || m.Groups[1].Value != "1" || !int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out var minor) || minor > 99)
            throw Validate.Invalid(field, text, $"{field} '{text}' is not a Kubernetes minor version: give major.minor such as 1.33 (or v1.33), without a patch number.");
        return new KubeVersion(1, minor);
    }

    /// <summary>The minor of a version string a server or kubelet reports ("v1.32.4", "1.32+", "v1.31.2-eks-1"); null when unreadable.</summary>
    public static KubeVersion? TryRead(string? text)
    {
        if (text is null) return null;
        var m = Prefix().Match(text.Trim());
        return m.Success && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var major) && int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out var minor)
            ? new KubeVersion(major, minor) : null;
    }

    public KubeVersion Next => this with { Minor = Minor + 1 };

    public int CompareTo(KubeVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(KubeVersion a, KubeVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(KubeVersion a, KubeVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(KubeVersion a, KubeVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KubeVersion a, KubeVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}";
}
