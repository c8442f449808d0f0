using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Core;

/// <summary>
/// The YAML text writer (<see cref="YamlWriter"/>): every string it writes reads back as the same string, in any
/// position (a value, a key, a list item), and its layout and scalar styles are pinned where people see them.
/// </summary>
public class YamlWriterTests
{
    /// <summary>
    /// Strings that are hard to write: every ASCII character alone and at the start, middle and end; YAML's indicators
    /// (': ', ' #', '- ', quotes); YAML 1.1 booleans, numbers and times; line breaks of every kind, tabs, trailing
    /// spaces, non-ASCII text and characters outside the printable set; keys too long for a simple key.
    /// </summary>
    public static List<string> TrickyStrings()
    {
        var list = new List<string>();
        for (var c = 0; c < 128; c++)
        {
            var ch = ((char)c).ToString();
            list.AddRange([ch, "a" + ch + "b", "a" + ch, ch + "a", ch + " a", "a " + ch, "a " + ch + " b", ch + ch, ch + "\n", "a\n" + ch, ch + "a\nb\n"]);
        }
        list.AddRange([
            ": ", " #", "- ", "a: b", "a #b", "a#b", "-a", "- a", "? a", "?a", ":a", "a:", "a:b", "'a", "a'b", "it's", "\"a", "a\"",
            "---", "...", "--- a", "...a", "a -", "http://x:8080/a#b", "serviceName=web-1 rewrite=/", "nginx:1.29",
            "café", "日本語", "😀", "a😀b", "a😀\nb", "\u00A0", "\uFEFF", "\uFFFE", "\uFFFF", "\u200B", "\uE000",
            "\u0085", "a\u0085b", "a\u2028b", "a\u2029b", "\u2028", "a\u2028", "\u2028a\nb", "a\n\u2028b", "a\u2028 b",
            "\t", "a\tb", "a\t", "\ta", "a\rb", "a\r\nb", "a\r\n", "\r", "\r\n",
            "a ", " a", " ", "  ", "a  b", "a \nb", "a\n b", "a\n \nb", "a\nb ", "a\nb \n",
            "a\nb", "a\nb\n", "a\nb\n\n", "\na", "\n\na", "a\n\nb", "\n", "\n\n", "a\n\n", "a\n\n\n", "  a\nb", "#a\nb",
            "- a\n- b", "a: b\nc: d", "---\nb", "a\n---\nb", "a\n...\n", "|\nb", "'a\nb", "a\n\tb", "echo starting\nexec web\n",
            "yes", "no", "on", "off", "y", "n", "Yes", "NO", "True", "true", "false", "FALSE", "null", "Null", "~", "",
            "0", "08", "0o17", "0x1F", "1_000", "0b101", "1e3", "1.5", ".5", "-.inf", ".NaN", "12:30", "190:20:30",
            "2024-01-31", "2024-01-31T10:00:00Z", "2024-1-1 10:00:00", "+1", "-1", "1.", "-", "+", ".", "=", "<<", "0755", "0999", "100m", "8080",
            "%a", "@a", "`a", "!a", "&a", "*a", "|a", ">a", "[a", "]a", "{a}", ",a", "a,b", "a[b]",
            new string('x', 1024), new string('x', 1025)]);
        return list.Distinct().ToList();
    }

