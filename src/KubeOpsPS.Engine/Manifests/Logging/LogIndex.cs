using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Engine.Manifests.Logging;

/// <summary>One Elasticsearch index as _cat/indices reports it: name, health, open/close, documents, size on disk, creation time.</summary>
public sealed record LogIndex(string Index, string Health, string Status, long? Docs, long? SizeBytes, long? PrimarySizeBytes, int? Primaries, int? Replicas, DateTimeOffset? Created)
{
    /// <summary>The _cat/indices request: JSON, sizes in bytes, the columns <see cref="Parse"/> reads, sorted by name.</summary>
    public const string CatPath = "_cat/indices?format=json&bytes=b&s=index&h=health,status,index,pri,rep,docs.count,store.size,pri.store.size,creation.date";

    /// <summary>Reads a _cat/indices?format=json answer (every value is a string; counts are null for closed indices).</summary>
    public static IReadOnlyList<LogIndex> Parse(string json, string source)
    {
        JsonArray rows;
        try
        {
            rows = JsonNode.Parse(json) as JsonArray ?? throw new JsonException("not a JSON array");
        }
        catch (JsonException e)
        {
            throw new KoClusterException("UnexpectedAnswer", "InvalidResult", $"{source}: the answer to _cat/indices is not a JSON array of indices ({e.Message.Split('.')[0]}).", source,
                "Check that the service is Elasticsearch (-ServiceName, -Port).", inner: e);
        }
        var list = new List<LogIndex>();
        foreach (var row in rows.OfType<JsonObject>())
        {
            var name = Text(row, "index");
            if (name is null) continue;
            var created = Long(row, "creation.date") is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
            list.Add(new LogIndex(name, Text(row, "health") ?? "unknown", Text(row, "status") ?? "unknown", Long(row, "docs.count"), Long(row, "store.size"),
                Long(row, "pri.store.size"), (int?)Long(row, "pri"), (int?)Long(row, "rep"), created));
        }
        return list;
    }

    private static string? Text(JsonObject row, string key) => row[key] is JsonValue v ? v.ToString() : null;

    private static long? Long(JsonObject row, string key) =>
        Text(row, key) is { } s && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
