using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FakeApiServer.Cel;

/// <summary>An evaluation error, worded as cel-go words it ("no such key: x", "division by zero").</summary>
internal sealed class CelEvalException(string message) : Exception(message);

/// <summary>An optional value (oldSelf of a rule with optionalOldSelf, optional.of/none).</summary>
internal sealed record CelOptional(bool HasValue, object? Value);

/// <summary>A type as a value (type(x), int, string).</summary>
internal sealed record CelTypeName(string Name);

/// <summary>A Kubernetes quantity (quantity('1Gi')) as an exact decimal.</summary>
internal sealed record CelQuantity(decimal Value);

/// <summary>A CEL map (also an object of the schema): keys are strings, ints, uints or bools.</summary>
internal sealed class CelMap(Dictionary<object, object?> entries)
{
    public Dictionary<object, object?> Entries { get; } = entries;
}

/// <summary>Evaluates a checked expression: values are null, bool, long, ulong, double, string, byte[], lists, CelMap, CelOptional, CelQuantity.</summary>
internal static class CelRuntime
{
    private sealed class Scope(string name, object? value, Scope? parent)
    {
        public bool TryGet(string n, out object? v)
        {
            for (var s = this; s is not null; s = s.Parent)
                if (s.Name == n) { v = s.Value; return true; }
            v = null;
            return false;
        }

        private string Name { get; } = name;
        private object? Value { get; } = value;
        private Scope? Parent { get; } = parent;
    }

    public static object? Eval(CelExpr e, IReadOnlyDictionary<string, object?> vars)
    {
        Scope? scope = null;
        foreach (var (k, v) in vars) scope = new Scope(k, v, scope);
        return Eval(e, scope);
    }

    /// <summary>A JSON value as CEL sees it under its declared type (integers int, numbers double, objects maps by escaped field name).</summary>
    public static object? FromJson(JsonNode? n, CelType t)
    {
        switch (n)
        {
            case null:
                return null;
            case JsonObject o:
                var entries = new Dictionary<object, object?>();
                foreach (var (k, v) in o)
                {
                    if (t.Kind == "object")
                    {
                        // Fields the declared type lacks (metadata beyond name) are not part of the value.
                        if (t.Fields!.TryGetValue(CelType.Escape(k), out var ft)) entries[CelType.Escape(k)] = FromJson(v, ft);
                    }
                    else entries[k] = FromJson(v, t.Kind == "map" ? t.Elem! : CelType.Dyn);
                }
                return new CelMap(entries);
            case JsonArray a:
                var elem = t.Kind == "list" ? t.Elem! : CelType.Dyn;
                return a.Select(x => FromJson(x, elem)).ToList();
        }
        var value = (JsonValue)n;
        switch (value.GetValueKind())
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.String:
                var str = value.GetValue<string>();
                if (t == CelType.Timestamp && ParseTimestamp(str) is { } ts) return ts;
                if (t == CelType.Duration && ParseDuration(str) is { } d) return d;
                return str;
            case JsonValueKind.Number:
                var text = n.ToJsonString();
                if (t.Kind != "double" && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
                return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            default: return null;
        }
    }

    private static object? Eval(CelExpr e, Scope? scope)
    {
        switch (e)
        {
            case CelLiteral l:
                return l.Value;
            case CelIdent id:
                if (scope is not null && scope.TryGet(id.Name, out var v)) return v;
                return CelType.TypeNames.Contains(id.Name) ? new CelTypeName(id.Name) : throw new CelEvalException($"no such attribute: {id.Name}");
            case CelSelect { Optional: true } os:
                var maybe = Eval(os.Operand, scope);
                if (maybe is CelOptional o) { if (!o.HasValue) return o; maybe = o.Value; }
                if (maybe is not CelMap om) throw NoOverload();
                return om.Entries.TryGetValue(os.Field, out var of) ? new CelOptional(true, of) : new CelOptional(false, null);
            case CelSelect s:
                var operand = Eval(s.Operand, scope);
                if (operand is not CelMap m) throw new CelEvalException(operand is null ? $"unsupported type: null_type" : "no such overload");
                if (s.Test) return m.Entries.ContainsKey(s.Field);
                return m.Entries.TryGetValue(s.Field, out var f) ? f : throw new CelEvalException($"no such key: {s.Field}");
            case CelList list:
                return list.Items.Select(i => Eval(i, scope)).ToList();
            case CelMapLiteral map:
                var d = new Dictionary<object, object?>();
                foreach (var (k, val) in map.Entries)
                {
                    var key = Eval(k, scope) ?? throw new CelEvalException("unsupported key type");
                    if (!d.TryAdd(key, Eval(val, scope))) throw new CelEvalException($"Failed with repeated key: {Show(key)}");
                }
                return new CelMap(d);
            case CelMacro macro:
                return Macro(macro, scope);
            case CelCall c:
                return Call(c, scope);
            default:
                throw new CelEvalException("unsupported expression");
        }
    }

