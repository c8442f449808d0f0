using System.Diagnostics;
using System.Text;
using k8s.Models;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Core;

/// <summary>
/// A bad document in a stream gives one <see cref="KoYamlException"/> naming the file and the line of the problem;
/// the good documents before and after it still come out; nothing crashes, hangs or eats the machine.
/// </summary>
public class BadDocumentTests
{
    private const string Before = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: before\ndata:\n  a: b\n---\n";   // lines 1-7
    private const string After = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n";

    /// <summary>A bad document (starting on line 8 of the stream) and the line its problem is on, counted within the bad document.</summary>
    public static TheoryData<string, string, int, string> Cases() => new()
    {
        { "syntax: unclosed flow sequence", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [a, b\ndata: {}\n", 5, "left open" },
        { "syntax: bad indentation", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n    namespace: y\n", 5, "" },
        { "syntax: unterminated quote", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"x\ndata: {}\n", 4, "" },
        { "tabs for indentation", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n", 4, "tab" },
        { "tab inside a nested block", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n\t b: c\n", 7, "tab" },
        { "missing kind", "# a comment first\napiVersion: v1\nmetadata:\n  name: x\n", 2, "'kind'" },
        { "missing apiVersion", "kind: ConfigMap\nmetadata:\n  name: x\n", 1, "'apiVersion'" },
        { "unknown field", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replica: 3\n", 6, "unknown field \"spec.replica\"" },
        { "unknown nested field", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    spec:\n      containers:\n      - name: c\n        image: i\n        imagePullPolcy: Always\n", 12, "spec.template.spec.containers[0].imagePullPolcy" },
        { "wrong type", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: three\n", 6, "\"spec.replicas\" has the wrong type" },
        { "wrong type: a list for a map", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    - a\n", 5, "metadata.labels" },
        { "duplicate keys", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"1\"\n  b: \"2\"\n  a: \"3\"\n", 8, "'a' already defined" },
        { "not a mapping", "- just\n- a list\n", 1, "must be a mapping" },
        { "a merge key", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {a: b}\n  annotations:\n    <<: *l\n", 7, "merge keys" },
        { "an unknown alias", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: *nothing\n", 5, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ABadDocumentNamesTheFileAndLineAndTheOthersStillComeOut(string name, string bad, int line, string mentions)
    {
        var docs = KoYaml.Read(Before + bad + After, "manifests/app.yaml").ToList();
        Assert.True(docs.Count == 3, $"{name}: {docs.Count} documents: {string.Join(" | ", docs.Select(d => d.Error?.Message ?? d.Object?.ToString()))}");
        Assert.Equal("before", Assert.IsType<V1ConfigMap>(docs[0].Object).Metadata.Name);
        Assert.Equal("after", Assert.IsType<V1ConfigMap>(docs[2].Object).Metadata.Name);
        var error = docs[1].Error;
        Assert.NotNull(error);
        Assert.Null(docs[1].Object);
        Assert.Equal("manifests/app.yaml", error!.Source);
        Assert.True(7 + line == error.Line, $"{name}: expected line {7 + line}, got {error.Message}");
        Assert.StartsWith($"manifests/app.yaml:{7 + line}: ", error.Message);
        Assert.Contains(mentions, error.Message);
        Assert.DoesNotContain("(Line:", error.Message);
    }

    [Fact]
    public void ABillionLaughsAliasBombIsRefusedQuickly()
    {
        var sb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\n  labels:\n    a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            var prev = (char)('a' + i - 1);
            var cur = (char)('a' + i);
            sb.Append($"    {cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n");
        }
        var sw = Stopwatch.StartNew();
        var docs = KoYaml.Read(Before + sb + After, "bomb.yaml").ToList();
        Assert.Equal(3, docs.Count);
        var error = docs[1].Error!;
        Assert.Contains("alias bomb", error.Message);
        // The expansion passes a million nodes somewhere in the later anchors' lines (the 7th-10th of the bomb).
        Assert.InRange(error.Line, 7 + 11, 7 + 15);
        Assert.IsType<V1ConfigMap>(docs[2].Object);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "a guard, not a timing test: the bomb must not be expanded in full");
    }

    [Fact]
    public void ModestAliasesAreExpanded()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {app: web}\n  annotations: *l\n";
        var cm = Assert.IsType<V1ConfigMap>(KoYaml.Read(yaml, "x").Single().Object);
        Assert.Equal("web", cm.Metadata.Annotations["app"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NestingDeeperThanAHundredLevelsIsRefused(bool flow)
    {
        var sb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n");
        if (flow)
        {
            sb.Append("x: ").Append(new string('[', 150)).Append(new string(']', 150)).Append('\n');
        }
        else
        {
            sb.Append("x:\n");
            for (var i = 1; i <= 150; i++) sb.Append(new string(' ', 2 * i)).Append($"k{i}:\n");
            sb.Append(new string(' ', 302)).Append("v: 1\n");
        }
        var docs = KoYaml.Read(Before + sb + After, "deep.yaml").ToList();
        Assert.Equal(3, docs.Count);
        Assert.Contains("nested more than 100 levels", docs[1].Error!.Message);
        // Block nesting: the mapping 101 levels below the root starts on the 101st line after 'x:' (line 5 of the document).
        if (!flow) Assert.Equal(7 + 5 + 101, docs[1].Error!.Line);
        else Assert.Equal(7 + 5, docs[1].Error!.Line);
        Assert.IsType<V1ConfigMap>(docs[2].Object);
    }

    [Fact]
    public void ADocumentLargerThanTheApiServerAcceptsIsRefusedWithoutParsingIt()
    {
        var sb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n");
        var value = new string('x', 1000);
        for (var i = 0; sb.Length < 5 * 1024 * 1024; i++) sb.Append($"  key{i}: {value}\n");
        var docs = KoYaml.Read(Before + sb + After, "huge.yaml").ToList();
        Assert.Equal(3, docs.Count);
        var error = docs[1].Error!;
        Assert.Equal(8, error.Line);
        Assert.Contains("MiB", error.Message);
        Assert.IsType<V1ConfigMap>(docs[2].Object);
    }

    [Fact]
    public void ADocumentJustUnderTheLimitIsRead()
    {
        var sb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
        var value = new string('x', 1000);
        for (var i = 0; sb.Length < 1024 * 1024; i++) sb.Append($"  key{i}: {value}\n");
        var cm = Assert.IsType<V1ConfigMap>(KoYaml.Read(sb.ToString(), "big.yaml").Single().Object);
        Assert.True(cm.Data.Count > 1000);
    }

    [Fact]
    public void ALineNumberIsCountedInTheWholeStreamAcrossMarkersWithComments()
    {
        const string yaml = "# header\n--- # first\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n--- # second\n# note\n\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\nbogus: 1\n";
        var docs = KoYaml.Read(yaml, "s.yaml").ToList();
        Assert.Equal(2, docs.Count);
        Assert.Equal(3, docs[0].Line);
        Assert.Equal(12, docs[1].Error!.Line);
        Assert.Contains("unknown field \"bogus\"", docs[1].Error!.Message);
    }

    [Fact]
    public void AStreamOfManyDocumentsComesOutInOrderWithEachErrorAtItsLine()
    {
        // Long enough to be read on several cores: every bad case, Lists of two, and good documents between them.
        var cases = Cases().Select(c => ((string)c[1], (int)c[2], (string)c[3])).ToList();
        var sb = new StringBuilder();
        var expected = new List<string>();
        var line = 1;
        void Add(string doc)
        {
            sb.Append(doc).Append("---\n");
            line += doc.Count(c => c == '\n') + 1;
        }
        for (var i = 0; i < 120; i++)
        {
            if (i % 8 == 3)
            {
                var (bad, at, _) = cases[i / 8 % cases.Count];
                expected.Add($"error {line + at - 1}");
                Add(bad);
            }
            else if (i % 8 == 5)
            {
                expected.Add($"cm list-{i}-a {line}");
                expected.Add($"cm list-{i}-b {line}");
                Add($"apiVersion: v1\nkind: List\nitems:\n- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: list-{i}-a}}}}\n- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: list-{i}-b}}}}\n");
            }
            else
            {
                expected.Add($"cm cm-{i} {line}");
                Add($"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n");
            }
        }
        var docs = KoYaml.Read(sb.ToString(), "many.yaml").ToList();
        Assert.Equal(expected, docs.Select(d => d.Error is { } e ? $"error {e.Line}" : $"cm {((V1ConfigMap)d.Object!).Metadata.Name} {d.Line}"));
    }

    [Fact]
    public async Task StoppingEarlyInALongStreamEndsTheRead()
    {
        var text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n---\n"));
        // A guard against a hang, not a timing assertion: readers left waiting would keep the enumeration from ending.
        var first = await Task.Run(() => KoYaml.Read(text, "big.yaml").Take(3).Select(d => ((V1ConfigMap)d.Object!).Metadata.Name).ToList()).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["cm-0", "cm-1", "cm-2"], first);
    }
}
