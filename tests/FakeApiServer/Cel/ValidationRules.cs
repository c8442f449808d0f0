using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Cel;

/// <summary>
/// A CRD's x-kubernetes-validations (contract V-13): each rule compiled against the type its schema node declares
/// (self, and oldSelf in transition rules), CRD writes refused when a rule does not compile, and custom resources
/// checked on create and update, with the apiextensions-apiserver's field errors: the failing node's path (or the
/// rule's fieldPath under it), its schema type as the value, message, messageExpression or "failed rule: ..." as the
/// detail, reason choosing the error type. Transition rules run only when the old value correlates (same property,
/// same key of a listType=map list), unless optionalOldSelf; on update a failing rule without oldSelf on a value the
/// update left unchanged is a warning only (ratcheting).
/// </summary>
internal static class ValidationRules
{
    private sealed record Rule(JsonObject Source, string Text, string Message, string MessageExpression, string? Reason, string? FieldPath, bool OptionalOldSelf)
    {
        public CelExpr? Program { get; init; }
        public CelExpr? MessageProgram { get; init; }
        public string? Error { get; init; }
        public string? MessageError { get; init; }
        public bool UsesOldSelf { get; init; }

        /// <summary>The rule as error messages name it: its message when it has one, its source otherwise.</summary>
        public string ErrorString => Message.Trim().Length > 0 ? Message.Trim() : Text.Trim();
    }

    private sealed class Node
    {
        public required JsonObject Schema { get; init; }
        public List<Rule> Rules { get; } = [];
        public Dictionary<string, Node> Properties { get; } = new(StringComparer.Ordinal);
        public Node? Items { get; set; }
        public Node? AdditionalProperties { get; set; }
        public bool IsEmpty => Rules.Count == 0 && Properties.Count == 0 && Items is null && AdditionalProperties is null;
    }