    private static object? Macro(CelMacro m, Scope? scope)
    {
        var range = Eval(m.Range, scope);
        IEnumerable<object?> items = range switch
        {
            List<object?> l => l,
            CelMap map => map.Entries.Keys,
            _ => throw new CelEvalException("no such overload"),
        };
        bool Test(CelExpr e, object? item)
        {
            var r = Eval(e, new Scope(m.Var, item, scope));
            return r as bool? ?? throw new CelEvalException("no such overload");
        }
        switch (m.Name)
        {
            case "all" or "exists":
                // The logical operators' error absorption: a decisive result wins over an error seen on the way.
                CelEvalException? error = null;
                foreach (var item in items)
                {
                    try
                    {
                        if (Test(m.Step, item) == (m.Name == "exists")) return m.Name == "exists";
                    }
                    catch (CelEvalException x) { error ??= x; }
                }
                if (error is not null) throw error;
                return m.Name == "all";
            case "exists_one":
                return items.Count(item => Test(m.Step, item)) == 1;
            case "filter":
                return items.Where(item => Test(m.Step, item)).ToList();
            default:
                return items.Where(item => m.Filter is null || Test(m.Filter, item)).Select(item => Eval(m.Step, new Scope(m.Var, item, scope))).ToList();
        }
    }

    private static object? Call(CelCall c, Scope? scope)
    {
        switch (c.Function)
        {
            case "_&&_" or "_||_":
                var decisive = c.Function == "_||_";
                CelEvalException? error = null;
                foreach (var arg in c.Args)
                {
                    try
                    {
                        var r = Eval(arg, scope) as bool? ?? throw new CelEvalException("no such overload");
                        if (r == decisive) return decisive;
                    }
                    catch (CelEvalException x) { error ??= x; }
                }
                if (error is not null) throw error;
                return !decisive;
            case "_?_:_":
                var cond = Eval(c.Args[0], scope) as bool? ?? throw new CelEvalException("no such overload");
                return Eval(c.Args[cond ? 1 : 2], scope);
        }
        var ns = c.Target is CelIdent id && id.Name is "sets" or "optional" && (scope is null || !scope.TryGet(id.Name, out _)) ? id.Name : null;
        var target = ns is null && c.Target is not null ? Eval(c.Target, scope) : null;
        var a = c.Args.Select(x => Eval(x, scope)).ToList();
        var function = ns is null ? c.Function : $"{ns}.{c.Function}";
        if (CelType.Unimplemented.Contains(function)) throw new CelEvalException($"{function}() is not implemented by the fake API server");
        if (c.Target is not null && ns is null) return Member(function, target, a);
        return Global(function, a);
    }

