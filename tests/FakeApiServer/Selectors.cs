using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>Label and field selectors (contract M-9).</summary>
public static class Selectors
{
    private sealed record Req(string Key, string Op, string[] Values);

    public static Func<JsonObject, bool> Labels(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return _ => true;
        var reqs = ParseLabels(selector);
        return o =>
        {
            var labels = o["metadata"]?["labels"] as JsonObject;
            string? Get(string k) => labels?[k]?.GetValue<string>();
            return reqs.All(r => r.Op switch
            {
                "=" or "==" => Get(r.Key) == r.Values[0],
                "!=" => Get(r.Key) != r.Values[0],
                "in" => Get(r.Key) is { } v && r.Values.Contains(v),
                "notin" => Get(r.Key) is not { } v2 || !r.Values.Contains(v2),
                "exists" => labels?.ContainsKey(r.Key) == true,
                "!" => labels?.ContainsKey(r.Key) != true,
                _ => false,
            });
        };
    }

    private static List<Req> ParseLabels(string s)
    {
        var reqs = new List<Req>();
        foreach (var part in SplitTopLevel(s))
        {
            var p = part.Trim();
            if (p.Length == 0) throw ApiError.BadRequest($"unable to parse requirement: found '', expected: identifier");
            var lower = p.ToLowerInvariant();
            int idx;
            if ((idx = lower.IndexOf(" notin ", StringComparison.Ordinal)) > 0 || (idx = lower.IndexOf(" in ", StringComparison.Ordinal)) > 0)
            {
                var op = lower[idx..].TrimStart().StartsWith("notin", StringComparison.Ordinal) ? "notin" : "in";
                var rest = p[(idx + op.Length + 1)..].Trim();
                if (!rest.StartsWith('(') || !rest.EndsWith(')')) throw ApiError.BadRequest($"unable to parse requirement: found '{rest}', expected: '('");
                reqs.Add(new Req(p[..idx].Trim(), op, rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
            }
            else if (p.Contains("!=")) { var kv = p.Split("!=", 2); reqs.Add(new Req(kv[0].Trim(), "!=", [kv[1].Trim()])); }
            else if (p.Contains("==")) { var kv = p.Split("==", 2); reqs.Add(new Req(kv[0].Trim(), "==", [kv[1].Trim()])); }
            else if (p.Contains('=')) { var kv = p.Split('=', 2); reqs.Add(new Req(kv[0].Trim(), "=", [kv[1].Trim()])); }
            else if (p.StartsWith('!')) reqs.Add(new Req(p[1..].Trim(), "!", []));
            else reqs.Add(new Req(p, "exists", []));
            if (reqs[^1].Key.Length == 0 || reqs[^1].Key.Any(char.IsWhiteSpace)) throw ApiError.BadRequest($"unable to parse requirement: invalid label key \"{reqs[^1].Key}\"");
        }
        return reqs;
    }

    private static IEnumerable<string> SplitTopLevel(string s)
    {
        var depth = 0; var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            else if (s[i] == ',' && depth == 0) { yield return s[start..i]; start = i + 1; }
        }
        yield return s[start..];
    }

    public static Func<JsonObject, bool> Fields(string? selector, ResourceType t)
    {
        if (string.IsNullOrWhiteSpace(selector)) return _ => true;
        var reqs = new List<(string Path, bool Equal, string Value)>();
        foreach (var part in selector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var neq = part.Contains("!=");
            var kv = neq ? part.Split("!=", 2) : part.Contains("==") ? part.Split("==", 2) : part.Split('=', 2);
            if (kv.Length != 2) throw ApiError.BadRequest($"invalid selector: '{selector}'; can't understand '{part}'");
            var path = kv[0].Trim();
            var allowed = path is "metadata.name" or "metadata.namespace"
                || (t.Kind == "Event" && path.StartsWith("involvedObject.", StringComparison.Ordinal)) || (t.Kind == "Event" && path is "reason" or "type")
                || (t.Kind == "Pod" && path is "spec.nodeName" or "status.phase") || (t.Kind == "Secret" && path == "type");
            if (!allowed) throw ApiError.BadRequest($"field label not supported: {path}");
            reqs.Add((path, !neq, kv[1].Trim()));
        }
        return o => reqs.All(r =>
        {
            JsonNode? n = o;
            foreach (var seg in r.Path.Split('.')) n = n?[seg];
            var v = n?.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>() : n?.ToJsonString() ?? "";
            return (v == r.Value) == r.Equal;
        });
    }
}