    private static readonly ConditionalWeakTable<JsonObject, Node> Compiled = [];
    private static readonly HashSet<string> Reasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];

    // ------------------------------------------------------------------ the CRD: its rules must compile

    /// <summary>The errors of the rules in a CRD's version schemas, as the CRD validation gives them.</summary>
    public static List<(string Field, string Type, string Detail)> ValidateCrd(JsonObject? spec)
    {
        var errors = new List<(string, string, string)>();
        var versions = spec?["versions"] as JsonArray ?? [];
        for (var i = 0; i < versions.Count; i++)
            if (versions[i]?["schema"]?["openAPIV3Schema"] is JsonObject schema)
                CheckSchema(schema, $"spec.versions[{i}].schema.openAPIV3Schema", root: true, uncorrelatable: null, errors);
        return errors;
    }

    /// <summary>One schema node, its children first (as upstream walks them); returns whether the subtree had static rule errors.</summary>
    private static bool CheckSchema(JsonObject s, string path, bool root, string? uncorrelatable, List<(string, string, string)> errors)
    {
        var bad = false;
        if (s["additionalProperties"] is JsonObject ap) bad |= CheckSchema(ap, path + ".additionalProperties", false, uncorrelatable, errors);
        foreach (var (k, v) in (s["properties"] as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
            if (v is JsonObject p) bad |= CheckSchema(p, $"{path}.properties[{k}]", false, uncorrelatable, errors);
        if (s["items"] is JsonObject items)
            bad |= CheckSchema(items, path + ".items", false, uncorrelatable ?? (s["x-kubernetes-list-type"]?.GetValue<string>() == "map" ? null : path), errors);
        if (s["x-kubernetes-validations"] is not JsonArray rules || rules.Count == 0) return bad;
        var before = errors.Count;
        for (var i = 0; i < rules.Count; i++)
        {
            var r = Read(rules[i] as JsonObject ?? []);
            var at = $"{path}.x-kubernetes-validations[{i}]";
            var rule = r.Text.Trim();
            var message = r.Message.Trim();
            if (rule.Length == 0) errors.Add(($"{at}.rule", "Required value", "rule is not specified"));
            else if (r.Message.Length > 0 && message.Length == 0) errors.Add(($"{at}.message", "Invalid value", $"{GoQuote(r.Message)}: message must be non-empty if specified"));
            else if (message.Contains('\n', StringComparison.Ordinal)) errors.Add(($"{at}.message", "Invalid value", $"{GoQuote(r.Message)}: message must not contain line breaks"));
            else if (rule.Contains('\n', StringComparison.Ordinal) && message.Length == 0) errors.Add(($"{at}.message", "Required value", "message must be specified if rule contains line breaks"));
            if (r.MessageExpression.Length > 0 && r.MessageExpression.Trim().Length == 0) errors.Add(($"{at}.messageExpression", "Required value", "messageExpression must be non-empty if specified"));
            if (r.Reason is { } reason && !Reasons.Contains(reason))
                errors.Add(($"{at}.reason", "Unsupported value", $"{GoQuote(reason)}: supported values: {string.Join(", ", Reasons.Order(StringComparer.Ordinal).Select(GoQuote))}"));
            if (r.FieldPath is { } fp)
            {
                if (fp.Trim().Length == 0) errors.Add(($"{at}.fieldPath", "Invalid value", $"{GoQuote(fp)}: fieldPath must be non-empty if specified"));
                if (fp.Contains('\n', StringComparison.Ordinal)) errors.Add(($"{at}.fieldPath", "Invalid value", $"{GoQuote(fp)}: fieldPath must not contain line breaks"));
                if (fp.Trim().Length > 0 && FieldPath(fp, s) is null) errors.Add(($"{at}.fieldPath", "Invalid value", $"{GoQuote(fp)}: fieldPath must be a valid path"));
            }
        }
        if (bad || errors.Count > before) return true;
        var compiled = CompileRules(s, root);
        for (var i = 0; i < compiled.Count; i++)
        {
            var r = compiled[i];
            var at = $"{path}.x-kubernetes-validations[{i}]";
            if (r.Error is { } error) errors.Add(($"{at}.rule", "Invalid value", $"{GoValue(r)}: {error}"));
            if (r.MessageError is { } messageError) errors.Add(($"{at}.messageExpression", "Invalid value", $"{GoValue(r)}: {messageError}"));
            if (r.UsesOldSelf && uncorrelatable is not null)
                errors.Add(($"{at}.rule", "Invalid value", $"{GoQuote(r.Text)}: oldSelf cannot be used on the uncorrelatable portion of the schema within {uncorrelatable}"));
            else if (!r.UsesOldSelf && r.Source["optionalOldSelf"]?.GetValue<bool>() is { } optional)
                errors.Add(($"{at}.optionalOldSelf", "Invalid value", $"{(optional ? "true" : "false")}: may not be set if oldSelf is not used in rule"));
        }
        return false;
    }

    private static Rule Read(JsonObject r) => new(
        r,
        r["rule"]?.GetValue<string>() ?? "",
        r["message"]?.GetValue<string>() ?? "",
        r["messageExpression"]?.GetValue<string>() ?? "",
        r["reason"]?.GetValue<string>(),
        r["fieldPath"]?.GetValue<string>(),
        r["optionalOldSelf"]?.GetValue<bool>() == true);

    private static List<Rule> CompileRules(JsonObject s, bool root)
    {
        var type = CelType.FromSchema(s, root);
        var result = new List<Rule>();
        foreach (var source in (s["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var r = Read(source);
            var vars = new Dictionary<string, CelType> { ["self"] = type, ["oldSelf"] = r.OptionalOldSelf ? CelType.Optional(type) : type };
            var (program, issues, resultType) = Compile(r.Text, vars);
            var error = issues is not null ? "compilation failed: " + issues
                : resultType is { IsDyn: false, Kind: not "bool" } ? "cel expression must evaluate to a bool" : null;
            r = r with { Program = error is null ? program : null, Error = error, UsesOldSelf = program is not null && UsesOldSelf(program) };
            if (r.MessageExpression.Trim().Length > 0)
            {
                var (mp, missues, mtype) = Compile(r.MessageExpression, vars);
                var merror = missues is not null ? "messageExpression compilation failed: " + missues
                    : mtype is { IsDyn: false, Kind: not "string" } ? "messageExpression must evaluate to a string" : null;
                r = r with { MessageProgram = merror is null ? mp : null, MessageError = merror };
            }
            result.Add(r);
        }
        return result;
    }

    /// <summary>Parses and checks an expression: its program and type, or the issues as cel-go prints them.</summary>
    private static (CelExpr? Program, string? Issues, CelType? Type) Compile(string source, Dictionary<string, CelType> vars)
    {
        CelExpr program;
        try { program = CelParser.Parse(source); }
        catch (CelSyntaxException x) { return (null, x.Issue.Display(source), null); }
        var (type, issues) = CelChecker.Check(program, vars);
        if (issues.Count > 0) return (program, string.Join("\n", issues.Select(i => i.Display(source))), null);
        return (program, null, type);
    }

    private static bool UsesOldSelf(CelExpr e) => e switch
    {
        CelIdent id => id.Name == "oldSelf",
        CelSelect s => UsesOldSelf(s.Operand),
        CelCall c => (c.Target is not null && UsesOldSelf(c.Target)) || c.Args.Any(UsesOldSelf),
        CelList l => l.Items.Any(UsesOldSelf),
        CelMapLiteral m => m.Entries.Any(en => UsesOldSelf(en.Key) || UsesOldSelf(en.Value)),
        CelMacro m => UsesOldSelf(m.Range) || (m.Var != "oldSelf" && ((m.Filter is not null && UsesOldSelf(m.Filter)) || UsesOldSelf(m.Step))),
        _ => false,
    };

    /// <summary>How Go's %#v prints the internal ValidationRule a compilation error names as its value.</summary>
    private static string GoValue(Rule r)
    {
        var reason = r.Reason is null ? "(*apiextensions.FieldValueErrorReason)(nil)" : "(*apiextensions.FieldValueErrorReason)(0xc0009a6e10)";
        var optional = r.Source["optionalOldSelf"] is null ? "(*bool)(nil)" : "(*bool)(0xc0009a6e18)";
        return $"apiextensions.ValidationRule{{Rule:{GoQuote(r.Text)}, Message:{GoQuote(r.Message)}, MessageExpression:{GoQuote(r.MessageExpression)}, Reason:{reason}, FieldPath:{GoQuote(r.FieldPath ?? "")}, OptionalOldSelf:{optional}}}";
    }

    /// <summary>Go's %q of a string.</summary>
    private static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        return sb.Append('"').ToString();
    }

    /// <summary>A rule's fieldPath (.a.b, ['a.b'], a map's keys) as a path under the node, or null when it names no field of the schema.</summary>
    private static string? FieldPath(string jsonPath, JsonObject schema)
    {
        var path = new StringBuilder();
        var s = schema;
        var i = 0;
        while (i < jsonPath.Length)
        {
            string name;
            if (jsonPath[i] == '.')
            {
                var end = jsonPath.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = jsonPath.Length;
                name = jsonPath[(i + 1)..end];
                i = end;
            }
            else if (jsonPath[i] == '[' && i + 1 < jsonPath.Length && jsonPath[i + 1] == '\'')
            {
                var end = i + 2;
                while (end < jsonPath.Length && !(jsonPath[end] == '\'' && jsonPath[end - 1] != '\\')) end++;
                if (end + 1 >= jsonPath.Length || jsonPath[end + 1] != ']') return null;
                name = jsonPath[(i + 2)..end].Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
                i = end + 2;
            }
            else return null;
            if (name.Length == 0) return null;
            if (s["properties"] is JsonObject props)
            {
                if (props[name] is not JsonObject next) return null;
                path.Append(path.Length == 0 ? name : "." + name);
                s = next;
            }
            else if (s["additionalProperties"] is JsonObject values)
            {
                path.Append('[').Append(name).Append(']');
                s = values;
            }
            else return null;
        }
        return path.ToString();
    }

    // ------------------------------------------------------------------ custom resources

    private static Node? Tree(JsonObject schema) => Compiled.GetValue(schema, s => Build(s, root: true)) is { IsEmpty: false } n ? n : null;

    private static Node Build(JsonObject s, bool root)
    {
        var node = new Node { Schema = s };
        node.Rules.AddRange(CompileRules(s, root));
        foreach (var (k, v) in s["properties"] as JsonObject ?? [])
            if (v is JsonObject p && Build(p, p["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true) is { IsEmpty: false } child) node.Properties[k] = child;
        if (s["items"] is JsonObject items && Build(items, items["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true) is { IsEmpty: false } i) node.Items = i;
        if (s["additionalProperties"] is JsonObject ap && Build(ap, ap["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true) is { IsEmpty: false } a) node.AdditionalProperties = a;
        return node;
    }

    /// <summary>
    /// Runs the rules over a custom resource (old: the stored object on update). Errors found before block the rules
    /// as upstream does when one of them is a required, unsupported, too long, too many or wrong type error.
    /// </summary>
    public static void Validate(JsonObject? schema, JsonObject o, JsonObject? old, List<(string Field, string Type, string Detail)> errors, List<string>? warnings, bool ratchet)
    {
        if (schema is null || Tree(schema) is not { } tree) return;
        if (errors.Any(e => e.Type is "Required value" or "Unsupported value" or "Too long" or "Too many" || e.Detail.Contains(" in body must be of type ", StringComparison.Ordinal)))
        {
            errors.Add(("<nil>", "Invalid value", "\"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"));
            return;
        }
        var found = new List<(string, string, string)>();
        Walk(tree, o, old, null, ratchet && old is not null && JsonNode.DeepEquals(o, old), ratchet, found, warnings);
        errors.AddRange(found);
    }

    private static string Child(string? path, string name) => path is null ? name : $"{path}.{name}";

    private static void Walk(Node n, JsonNode? value, JsonNode? old, string? path, bool unchanged, bool ratchet, List<(string, string, string)> errors, List<string>? warnings)
    {
        if (value is null) return;
        Evaluate(n, value, old, path, unchanged, ratchet, errors, warnings);
        switch (value)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    var child = n.Properties.GetValueOrDefault(k) ?? n.AdditionalProperties;
                    if (child is null) continue;
                    var oldV = (old as JsonObject)?[k];
                    var key = n.Properties.ContainsKey(k) ? Child(path, k) : $"{path}[{k}]";
                    // Uncorrelated (an item of an atomic list): whether the nearest correlated parent is unchanged.
                    Walk(child, v, oldV, key, oldV is not null ? JsonNode.DeepEquals(v, oldV) : old is null && unchanged, ratchet, errors, warnings);
                }
                break;
            case JsonArray a when n.Items is { } items:
                var keys = n.Schema["x-kubernetes-list-type"]?.GetValue<string>() == "map"
                    ? (n.Schema["x-kubernetes-list-map-keys"] as JsonArray ?? []).Select(k => k!.GetValue<string>()).ToList()
                    : null;
                for (var i = 0; i < a.Count; i++)
                {
                    var oldItem = keys is null ? null : (old as JsonArray)?.FirstOrDefault(x => keys.All(k => JsonNode.DeepEquals(x?[k], a[i]?[k])));
                    Walk(items, a[i], oldItem, $"{path}[{i}]", oldItem is not null ? JsonNode.DeepEquals(a[i], oldItem) : keys is null && unchanged, ratchet, errors, warnings);
                }
                break;
        }
    }

    private static void Evaluate(Node n, JsonNode value, JsonNode? old, string? path, bool unchanged, bool ratchet, List<(string, string, string)> errors, List<string>? warnings)
    {
        if (n.Rules.Count == 0) return;
        var schemaType = n.Schema["type"]?.GetValue<string>() ?? "";
        var typeLabel = $"\"{schemaType}\"";
        var type = CelType.FromSchema(n.Schema, root: path is null || n.Schema["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true);
        var self = CelRuntime.FromJson(value, type);
        var oldSelf = old is null ? null : CelRuntime.FromJson(old, type);
        var at = path ?? "<nil>";
        foreach (var r in n.Rules)
        {
            if (r.Error is not null)
            {
                errors.Add((at, "Invalid value", $"{typeLabel}: rule compile error: {r.Error}"));
                continue;
            }
            if (r.UsesOldSelf && old is null && !r.OptionalOldSelf) continue;
            var vars = new Dictionary<string, object?> { ["self"] = self };
            if (r.UsesOldSelf) vars["oldSelf"] = r.OptionalOldSelf ? new CelOptional(old is not null, oldSelf) : oldSelf;
            object? result;
            try { result = CelRuntime.Eval(r.Program!, vars); }
            catch (CelEvalException x)
            {
                errors.Add((at, "Invalid value", x.Message == "no such overload"
                    ? $"{typeLabel}: 'no such overload': call arguments did not match a supported operator, function or macro signature for rule: {r.ErrorString}"
                    : $"{typeLabel}: {x.Message} evaluating rule: {r.ErrorString}"));
                continue;
            }
            if (result is true) continue;
            var field = r.FieldPath is { } fp && FieldPath(fp.Trim(), n.Schema) is { Length: > 0 } normalized ? Child(path, normalized) : at;
            var message = r.MessageProgram is { } mp ? MessageOf(mp, vars) ?? Default(r) : Default(r);
            var error = r.Reason switch
            {
                "FieldValueForbidden" => (field, "Forbidden", message),
                "FieldValueRequired" => (field, "Required value", message),
                "FieldValueDuplicate" => (field, "Duplicate value", typeLabel),
                _ => (field, "Invalid value", $"{typeLabel}: {message}"),
            };
            if (ratchet && unchanged && !r.UsesOldSelf) warnings?.Add($"{error.field}: {error.Item2}{(error.Item3.Length > 0 ? ": " + error.Item3 : "")}");
            else errors.Add(error);
        }
    }

    private static string Default(Rule r) => r.Message.Trim().Length > 0 ? r.Message.Trim() : $"failed rule: {r.ErrorString}";

    /// <summary>A messageExpression's message, or null (the rule's message is used then) when it fails, is not a string, is empty or spans lines.</summary>
    private static string? MessageOf(CelExpr program, Dictionary<string, object?> vars)
    {
        try
        {
            return CelRuntime.Eval(program, vars) is string s && s.Trim() is { Length: > 0 and <= 5000 } m && !m.Contains('\n', StringComparison.Ordinal) ? m : null;
        }
        catch (CelEvalException) { return null; }
    }
}