    private static object? Global(string function, List<object?> a)
    {
        switch (function, a.Count)
        {
            case ("!_", 1): return !(a[0] as bool? ?? throw NoOverload());
            case ("-_", 1):
                return a[0] switch
                {
                    long l => l == long.MinValue ? throw new CelEvalException("integer overflow") : -l,
                    double d => -d,
                    _ => throw NoOverload(),
                };
            case ("_==_", 2): return CelEquals(a[0], a[1]);
            case ("_!=_", 2): return !CelEquals(a[0], a[1]);
            case ("_<_", 2): return Compare(a[0], a[1]) < 0;
            case ("_<=_", 2): return Compare(a[0], a[1]) <= 0;
            case ("_>_", 2): return Compare(a[0], a[1]) > 0;
            case ("_>=_", 2): return Compare(a[0], a[1]) >= 0;
            case ("_+_" or "_-_" or "_*_" or "_/_" or "_%_", 2): return Arithmetic(function, a[0], a[1]);
            case ("_[_]", 2): return Index(a[0], a[1]);
            case ("@in", 2):
                return a[1] switch
                {
                    List<object?> l => l.Any(x => CelEquals(x, a[0])),
                    CelMap m => a[0] is not null && m.Entries.Keys.Any(k => CelEquals(k, a[0])),
                    _ => throw NoOverload(),
                };
            case ("size", 1): return Size(a[0]);
            case ("int", 1): return a[0] is DateTimeOffset ts ? ts.ToUnixTimeSeconds() : ToInt(a[0]);
            case ("timestamp", 1):
                if (a[0] is DateTimeOffset) return a[0];
                return ParseTimestamp(Str(a[0])) ?? throw new CelEvalException($"timestamp conversion error: parsing time \"{a[0]}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse");
            case ("duration", 1):
                if (a[0] is TimeSpan) return a[0];
                return ParseDuration(Str(a[0])) ?? throw new CelEvalException($"type conversion error from 'string' to 'google.protobuf.Duration'");
            case ("uint", 1): return ToUint(a[0]);
            case ("double", 1):
                return a[0] switch
                {
                    long l => (double)l,
                    ulong u => (double)u,
                    double d => d,
                    string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new CelEvalException($"cannot convert '{s}' to double"),
                    _ => throw NoOverload(),
                };
            case ("string", 1):
                return a[0] switch
                {
                    string s => s,
                    bool b => b ? "true" : "false",
                    byte[] bytes => Encoding.UTF8.GetString(bytes),
                    long or ulong or double => Show(a[0]),
                    DateTimeOffset time => time.UtcDateTime.ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
                    TimeSpan d => (d.Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.#########", CultureInfo.InvariantCulture) + "s",
                    _ => throw NoOverload(),
                };
            case ("bool", 1):
                return a[0] switch
                {
                    bool b => b,
                    string s when s is "true" or "True" or "TRUE" or "t" or "1" => true,
                    string s when s is "false" or "False" or "FALSE" or "f" or "0" => false,
                    string s => throw new CelEvalException($"type conversion error from 'string' to 'bool'"),
                    _ => throw NoOverload(),
                };
            case ("bytes", 1): return a[0] is string str ? Encoding.UTF8.GetBytes(str) : a[0] as byte[] ?? throw NoOverload();
            case ("dyn", 1): return a[0];
            case ("type", 1):
                return new CelTypeName(a[0] switch
                {
                    null => "null_type",
                    bool => "bool",
                    long => "int",
                    ulong => "uint",
                    double => "double",
                    string => "string",
                    byte[] => "bytes",
                    List<object?> => "list",
                    CelMap => "map",
                    CelOptional => "optional_type",
                    CelQuantity => "kubernetes.Quantity",
                    _ => "type",
                });
            case ("optional.of", 1): return new CelOptional(true, a[0]);
            case ("optional.none", 0): return new CelOptional(false, null);
            case ("sets.contains", 2): return Lists(a[1]).All(x => Lists(a[0]).Any(y => CelEquals(x, y)));
            case ("sets.equivalent", 2): return Lists(a[1]).All(x => Lists(a[0]).Any(y => CelEquals(x, y))) && Lists(a[0]).All(x => Lists(a[1]).Any(y => CelEquals(x, y)));
            case ("sets.intersects", 2): return Lists(a[1]).Any(x => Lists(a[0]).Any(y => CelEquals(x, y)));
            case ("quantity", 1): return Quantities.TryParse((string)a[0]!, out var q) ? new CelQuantity(q) : throw new CelEvalException(Quantities.FormatError);
            case ("isQuantity", 1): return Quantities.TryParse((string)a[0]!, out _);
            default: throw NoOverload();
        }
    }

    private static List<object?> Lists(object? v) => v as List<object?> ?? throw NoOverload();

