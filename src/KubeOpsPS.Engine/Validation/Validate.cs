using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace KubeOpsPS.Engine.Validation;

/// <summary>
/// The naming and value rules of the Kubernetes API (apimachinery's validation package), shared by every builder.
/// Each check returns the value so builders can write <c>Name = Validate.Subdomain(o.Name, "-Name")</c>.
/// </summary>
public static partial class Validate
{
    private const string LabelChars = "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKeyRegex();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex IanaSvcNameRegex();

    [GeneratedRegex("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$")]
    private static partial Regex QuantityRegex();

    [GeneratedRegex("^([0-9]+(ms|s|m|h|d|w|y))+$")]
    private static partial Regex DurationRegex();

    /// <summary>A DNS-1123 label (namespaces, container names, port names): at most 63 characters.</summary>
    public static string Label(string? value, string field)
    {
        Require(value, field);
        if (value!.Length > 63)
            throw Invalid(field, value, $"{field} '{value}' is {value.Length} characters long; a DNS-1123 label must be no more than 63 characters.");
        if (!Dns1123LabelRegex().IsMatch(value))
            throw Invalid(field, value, $"{field} '{value}' is not a valid DNS-1123 label: it {LabelChars} (e.g. 'my-name' or '123-abc').");
        return value;
    }

    /// <summary>A DNS-1123 subdomain (most object names): at most 253 characters.</summary>
    public static string Subdomain(string? value, string field)
    {
        Require(value, field);
        if (value!.Length > 253)
            throw Invalid(field, value, $"{field} is {value.Length} characters long; a DNS-1123 subdomain must be no more than 253 characters.");
        if (!Dns1123SubdomainRegex().IsMatch(value))
            throw Invalid(field, value, $"{field} '{value}' is not a valid DNS-1123 subdomain: it {LabelChars}, with '.' between parts (e.g. 'example.com').");
        return value;
    }

    /// <summary>A DNS-1035 label (Service names): like a DNS-1123 label but starting with a letter.</summary>
    public static string Dns1035(string? value, string field)
    {
        Require(value, field);
        if (value!.Length > 63)
            throw Invalid(field, value, $"{field} '{value}' is {value.Length} characters long; a DNS-1035 label must be no more than 63 characters.");
        if (!Dns1035LabelRegex().IsMatch(value))
            throw Invalid(field, value, $"{field} '{value}' is not a valid DNS-1035 label: it must start with a lower case letter and {LabelChars[5..]} (e.g. 'my-name' or 'abc-123').");
        return value;
    }

    /// <summary>The name rule the API server applies to a kind's objects.</summary>
    public static string ObjectName(string? value, string kind, string field = "-Name") => kind switch
    {
        "Namespace" => Label(value, field),
        "Service" => Dns1035(value, field),
        _ => Subdomain(value, field),
    };

