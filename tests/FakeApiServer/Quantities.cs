using System.Text.RegularExpressions;
using k8s.Models;

namespace FakeApiServer;

/// <summary>
/// Quantities ("500m", "1.5Gi", "1e3") for all of the fake: their values come from KubernetesClient's
/// <see cref="ResourceQuantity"/>, as the API decodes them; <see cref="TryParse"/> adds the syntax Go's
/// resource.ParseQuantity accepts, for what must refuse a malformed text (CEL's quantity() and isQuantity()):
/// ResourceQuantity on its own also takes " 1Mi", "1 Mi", "1-" or "1,5", which the API server refuses.
/// </summary>
internal static partial class Quantities
{
    /// <summary>
    /// What resource.ParseQuantity accepts: a sign, digits with at most one point, then one binary (Ki … Ei) or decimal
    /// (n u m k M G T P E) suffix or an exponent (e3, E-2). A subset of the pattern its error message quotes.
    /// </summary>
    [GeneratedRegex("^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$")]
    private static partial Regex Syntax();

    /// <summary>The message of the API server's parser for a malformed quantity.</summary>
    public const string FormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    /// <summary>The value of a quantity the API already decoded (a resource list's entry, a claim's size).</summary>
    public static decimal Value(string text) => new ResourceQuantity(text).ToDecimal();

    /// <summary>A value in canonical form with binary (Ki, Mi …) or decimal (m, k …) suffixes.</summary>
    public static string Canonical(decimal value, bool binary) =>
        new ResourceQuantity(value, 0, binary ? ResourceQuantity.SuffixFormat.BinarySI : ResourceQuantity.SuffixFormat.DecimalSI).CanonicalizeString();

    /// <summary>
    /// The value of a quantity as the API server parses one, or false when it would refuse the text. Values beyond a
    /// decimal's range (about 8e28) are refused too, where the API server (arbitrary precision) takes them.
    /// </summary>
    public static bool TryParse(string text, out decimal value)
    {
        value = 0;
        if (!Syntax().IsMatch(text)) return false;
        try
        {
            value = Value(text);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