    private static object? Member(string function, object? t, List<object?> a)
    {
        switch (t, function, a.Count)
        {
            case (_, "size", 0): return Size(t);
            case (string s, "startsWith", 1): return s.StartsWith(Str(a[0]), StringComparison.Ordinal);
            case (string s, "endsWith", 1): return s.EndsWith(Str(a[0]), StringComparison.Ordinal);
            case (string s, "contains", 1): return s.Contains(Str(a[0]), StringComparison.Ordinal);
            case (string s, "matches", 1): return Regex(Str(a[0])).IsMatch(s);
            case (string s, "lowerAscii", 0): return new string(s.Select(ch => char.IsAsciiLetterUpper(ch) ? char.ToLowerInvariant(ch) : ch).ToArray());
            case (string s, "upperAscii", 0): return new string(s.Select(ch => char.IsAsciiLetterLower(ch) ? char.ToUpperInvariant(ch) : ch).ToArray());
            case (string s, "trim", 0): return s.Trim();
            case (string s, "charAt", 1):
                var at = (long)a[0]!;
                if (at < 0 || at > s.Length) throw new CelEvalException($"index out of range: {at}");
                return at == s.Length ? "" : s[(int)at].ToString();
            case (string s, "indexOf" or "lastIndexOf", 1 or 2):
                var sub = Str(a[0]);
                var offset = a.Count == 2 ? (long)a[1]! : function == "indexOf" ? 0 : s.Length;
                if (offset < 0 || offset > s.Length) throw new CelEvalException($"index out of range: {offset}");
                if (function == "indexOf") return (long)s.IndexOf(sub, (int)offset, StringComparison.Ordinal);
                if (sub.Length == 0) return offset;
                var start = (int)Math.Min(offset + sub.Length - 1, s.Length - 1);
                return start < 0 ? -1L : (long)s.LastIndexOf(sub, start, StringComparison.Ordinal);
            case (string s, "replace", 2 or 3):
                return Replace(s, Str(a[0]), Str(a[1]), a.Count == 3 ? (long)a[2]! : -1);
            case (string s, "split", 1 or 2):
                return Split(s, Str(a[0]), a.Count == 2 ? (long)a[1]! : -1).Select(x => (object?)x).ToList();
            case (string s, "substring", 1 or 2):
                var from = (long)a[0]!;
                var to = a.Count == 2 ? (long)a[1]! : s.Length;
                if (from < 0 || from > s.Length) throw new CelEvalException($"index out of range: {from}");
                if (to < 0 || to > s.Length) throw new CelEvalException($"index out of range: {to}");
                if (from > to) throw new CelEvalException($"invalid substring range. start: {from}, end: {to}");
                return s[(int)from..(int)to];
            case (string s, "find", 1): return Regex(Str(a[0])).Match(s) is { Success: true } match ? match.Value : "";
            case (string s, "findAll", 1 or 2):
                var limit = a.Count == 2 ? (long)a[1]! : -1;
                var found = Regex(Str(a[0])).Matches(s).Select(x => (object?)x.Value);
                return (limit < 0 ? found : found.Take((int)limit)).ToList();
            case (List<object?> l, "join", 0 or 1):
                return string.Join(a.Count == 1 ? Str(a[0]) : "", l.Select(Str));
            case (List<object?> l, "isSorted", 0):
                for (var i = 1; i < l.Count; i++)
                    if (Compare(l[i - 1], l[i]) > 0) return false;
                return true;
            case (List<object?> l, "sum", 0):
                object zero = l.FirstOrDefault() switch { double => 0.0, ulong => (object)0UL, _ => 0L };
                return l.Aggregate(zero, (acc, x) => Arithmetic("_+_", acc, x)!);
            case (List<object?> l, "min" or "max", 0):
                if (l.Count == 0) throw new CelEvalException($"{function} called on empty list");
                return l.Aggregate((x, y) => (Compare(x, y) <= 0) == (function == "min") ? x : y);
            case (List<object?> l, "indexOf", 1): return (long)l.FindIndex(x => CelEquals(x, a[0]));
            case (List<object?> l, "lastIndexOf", 1): return (long)l.FindLastIndex(x => CelEquals(x, a[0]));
            case (CelOptional o, "hasValue", 0): return o.HasValue;
            case (CelOptional o, "value", 0): return o.HasValue ? o.Value : throw new CelEvalException("optional.none() dereference");
            case (CelOptional o, "orValue", 1): return o.HasValue ? o.Value : a[0];
            case (CelQuantity q, "isGreaterThan", 1): return q.Value > Quantity(a[0]);
            case (CelQuantity q, "isLessThan", 1): return q.Value < Quantity(a[0]);
            case (CelQuantity q, "compareTo", 1): return (long)q.Value.CompareTo(Quantity(a[0]));
            case (CelQuantity q, "add", 1): return new CelQuantity(q.Value + (a[0] is long n ? n : Quantity(a[0])));
            case (CelQuantity q, "sub", 1): return new CelQuantity(q.Value - (a[0] is long k ? k : Quantity(a[0])));
            case (CelQuantity q, "isInteger", 0): return decimal.Truncate(q.Value) == q.Value && q.Value is >= long.MinValue and <= long.MaxValue;
            case (CelQuantity q, "asInteger", 0):
                return decimal.Truncate(q.Value) == q.Value && q.Value is >= long.MinValue and <= long.MaxValue ? (long)q.Value : throw new CelEvalException("cannot convert value to integer");
            case (CelQuantity q, "asApproximateFloat", 0): return (double)q.Value;
            case (CelQuantity q, "sign", 0): return (long)Math.Sign(q.Value);
            case (DateTimeOffset ts, _, 0) when TimePart(ts.UtcDateTime, function) is { } part: return part;
            case (TimeSpan d, "getHours", 0): return (long)d.TotalHours;
            case (TimeSpan d, "getMinutes", 0): return (long)d.TotalMinutes;
            case (TimeSpan d, "getSeconds", 0): return (long)d.TotalSeconds;
            case (TimeSpan d, "getMilliseconds", 0): return (long)d.TotalMilliseconds;
            default: throw NoOverload();
        }
    }

