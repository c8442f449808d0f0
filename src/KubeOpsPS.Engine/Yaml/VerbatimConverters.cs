using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace KubeOpsPS.Engine.Yaml;

/// <summary>
/// Quantities as they were written. KubernetesClient's own converter writes a quantity in canonical form
/// (<c>cpu: 0.5</c> → <c>500m</c>, <c>2048Mi</c> → <c>2Gi</c>, <c>cpu: 1</c> → <c>'1'</c>), which turns a manifest read
/// and written back into a diff the author never made. This converter remembers the text (and whether it was a
/// number) of each quantity it reads and writes it back verbatim while the value is unchanged; quantities built in
/// code are written canonically, as before.
/// </summary>
internal sealed class VerbatimQuantityConverter : JsonConverter<ResourceQuantity>
{
    private static readonly ConditionalWeakTable<ResourceQuantity, Original> Originals = [];

    private sealed record Original(string Text, bool IsNumber, string Canonical);

    public override ResourceQuantity? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text;
        bool isNumber;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                text = reader.GetString()!;
                isNumber = false;
                break;
            case JsonTokenType.Number:
                text = Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
                isNumber = true;
                break;
            default:
                throw new JsonException($"A quantity must be a string or a number, not {reader.TokenType}.");
        }
        ResourceQuantity q;
        try
        {
            q = new ResourceQuantity(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new JsonException($"'{text}' is not a quantity: {e.Message}", e);
        }
        Originals.AddOrUpdate(q, new Original(text, isNumber, q.ToString()));
        return q;
    }

    public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options)
    {
        if (Originals.TryGetValue(value, out var o) && o.Canonical == value.ToString())
        {
            if (o.IsNumber) writer.WriteRawValue(o.Text);
            else writer.WriteStringValue(o.Text);
            return;
        }
        writer.WriteStringValue(value.ToString());
    }
}

/// <summary>
/// Int-or-string values as they were written: KubernetesClient writes every digit string as a number
/// (<c>maxUnavailable: "1"</c> → <c>1</c>), which changes the field's meaning for the API server. A value read as a
/// string stays a string; everything else is written as KubernetesClient writes it (digits as numbers).
/// </summary>
internal sealed class VerbatimIntOrStringConverter : JsonConverter<IntOrString>
{
    private static readonly ConditionalWeakTable<IntOrString, string> ReadAsString = [];

    public override IntOrString? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
            {
                var s = reader.GetString()!;
                IntOrString v = s;
                ReadAsString.AddOrUpdate(v, s);
                return v;
            }
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var n)) return (IntOrString)n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new JsonException("An int-or-string value must be a whole number or a string.");
            default:
                throw new JsonException($"An int-or-string value must be a number or a string, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        var s = value.Value;
        if (ReadAsString.TryGetValue(value, out var original) && original == s)
            writer.WriteStringValue(s);
        else if (int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var n))
            writer.WriteNumberValue(n); // as KubernetesClient's own converter writes it
        else
            writer.WriteStringValue(s);
    }
}
