using System.Globalization;
using System.Text;

namespace FakeApiServer.Cel;

/// <summary>A node of a parsed CEL expression; Pos is the offset of the token cel-go reports errors at.</summary>
internal abstract record CelExpr(int Pos);

internal sealed record CelLiteral(int Pos, object? Value) : CelExpr(Pos);

internal sealed record CelIdent(int Pos, string Name) : CelExpr(Pos);

/// <summary>operand.field, has(operand.field) when Test is set, operand.?field (an optional) when Optional is.</summary>
internal sealed record CelSelect(int Pos, CelExpr Operand, string Field, bool Test, bool Optional = false) : CelExpr(Pos);

/// <summary>A function or operator (_+_, _==_, !_, _[_], @in, _?_:_, _&amp;&amp;_, _||_), global or on a target.</summary>
internal sealed record CelCall(int Pos, string Function, CelExpr? Target, IReadOnlyList<CelExpr> Args) : CelExpr(Pos);

internal sealed record CelList(int Pos, IReadOnlyList<CelExpr> Items) : CelExpr(Pos);

internal sealed record CelMapLiteral(int Pos, IReadOnlyList<(CelExpr Key, CelExpr Value)> Entries) : CelExpr(Pos);

/// <summary>A macro over a list or map: all, exists, exists_one, map (with or without a filter), filter.</summary>
internal sealed record CelMacro(int Pos, string Name, CelExpr Range, string Var, CelExpr? Filter, CelExpr Step) : CelExpr(Pos);

/// <summary>A compilation problem at an offset of the source, printed the way cel-go prints its issues.</summary>
internal sealed class CelIssue(int pos, string message)
{
    public int Pos { get; } = pos;
    public string Message { get; } = message;

    /// <summary>"ERROR: &lt;input&gt;:1:6: message", then the source line and a caret under the column.</summary>
    public string Display(string source)
    {
        var lineStart = source.LastIndexOf('\n', Math.Max(0, Math.Min(Pos, source.Length) - 1)) + 1;
        if (Pos == 0) lineStart = 0;
        var line = source[..Math.Min(Pos, source.Length)].Count(c => c == '\n') + 1;
        var column = Math.Min(Pos, source.Length) - lineStart;
        var lineEnd = source.IndexOf('\n', lineStart);
        var snippet = (lineEnd < 0 ? source[lineStart..] : source[lineStart..lineEnd]).Replace('\t', ' ');
        return $"ERROR: <input>:{line}:{column + 1}: {Message}\n | {snippet}\n | {new string('.', column)}^";
    }
}

internal sealed class CelSyntaxException(CelIssue issue) : Exception(issue.Message)
{
    public CelIssue Issue { get; } = issue;
}

/// <summary>A recursive-descent parser of the CEL grammar (precedence as in the cel-spec), with its macros expanded.</summary>
internal sealed class CelParser
{
    private enum Tk { Int, Uint, Double, String, Bytes, Ident, Punct, Eof }

    private readonly record struct Token(Tk Kind, string Text, int Pos, object? Value);

    private static readonly HashSet<string> Reserved = ["as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"];
    private const string Expecting = "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}";

    private readonly List<Token> _tokens;
    private int _i;

    private CelParser(string source) => _tokens = Lex(source);

    public static CelExpr Parse(string source)
    {
        var p = new CelParser(source);
        var e = p.Expr();
        if (p.Peek.Kind != Tk.Eof) throw p.Error(p.Peek, $"Syntax error: extraneous input '{p.Peek.Text}' expecting <EOF>");
        return e;
    }

    private Token Peek => _tokens[_i];

    private bool IsPunct(string p) => Peek.Kind == Tk.Punct && Peek.Text == p;

    private Token Next() => _tokens[_i++];

    private CelSyntaxException Error(Token t, string message) => new(new CelIssue(t.Pos, message));

    private Token Expect(string p)
    {
        if (!IsPunct(p)) throw Error(Peek, $"Syntax error: mismatched input '{Show(Peek)}' expecting '{p}'");
        return Next();
    }

    private static string Show(Token t) => t.Kind == Tk.Eof ? "<EOF>" : t.Text;

    private CelExpr Expr()
    {
        var cond = Or();
        if (!IsPunct("?")) return cond;
        var q = Next();
        var then = Or();
        Expect(":");
        var otherwise = Expr();
        return new CelCall(q.Pos, "_?_:_", null, [cond, then, otherwise]);
    }

    private CelExpr Or()
    {
        var e = And();
        while (IsPunct("||")) { var op = Next(); e = new CelCall(op.Pos, "_||_", null, [e, And()]); }
        return e;
    }

    private CelExpr And()
    {
        var e = Relation();
        while (IsPunct("&&")) { var op = Next(); e = new CelCall(op.Pos, "_&&_", null, [e, Relation()]); }
        return e;
    }