    [Fact]
    public void EveryTrickyStringReadsBackAsTheSameValueAndKey()
    {
        var tricky = TrickyStrings();
        var cm = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "tricky", Annotations = new Dictionary<string, string>() },
            Data = new Dictionary<string, string>(),
        };
        for (var i = 0; i < tricky.Count; i++)
        {
            cm.Data[$"k{i}"] = tricky[i];
            cm.Metadata.Annotations[tricky[i]] = $"v{i}";
        }
        var back = Assert.IsType<V1ConfigMap>(KoYaml.Read(KoYaml.Write([cm]), "out").Single().Object);
        for (var i = 0; i < tricky.Count; i++)
        {
            Assert.True(tricky[i] == back.Data[$"k{i}"], $"value {i} {Show(tricky[i])} came back as {Show(back.Data[$"k{i}"])}");
            Assert.True(back.Metadata.Annotations.TryGetValue(tricky[i], out var v) && v == $"v{i}", $"key {i} {Show(tricky[i])} did not come back");
        }
    }

    [Theory]
    [InlineData("a *")]
    [InlineData("a * b")]
    public void AKeyWithASpacedStarReadsBackAsTheFirstKeyOfAMapping(string key)
    {
        // YamlDotNet's parser reads the plain first key 'a *: v' as the one scalar 'a *: v'; the writer quotes it.
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { [key] = "v" } };
        var text = KoYaml.Write([cm]);
        Assert.Contains($"  '{key}': v", text);
        var back = Assert.IsType<V1ConfigMap>(KoYaml.Read(text, "out").Single().Object);
        Assert.Equal(cm.Data, back.Data);
    }

    [Fact]
    public void EveryTrickyStringReadsBackInAConfigFileList()
    {
        var tricky = TrickyStrings();
        var items = new JsonArray();
        foreach (var t in tricky) items.Add(new JsonObject { ["value"] = t, ["more"] = new JsonArray(t) });
        var back = KoYaml.ReadDocument(KoYaml.WriteDocument(new JsonObject { ["items"] = items }), "out")!["items"]!.AsArray();
        for (var i = 0; i < tricky.Count; i++)
        {
            Assert.Equal(tricky[i], back[i]!["value"]!.GetValue<string>());
            Assert.Equal(tricky[i], back[i]!["more"]![0]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("8080", "'8080'")]
    [InlineData("yes", "'yes'")]
    [InlineData("", "''")]
    [InlineData("~", "'~'")]
    [InlineData("null", "'null'")]
    [InlineData("2024-01-31", "'2024-01-31'")]
    [InlineData("12:30", "'12:30'")]
    [InlineData("a: b", "'a: b'")]
    [InlineData("a #b", "'a #b'")]
    [InlineData("a#b", "a#b")]
    [InlineData("- x", "'- x'")]
    [InlineData("it's", "it's")]
    [InlineData("'quoted'", "\"'quoted'\"")]
    [InlineData("#x", "'#x'")]
    [InlineData(" lead", "' lead'")]
    [InlineData("tab\there", "\"tab\there\"")]
    [InlineData("bell\a", "\"bell\\a\"")]
    [InlineData("a\u2028b", "\"a\\Lb\"")]
    [InlineData("a\u0085b", "\"a\\Nb\"")]
    [InlineData("\u00e9t\u00e9", "\u00e9t\u00e9")]
    [InlineData("\U0001F600", "\"\\U0001F600\"")]
    [InlineData("line1\nline2\n", "|\n    line1\n    line2")]
    [InlineData("line1\n\nline2", "|-\n    line1\n\n    line2")]
    [InlineData("kept\n\n", "|+\n    kept\n")]
    [InlineData("trailing \nx", "\"trailing \\nx\"")]
    [InlineData("\nleading break", "\"\\nleading break\"")]
    [InlineData("cr\r\nlf", "\"cr\\r\\nlf\"")]
    public void WritesAStringInTheStylePinned(string value, string written)
    {
        var text = KoYaml.Write([new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["k"] = value } }]);
        Assert.Equal($"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: {written}\n", text);
    }

    [Fact]
    public void PinsTheLayout()
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" }, NamespaceProperty = "shop", Name = "web" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80, Name = "http" }], Selector = new Dictionary<string, string>() },
            Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus() },
        };
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c", Finalizers = [] } };
        Assert.Equal(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    app: web\n" +
            "spec:\n  ports:\n    - name: http\n      port: 80\n  selector: {}\nstatus:\n  loadBalancer: {}\n" +
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers: []\n",
            KoYaml.Write([service, cm]));
    }

    [Fact]
    public void PinsTheLayoutOfAConfigFile()
    {
        var doc = new JsonObject
        {
            ["global"] = new JsonObject { ["interval"] = "30s", ["unset"] = null, ["none"] = new JsonArray() },
            ["matrix"] = new JsonArray(new JsonArray(1, 2), new JsonArray(), new JsonObject(), null, true),
            ["jobs"] = new JsonArray(new JsonObject { ["targets"] = new JsonArray("a:9090"), ["name"] = "self" }),
            ["multi\nline"] = "x",
            [new string('k', 1025)] = "long",
        };
        Assert.Equal(
            "global:\n  interval: 30s\nmatrix:\n  - - 1\n    - 2\n  - []\n  - {}\n  - null\n  - true\n" +
            "jobs:\n  - name: self\n    targets:\n      - a:9090\n" +
            "? |-\n  multi\n  line\n: x\n" +
            $"? {new string('k', 1025)}\n: long\n",
            KoYaml.WriteDocument(doc));
    }

    [Fact]
    public void WritesTreesDeeperThanAJsonDocumentsDefaultLimit()
    {
        static JsonObject Deep(int levels)
        {
            var o = new JsonObject { ["leaf"] = "x" };
            for (var i = 0; i < levels; i++) o = new JsonObject { ["k"] = o };
            return o;
        }
        Assert.EndsWith("\n" + new string(' ', 2 * 90) + "leaf: x\n", KoYaml.WriteDocument(Deep(90)));
        var manifest = Deep(90);
        manifest["apiVersion"] = "example.com/v1";
        manifest["kind"] = "Deep";
        Assert.EndsWith("\n" + new string(' ', 2 * 90) + "leaf: x\n", KoYaml.Write([manifest]));
    }

    private static string Show(string s) =>
        "\"" + string.Concat(s.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString())) + "\"";
}