    /// <summary>A timestamp's field in UTC, as cel-go counts them (months and days of the year from 0, getDayOfMonth from 0, getDate from 1).</summary>
    private static long? TimePart(DateTime t, string function) => function switch
    {
        "getFullYear" => t.Year,
        "getMonth" => t.Month - 1,
        "getDayOfMonth" => t.Day - 1,
        "getDate" => t.Day,
        "getDayOfYear" => t.DayOfYear - 1,
        "getDayOfWeek" => (long)t.DayOfWeek,
        "getHours" => t.Hour,
        "getMinutes" => t.Minute,
        "getSeconds" => t.Second,
        "getMilliseconds" => t.Millisecond,
        _ => null,
    };

    /// <summary>An RFC 3339 time (what a date-time field holds; a date alone is midnight UTC).</summary>
    public static DateTimeOffset? ParseTimestamp(string s) =>
        DateTimeOffset.TryParseExact(s, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    /// <summary>A Go duration ("1h30m", "1.5s", "300ms", "-2m"), or null when the text is not one.</summary>
    public static TimeSpan? ParseDuration(string s)
    {
        var m = System.Text.RegularExpressions.Regex.Match(s, "^([-+]?)((?:[0-9]*\\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+|0)$");
        if (!m.Success) return null;
        var ticks = 0m;
        foreach (System.Text.RegularExpressions.Match part in System.Text.RegularExpressions.Regex.Matches(m.Groups[2].Value, "([0-9]*\\.?[0-9]+)(ns|us|µs|ms|s|m|h)"))
        {
            var n = decimal.Parse(part.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            ticks += n * part.Groups[2].Value switch
            {
                "ns" => 0.01m,
                "us" or "µs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }
        return TimeSpan.FromTicks((long)(m.Groups[1].Value == "-" ? -ticks : ticks));
    }

    private static decimal Quantity(object? v) => (v as CelQuantity ?? throw NoOverload()).Value;

    private static string Str(object? v) => v as string ?? throw NoOverload();

    private static CelEvalException NoOverload() => new("no such overload");

    private static Regex Regex(string pattern)
    {
        try { return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)); }
        catch (ArgumentException x) { throw new CelEvalException($"error parsing regexp: {x.Message}"); }
    }

    /// <summary>Go's strings.Replace: n &lt; 0 replaces every match; an empty old string matches between every character.</summary>
    private static string Replace(string s, string old, string replacement, long n)
    {
        if (n == 0 || (old.Length == 0 && s.Length == 0 && n != 0 && replacement.Length == 0)) return s;
        var sb = new StringBuilder();
        var i = 0;
        var done = 0L;
        while (n < 0 || done < n)
        {
            var j = old.Length == 0 ? (i <= s.Length ? i : -1) : s.IndexOf(old, i, StringComparison.Ordinal);
            if (j < 0) break;
            sb.Append(s, i, j - i).Append(replacement);
            done++;
            if (old.Length == 0)
            {
                if (j < s.Length) sb.Append(s[j]);
                i = j + 1;
            }
            else i = j + old.Length;
        }
        if (i < s.Length) sb.Append(s, i, s.Length - i);
        return sb.ToString();
    }

    /// <summary>Go's strings.SplitN: n &lt; 0 all parts, n == 0 none, an empty separator splits into characters.</summary>
    private static List<string> Split(string s, string sep, long n)
    {
        if (n == 0) return [];
        if (sep.Length == 0)
        {
            var chars = s.Select(ch => ch.ToString()).ToList();
            if (n > 0 && chars.Count > n) chars = [.. chars.Take((int)n - 1), s[((int)n - 1)..]];
            return chars;
        }
        var parts = new List<string>();
        var i = 0;
        while (n < 0 || parts.Count < n - 1)
        {
            var j = s.IndexOf(sep, i, StringComparison.Ordinal);
            if (j < 0) break;
            parts.Add(s[i..j]);
            i = j + sep.Length;
        }
        parts.Add(s[i..]);
        return parts;
    }

    private static long Size(object? v) => v switch
    {
        string s => s.EnumerateRunes().Count(),
        byte[] b => b.Length,
        List<object?> l => l.Count,
        CelMap m => m.Entries.Count,
        _ => throw NoOverload(),
    };

    private static long ToInt(object? v) => v switch
    {
        long l => l,
        ulong u => u <= long.MaxValue ? (long)u : throw new CelEvalException("integer overflow"),
        double d => double.IsFinite(d) && d > -9.2233720368547758E+18 && d < 9.2233720368547758E+18 ? (long)d : throw new CelEvalException("integer overflow"),
        string s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : throw new CelEvalException($"cannot convert '{s}' to int"),
        _ => throw NoOverload(),
    };

    private static ulong ToUint(object? v) => v switch
    {
        long l => l >= 0 ? (ulong)l : throw new CelEvalException("unsigned integer overflow"),
        ulong u => u,
        double d => double.IsFinite(d) && d >= 0 && d < 1.8446744073709552E+19 ? (ulong)d : throw new CelEvalException("unsigned integer overflow"),
        string s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? u : throw new CelEvalException($"cannot convert '{s}' to uint"),
        _ => throw NoOverload(),
    };

    private static object? Index(object? container, object? key)
    {
        switch (container)
        {
            case List<object?> l:
                var i = key switch
                {
                    long n => n,
                    ulong u => (long)u,
                    double d when d == Math.Floor(d) => (long)d,
                    _ => throw NoOverload(),
                };
                if (i < 0 || i >= l.Count) throw new CelEvalException($"index '{i}' out of range in list size '{l.Count}'");
                return l[(int)i];
            case CelMap m:
                foreach (var (k, v) in m.Entries)
                    if (CelEquals(k, key)) return v;
                throw new CelEvalException($"no such key: {(key is string s ? s : Show(key))}");
            default:
                throw NoOverload();
        }
    }

    private static object? Arithmetic(string op, object? x, object? y)
    {
        try
        {
            return (x, y) switch
            {
                (long a, long b) => op switch
                {
                    "_+_" => checked(a + b),
                    "_-_" => checked(a - b),
                    "_*_" => checked(a * b),
                    "_/_" => b == 0 ? throw new CelEvalException("division by zero") : a == long.MinValue && b == -1 ? throw new OverflowException() : a / b,
                    _ => b == 0 ? throw new CelEvalException("modulus by zero") : a == long.MinValue && b == -1 ? throw new OverflowException() : a % b,
                },
                (ulong a, ulong b) => op switch
                {
                    "_+_" => checked(a + b),
                    "_-_" => checked(a - b),
                    "_*_" => checked(a * b),
                    "_/_" => b == 0 ? throw new CelEvalException("division by zero") : a / b,
                    _ => b == 0 ? throw new CelEvalException("modulus by zero") : a % b,
                },
                (double a, double b) => op switch
                {
                    "_+_" => a + b,
                    "_-_" => a - b,
                    "_*_" => a * b,
                    "_/_" => a / b,
                    _ => throw NoOverload(),
                },
                (string a, string b) when op == "_+_" => a + b,
                (byte[] a, byte[] b) when op == "_+_" => a.Concat(b).ToArray(),
                (List<object?> a, List<object?> b) when op == "_+_" => a.Concat(b).ToList(),
                (DateTimeOffset a, TimeSpan b) when op is "_+_" or "_-_" => op == "_+_" ? a + b : a - b,
                (TimeSpan a, DateTimeOffset b) when op == "_+_" => b + a,
                (DateTimeOffset a, DateTimeOffset b) when op == "_-_" => a - b,
                (TimeSpan a, TimeSpan b) when op is "_+_" or "_-_" => op == "_+_" ? a + b : a - b,
                _ => throw NoOverload(),
            };
        }
        catch (OverflowException)
        {
            throw new CelEvalException(x is ulong ? "unsigned integer overflow" : "integer overflow");
        }
    }

    /// <summary>CEL equality: numbers compare by value across int, uint and double; lists and maps deeply; other kinds never equal.</summary>
    public static bool CelEquals(object? x, object? y)
    {
        switch (x, y)
        {
            case (null, null): return true;
            case (null, _) or (_, null): return false;
            case (long or ulong or double, long or ulong or double): return NumericCompare(x, y) == 0;
            case (List<object?> a, List<object?> b): return a.Count == b.Count && a.Zip(b).All(p => CelEquals(p.First, p.Second));
            case (CelMap a, CelMap b):
                return a.Entries.Count == b.Entries.Count && a.Entries.All(kv => b.Entries.TryGetValue(kv.Key, out var other) && CelEquals(kv.Value, other));
            case (byte[] a, byte[] b): return a.AsSpan().SequenceEqual(b);
            case (CelOptional a, CelOptional b): return a.HasValue == b.HasValue && CelEquals(a.Value, b.Value);
            default: return x.GetType() == y.GetType() && x.Equals(y);
        }
    }

    private static int? NumericCompare(object x, object y)
    {
        if (x is double dx || y is double)
        {
            var a = Convert.ToDouble(x, CultureInfo.InvariantCulture);
            var b = Convert.ToDouble(y, CultureInfo.InvariantCulture);
            return double.IsNaN(a) || double.IsNaN(b) ? null : a.CompareTo(b);
        }
        if (x is long lx && y is long ly) return lx.CompareTo(ly);
        if (x is ulong ux && y is ulong uy) return ux.CompareTo(uy);
        if (x is long l1) return l1 < 0 ? -1 : ((ulong)l1).CompareTo((ulong)y);
        var l2 = (long)y;
        return l2 < 0 ? 1 : ((ulong)x).CompareTo((ulong)l2);
    }

    private static int Compare(object? x, object? y) => (x, y) switch
    {
        (long or ulong or double, long or ulong or double) => NumericCompare(x!, y!) ?? throw new CelEvalException("NaN values cannot be ordered"),
        (string a, string b) => string.CompareOrdinal(a, b),
        (bool a, bool b) => a.CompareTo(b),
        (byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (TimeSpan a, TimeSpan b) => a.CompareTo(b),
        _ => throw NoOverload(),
    };

    /// <summary>How cel-go prints a value with string(): doubles in the shortest form that reads back.</summary>
    private static string Show(object? v) => v switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal),
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => v?.ToString() ?? "null",
    };
}