    /// <summary>A label or annotation key: optional DNS-1123 subdomain prefix, a slash, and a name of at most 63 characters.</summary>
    public static string LabelKey(string? key, string field)
    {
        Require(key, field);
        var slash = key!.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !Dns1123SubdomainRegex().IsMatch(prefix))
                throw Invalid(field, key, $"{field} key '{key}' has an invalid prefix '{prefix}': a prefix must be a DNS-1123 subdomain (e.g. 'example.com/').");
        }
        if (name.Length == 0 || name.Length > 63 || !QualifiedNameRegex().IsMatch(name))
            throw Invalid(field, key, $"{field} key '{key}' is not valid: the name part must be 1-63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric character.");
        return key;
    }

    /// <summary>A label value: empty, or at most 63 characters of alphanumerics, '-', '_' or '.', alphanumeric at both ends.</summary>
    public static string LabelValue(string? value, string field)
    {
        value ??= string.Empty;
        if (value.Length == 0) return value;
        if (value.Length > 63 || !QualifiedNameRegex().IsMatch(value))
            throw Invalid(field, value, $"{field} value '{value}' is not a valid label value: it must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric character.");
        return value;
    }

    /// <summary>Labels: every key and value valid.</summary>
    public static IDictionary<string, string> Labels(IDictionary<string, string>? labels, string field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (labels is null) return result;
        foreach (var (k, v) in labels)
            result[LabelKey(k, field)] = LabelValue(v, $"{field}[{k}]");
        return result;
    }

    /// <summary>A ConfigMap or Secret data key.</summary>
    public static string ConfigKey(string? key, string field)
    {
        Require(key, field);
        if (key!.Length > 253 || !ConfigKeyRegex().IsMatch(key))
            throw Invalid(field, key, $"{field} key '{key}' is not valid: ConfigMap and Secret keys must be at most 253 characters of alphanumerics, '-', '_' or '.'.");
        return key;
    }

    /// <summary>A resource quantity such as 10Gi, 500m or 1.5.</summary>
    public static ResourceQuantity Quantity(string? value, string field, bool positive = true)
    {
        Require(value, field);
        var text = value!.Trim();
        if (!QuantityRegex().IsMatch(text))
            throw Invalid(field, value, $"{field} '{value}' is not a Kubernetes quantity: use a number with an optional suffix such as 10Gi, 512Mi, 500m or 2.", "Binary suffixes are Ki, Mi, Gi, Ti; decimal ones k, M, G, T; 'm' means thousandths.");
        ResourceQuantity q;
        decimal amount;
        try
        {
            q = new ResourceQuantity(text);
            amount = q.ToDecimal();
        }
        catch (OverflowException)
        {
            throw Invalid(field, value, $"{field} '{value}' is too large for a Kubernetes quantity.");
        }
        if (positive && amount <= 0)
            throw Invalid(field, value, $"{field} '{value}' must be greater than zero.");
        return q;
    }

    /// <summary>A TCP/UDP port number, 1-65535.</summary>
    public static int Port(int value, string field)
    {
        if (value is < 1 or > 65535)
            throw Invalid(field, value, $"{field} {value} is out of range: a port must be between 1 and 65535.");
        return value;
    }

    /// <summary>A named port (IANA_SVC_NAME): at most 15 characters, lower case alphanumerics and '-', at least one letter, no '--'.</summary>
    public static string PortName(string? value, string field)
    {
        Require(value, field);
        if (value!.Length > 15 || !IanaSvcNameRegex().IsMatch(value) || value.Contains("--", StringComparison.Ordinal) || !value.Any(char.IsLetter))
            throw Invalid(field, value, $"{field} '{value}' is not a valid port name: at most 15 lower case letters, digits and '-', with at least one letter, no '--' and no '-' at either end.");
        return value;
    }

    /// <summary>A port given as a number or a name (Service targetPort, Ingress backend port).</summary>
    public static IntOrString PortOrName(object? value, string field)
    {
        var v = value is System.Collections.IEnumerable and not string ? null : value;
        switch (v)
        {
            case int i: return Port(i, field);
            case long l when l is >= int.MinValue and <= int.MaxValue: return PortOrName((int)l, field);
            case string s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n): return PortOrName(n, field);
            case string s: return PortName(s, field);
            case null: throw Invalid(field, null, $"{field} is required: give a port number (1-65535) or a port name.");
            default: throw Invalid(field, v, $"{field} '{v}' is neither a port number nor a port name.");
        }
    }

    /// <summary>A Prometheus-style duration such as 30s, 5m, 15d or 1h30m.</summary>
    public static string Duration(string? value, string field)
    {
        Require(value, field);
        if (!DurationRegex().IsMatch(value!) || value!.All(c => c == '0' || !char.IsDigit(c)))
            throw Invalid(field, value, $"{field} '{value}' is not a duration: use a positive number with a unit (ms, s, m, h, d, w, y), e.g. 30s, 15d or 1h30m.");
        return value!;
    }

    /// <summary>A duration (30d, 12h, 1h30m) or a TimeSpan string (30.00:00:00) as a positive TimeSpan.</summary>
    public static TimeSpan DurationSpan(string? value, string field)
    {
        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero) return span;
        var total = TimeSpan.Zero;
        foreach (Match m in DurationPartRegex().Matches(Duration(value, field)))
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                "w" => TimeSpan.FromDays(7 * n),
                _ => TimeSpan.FromDays(365 * n),
            };
        }
        return total;
    }

    [GeneratedRegex("([0-9]+)(ms|s|m|h|d|w|y)")]
    private static partial Regex DurationPartRegex();

    /// <summary>A rolling-update amount: a number of pods (1) or a percentage from 0% to 100% (25%).</summary>
    public static IntOrString IntOrPercent(string? value, string field)
    {
        Require(value, field);
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        if (value!.EndsWith('%') && int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 100) return value;
        throw Invalid(field, value, $"{field} '{value}' must be a number of pods (e.g. 1) or a percentage from 0% to 100% (e.g. 25%).");
    }

    // The image reference grammar (distribution/reference): [registry[:port]/]path[:tag][@digest], path lower case.
    private static readonly System.Text.RegularExpressions.Regex ImageReference = new(
        @"^(?:(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|[a-zA-Z0-9-]+:[0-9]+|(?:[a-zA-Z0-9-]+\.)+[a-zA-Z0-9-]+:[0-9]+|\[[0-9a-fA-F:]+\](?::[0-9]+)?)/)?"
        + @"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*"
        + @"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>A container image reference (nginx:1.29, registry.example.com:5000/team/app@sha256:...).</summary>
    public static string Image(string? value, string field)
    {
        Require(value, field);
        if (!ImageReference.IsMatch(value!))
            throw Invalid(field, value, $"{field} '{value}' is not an image reference: expected [registry[:port]/]name[:tag][@digest], e.g. nginx:1.29 or registry.example.com/team/app:1.0.");
        return value!;
    }

    /// <summary>A non-empty string.</summary>
    public static string Required(string? value, string field)
    {
        Require(value, field);
        return value!;
    }

    private static void Require(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw Invalid(field, value, $"{field} is required and cannot be empty.");
    }

    /// <summary>Builds the validation exception; use for rules specific to one builder.</summary>
    public static KoValidationException Invalid(string field, object? value, string message, string? hint = null) =>
        new(field, value, message, hint);
}
