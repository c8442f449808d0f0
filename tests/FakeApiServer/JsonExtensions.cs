using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>Numbers from JSON nodes whether they were parsed or built in code (JsonValue of int or long).</summary>
internal static class JsonExtensions
{
    public static long AsLong(this JsonNode node) => long.Parse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static int AsInt(this JsonNode node) => (int)node.AsLong();

    /// <summary>
    /// Re-parses a tree so every value is JSON-backed: trees built in code hold typed values (int, long) that
    /// JsonNode.DeepEquals refuses to compare with each other.
    /// </summary>
    public static T Normalize<T>(this T node) where T : JsonNode => (T)JsonNode.Parse(node.ToJsonString())!;
}