    private CelExpr Relation()
    {
        var e = Additive();
        while (Peek.Kind == Tk.Punct && Peek.Text is "<" or "<=" or ">" or ">=" or "==" or "!=" || (Peek.Kind == Tk.Ident && Peek.Text == "in"))
        {
            var op = Next();
            e = new CelCall(op.Pos, op.Text == "in" ? "@in" : $"_{op.Text}_", null, [e, Additive()]);
        }
        return e;
    }

    private CelExpr Additive()
    {
        var e = Multiplicative();
        while (IsPunct("+") || IsPunct("-")) { var op = Next(); e = new CelCall(op.Pos, $"_{op.Text}_", null, [e, Multiplicative()]); }
        return e;
    }

    private CelExpr Multiplicative()
    {
        var e = Unary();
        while (IsPunct("*") || IsPunct("/") || IsPunct("%")) { var op = Next(); e = new CelCall(op.Pos, $"_{op.Text}_", null, [e, Unary()]); }
        return e;
    }

    private CelExpr Unary()
    {
        if (IsPunct("!")) { var op = Next(); return new CelCall(op.Pos, "!_", null, [Unary()]); }
        if (IsPunct("-"))
        {
            var op = Next();
            if (Peek.Kind is Tk.Int or Tk.Double && !IsPunct("-"))
            {
                var lit = Next();
                if (lit.Kind == Tk.Int && lit.Value is ulong u)
                {
                    if (u > (ulong)long.MaxValue + 1) throw Error(lit, "invalid int literal");
                    return Member(new CelLiteral(op.Pos, u == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)u));
                }
                return Member(new CelLiteral(op.Pos, -(double)lit.Value!));
            }
            return new CelCall(op.Pos, "-_", null, [Unary()]);
        }
        return Member(Primary());
    }

    private CelExpr Member(CelExpr e)
    {
        while (true)
        {
            if (IsPunct("."))
            {
                var dot = Next();
                var optional = IsPunct("?");
                if (optional) Next();
                if (Peek.Kind != Tk.Ident) throw Error(Peek, $"Syntax error: mismatched input '{Show(Peek)}' expecting IDENTIFIER");
                var name = Next().Text;
                if (IsPunct("(") && !optional)
                {
                    var open = Next();
                    var args = Args(")");
                    e = MemberCall(open.Pos, name, e, args);
                }
                else e = new CelSelect(dot.Pos, e, name, false, optional);
            }
            else if (IsPunct("["))
            {
                var open = Next();
                var index = Expr();
                Expect("]");
                e = new CelCall(open.Pos, "_[_]", null, [e, index]);
            }
            else return e;
        }
    }

    private CelExpr MemberCall(int pos, string name, CelExpr target, List<CelExpr> args)
    {
        var macro = (name, args.Count) switch
        {
            ("all" or "exists" or "exists_one" or "filter", 2) or ("map", 2 or 3) => name,
            _ => null,
        };
        if (macro is null) return new CelCall(pos, name, target, args);
        if (args[0] is not CelIdent v) throw new CelSyntaxException(new CelIssue(args[0].Pos, "argument must be a simple name"));
        return name == "map" && args.Count == 3
            ? new CelMacro(pos, "map", target, v.Name, args[1], args[2])
            : new CelMacro(pos, name, target, v.Name, null, args[1]);
    }

    private List<CelExpr> Args(string close)
    {
        var args = new List<CelExpr>();
        if (IsPunct(close)) { Next(); return args; }
        while (true)
        {
            args.Add(Expr());
            if (IsPunct(",")) { Next(); if (IsPunct(close)) { Next(); return args; } continue; }
            Expect(close);
            return args;
        }
    }

    private CelExpr Primary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case Tk.Int or Tk.Uint or Tk.Double or Tk.String or Tk.Bytes:
                if (t.Kind == Tk.Int)
                {
                    var u = (ulong)t.Value!;
                    if (u > long.MaxValue) throw Error(t, "invalid int literal");
                    return new CelLiteral(t.Pos, (long)u);
                }
                return new CelLiteral(t.Pos, t.Value);
            case Tk.Ident:
                switch (t.Text)
                {
                    case "true": return new CelLiteral(t.Pos, true);
                    case "false": return new CelLiteral(t.Pos, false);
                    case "null": return new CelLiteral(t.Pos, null);
                    case "in": throw Error(t, $"Syntax error: mismatched input 'in' expecting {Expecting}");
                }
                if (Reserved.Contains(t.Text)) throw Error(t, $"reserved identifier: {t.Text}");
                if (!IsPunct("(")) return new CelIdent(t.Pos, t.Text);
                var open = Next();
                var args = Args(")");
                if (t.Text == "has")
                {
                    if (args.Count != 1 || args[0] is not CelSelect s) throw new CelSyntaxException(new CelIssue(open.Pos, "invalid argument to has() macro"));
                    return s with { Test = true };
                }
                return new CelCall(open.Pos, t.Text, null, args);
            case Tk.Punct when t.Text == "(":
                var inner = Expr();
                Expect(")");
                return inner;
            case Tk.Punct when t.Text == "[":
                return new CelList(t.Pos, Args("]"));
            case Tk.Punct when t.Text == "{":
                var entries = new List<(CelExpr, CelExpr)>();
                while (!IsPunct("}"))
                {
                    var k = Expr();
                    Expect(":");
                    entries.Add((k, Expr()));
                    if (!IsPunct(",")) break;
                    Next();
                }
                Expect("}");
                return new CelMapLiteral(t.Pos, entries);
            case Tk.Punct when t.Text == "." && Peek.Kind == Tk.Ident:
                return Primary();
            default:
                throw Error(t, $"Syntax error: mismatched input '{Show(t)}' expecting {Expecting}");
        }
    }

    // ------------------------------------------------------------------ lexer

    private static readonly string[] Puncts = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"];

    private static List<Token> Lex(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < s.Length && (char.IsWhiteSpace(s[i]) || (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '/')))
            {
                if (s[i] == '/') { while (i < s.Length && s[i] != '\n') i++; }
                else i++;
            }
            if (i >= s.Length) { tokens.Add(new Token(Tk.Eof, "", i, null)); return tokens; }
            var start = i;
            var c = s[i];
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                tokens.Add(Number(s, ref i));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
                var word = s[start..i];
                var lower = word.ToLowerInvariant();
                if (i < s.Length && s[i] is '"' or '\'' && lower is "r" or "b" or "rb" or "br")
                {
                    var text = Quoted(s, ref i, raw: lower.Contains('r'), start);
                    tokens.Add(lower.Contains('b')
                        ? new Token(Tk.Bytes, s[start..i], start, Encoding.Latin1.GetBytes(text))
                        : new Token(Tk.String, s[start..i], start, text));
                    continue;
                }
                tokens.Add(new Token(Tk.Ident, word, start, null));
                continue;
            }
            if (c is '"' or '\'')
            {
                var text = Quoted(s, ref i, raw: false, start);
                tokens.Add(new Token(Tk.String, s[start..i], start, text));
                continue;
            }
            var p = Puncts.FirstOrDefault(p => string.CompareOrdinal(s, i, p, 0, p.Length) == 0)
                ?? throw new CelSyntaxException(new CelIssue(i, $"Syntax error: token recognition error at: '{c}'"));
            i += p.Length;
            tokens.Add(new Token(Tk.Punct, p, start, null));
        }
    }

    private static Token Number(string s, ref int i)
    {
        var start = i;
        if (s[i] == '0' && i + 1 < s.Length && s[i + 1] is 'x' or 'X')
        {
            i += 2;
            while (i < s.Length && char.IsAsciiHexDigit(s[i])) i++;
            var hex = ulong.Parse(s[(start + 2)..i], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (i < s.Length && s[i] is 'u' or 'U') { i++; return new Token(Tk.Uint, s[start..i], start, hex); }
            return new Token(Tk.Int, s[start..i], start, hex);
        }
        var isDouble = false;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]))
        {
            isDouble = true;
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < s.Length && s[j] is '+' or '-') j++;
            if (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                isDouble = true;
                i = j;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            }
        }
        var text = s[start..i];
        if (isDouble) return new Token(Tk.Double, text, start, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw new CelSyntaxException(new CelIssue(start, "invalid int literal"));
        if (i < s.Length && s[i] is 'u' or 'U') { i++; return new Token(Tk.Uint, s[start..i], start, n); }
        return new Token(Tk.Int, text, start, n);
    }

    private static string Quoted(string s, ref int i, bool raw, int start)
    {
        var q = s[i];
        var triple = i + 2 < s.Length && s[i + 1] == q && s[i + 2] == q;
        i += triple ? 3 : 1;
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= s.Length || (!triple && s[i] == '\n'))
                throw new CelSyntaxException(new CelIssue(start, $"Syntax error: token recognition error at: '{s[start..Math.Min(i, s.Length)]}'"));
            if (triple ? (i + 2 < s.Length && s[i] == q && s[i + 1] == q && s[i + 2] == q) : s[i] == q)
            {
                i += triple ? 3 : 1;
                return sb.ToString();
            }
            if (s[i] == '\\' && !raw && i + 1 < s.Length)
            {
                var e = s[i + 1];
                i += 2;
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'v': sb.Append('\v'); break;
                    case 'u' or 'U' or 'x':
                        var len = e == 'u' ? 4 : e == 'U' ? 8 : 2;
                        sb.Append(char.ConvertFromUtf32(int.Parse(s.AsSpan(i, len), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                        i += len;
                        break;
                    default: sb.Append(e); break;
                }
                continue;
            }
            sb.Append(s[i++]);
        }
    }
}
