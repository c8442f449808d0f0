namespace FakeApiServer.Wire;

/// <summary>One field of a protobuf message, from proto-fields.txt.</summary>
internal sealed record ProtoField(int Number, string Json, string Type, bool Pointer, bool Inline, bool KeepZero)
{
    public bool Required { get; init; }
    public string? PatchStrategy { get; init; }
    public string? MergeKey { get; init; }
    public string? ListType { get; init; }
    public string[] ListKeys { get; init; } = [];
    /// <summary>The field's default as JSON (its +default marker), or null.</summary>
    public string? Default { get; init; }
    /// <summary>The named Go type the field is declared with (its +go fact: "v1.Protocol"), or null for a plain one.</summary>
    public string? GoCast { get; init; }

    /// <summary>The Go field name as gogo error messages print it (the JSON name with a capital).</summary>
    public string GoName => char.ToUpperInvariant(Json[0]) + Json[1..];
}

/// <summary>A protobuf message: its fields by number and by JSON name.</summary>
internal sealed class ProtoMessage(string name, List<ProtoField> fields)
{
    public string Name { get; } = name;
    /// <summary>The Go type name ("Deployment") as error messages print it.</summary>
    public string ShortName => Name[(Name.LastIndexOf('.') + 1)..];
    public IReadOnlyList<ProtoField> Fields { get; } = fields;
    public Dictionary<int, ProtoField> ByNumber { get; } = fields.ToDictionary(f => f.Number);
}

/// <summary>The field table (proto-fields.txt, an embedded resource) and the kind → message mapping.</summary>
internal static class ProtoSchema
{
    private static readonly Lazy<Dictionary<string, ProtoMessage>> Messages = new(Load);

    /// <summary>Every message of the field table.</summary>
    public static IEnumerable<ProtoMessage> All => Messages.Value.Values;

    public static ProtoMessage Message(string name) =>
        Messages.Value.TryGetValue(name, out var m) ? m : throw new InvalidOperationException($"no protobuf message {name} in the field table");

    /// <summary>The message of a kind ("apps/v1", "Deployment"), or null when it has none (custom resources).</summary>
    public static ProtoMessage? ForKind(string apiVersion, string kind)
    {
        if (kind == "Status" || apiVersion.StartsWith("meta.k8s.io/", StringComparison.Ordinal))
            return Messages.Value.GetValueOrDefault("meta/v1." + kind);
        var slash = apiVersion.IndexOf('/');
        var (group, version) = slash < 0 ? ("core", apiVersion) : (apiVersion[..slash].Split('.')[0], apiVersion[(slash + 1)..]);
        // API groups whose Go package is named differently from the group's first label.
        if (group == "apiextensions") return null;
        // Option kinds (DeleteOptions) are registered in every group but defined once in meta/v1.
        return Messages.Value.GetValueOrDefault($"{group}/{version}.{kind}") ?? Messages.Value.GetValueOrDefault("meta/v1." + kind);
    }

    private static Dictionary<string, ProtoMessage> Load()
    {
        using var stream = typeof(ProtoSchema).Assembly.GetManifestResourceStream("FakeApiServer.Wire.proto-fields.txt")
            ?? throw new InvalidOperationException("proto-fields.txt is not embedded");
        using var reader = new StreamReader(stream);
        var result = new Dictionary<string, ProtoMessage>(StringComparer.Ordinal);
        string? name = null;
        var fields = new List<ProtoField>();
        void Flush()
        {
            if (name is not null) result[name] = new ProtoMessage(name, fields);
            fields = [];
        }
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            if (line[0] == '@')
            {
                Flush();
                name = line[1..];
                continue;
            }
            var parts = line.Split(' ');
            var json = parts[1];
            var flags = json[..json.TakeWhile(c => c is '?' or '^' or '!').Count()];
            string? Fact(string key) => parts.Skip(3).FirstOrDefault(p => p.StartsWith(key, StringComparison.Ordinal))?[key.Length..];
            var list = Fact("+lt=")?.Split(':', 2);
            fields.Add(new ProtoField(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), json[flags.Length..], parts[2],
                flags.Contains('?'), flags.Contains('^'), flags.Contains('?') || flags.Contains('!'))
            {
                Required = parts.Contains("+req"),
                PatchStrategy = Fact("+ps="),
                MergeKey = Fact("+mk="),
                ListType = list?[0],
                ListKeys = list is { Length: 2 } ? list[1].Split(',') : [],
                Default = Fact("+def="),
                GoCast = Fact("+go="),
            });
        }
        Flush();
        return result;
    }
}
