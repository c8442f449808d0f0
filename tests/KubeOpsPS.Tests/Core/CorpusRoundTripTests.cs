using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Core;

/// <summary>
/// ConvertFrom → ConvertTo on a corpus of realistic manifests (tests/KubeOpsPS.Tests/Corpus) is lossless: the JSON
/// tree of every document read back from the written YAML equals the JSON tree of the input document.
/// The one rule: writing leaves out nulls (<c>creationTimestamp: null</c>), which Kubernetes treats as absent, so they
/// are removed from the expected tree before comparing. Empty lists (<c>secrets: []</c>: under server-side apply a
/// statement that the applier owns the field) and empty mappings (<c>emptyDir: {}</c>) must survive. Comments are not
/// data and are not kept.
/// </summary>
public class CorpusRoundTripTests
{
    private static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(CorpusDirectory, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    /// <summary>The JSON tree of every non-blank document of a YAML stream, as the reader sees it (before any model).</summary>
    internal static List<JsonNode?> JsonTrees(string yaml, string source) =>
        YamlReader.Split(yaml).Where(c => !YamlReader.IsBlank(c.Text))
            .Select(c => JsonNode.Parse(YamlReader.ToJson(c, source))).ToList();

    /// <summary>Removes nulls from mappings, recursively: what writing leaves out.</summary>
    internal static JsonNode? WithoutAbsentValues(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (o[key] is null) o.Remove(key);
                    else WithoutAbsentValues(o[key]);
                }
                break;
            case JsonArray a:
                foreach (var item in a) WithoutAbsentValues(item);
                break;
        }
        return node;
    }

    /// <summary>The paths where two trees differ, for a readable failure.</summary>
    internal static List<string> Differences(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        var diffs = new List<string>();
        switch (expected)
        {
            case JsonObject eo when actual is JsonObject ao:
                foreach (var (k, v) in eo)
                {
                    if (!ao.ContainsKey(k)) diffs.Add($"{path}.{k}: missing in output (was {v?.ToJsonString() ?? "null"})");
                    else diffs.AddRange(Differences(v, ao[k], $"{path}.{k}"));
                }
                foreach (var (k, v) in ao)
                    if (!eo.ContainsKey(k)) diffs.Add($"{path}.{k}: added in output ({v?.ToJsonString() ?? "null"})");
                break;
            case JsonArray ea when actual is JsonArray aa:
                if (ea.Count != aa.Count) diffs.Add($"{path}: {ea.Count} items became {aa.Count}");
                else for (var i = 0; i < ea.Count; i++) diffs.AddRange(Differences(ea[i], aa[i], $"{path}[{i}]"));
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                    diffs.Add($"{path}: {expected?.ToJsonString() ?? "null"} became {actual?.ToJsonString() ?? "null"}");
                break;
        }
        return diffs;
    }

    [Fact]
    public void TheCorpusHasEveryKindTheRoundTripMustCover()
    {
        var kinds = new HashSet<string>();
        foreach (var f in Directory.GetFiles(CorpusDirectory, "*.yaml"))
            foreach (var d in KoYaml.Read(File.ReadAllText(f), f))
                if (d.Object is not null) kinds.Add(KoYaml.ToJsonObject(d.Object)["kind"]!.GetValue<string>());
        foreach (var k in new[] { "Deployment", "Service", "Ingress", "StatefulSet", "DaemonSet", "ConfigMap", "Secret", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount", "CronJob", "Certificate", "Namespace" })
            Assert.Contains(k, kinds);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void ConvertingFromAndBackToYamlKeepsEveryDocument(string file)
    {
        var input = File.ReadAllText(Path.Combine(CorpusDirectory, file));
        var expected = JsonTrees(input, file).Select(WithoutAbsentValues).ToList();

        var docs = KoYaml.Read(input, file).ToList();
        Assert.All(docs, d => Assert.Null(d.Error));
        var output = KoYaml.Write(docs.Select(d => d.Object!), includeServerFields: true);
        var actual = JsonTrees(output, "output");

        Assert.Equal(expected.Count, actual.Count);
        var diffs = new List<string>();
        for (var i = 0; i < expected.Count; i++)
            diffs.AddRange(Differences(expected[i], actual[i]).Select(d => $"document {i + 1}: {d}"));
        Assert.True(diffs.Count == 0, $"{file} changed in the round trip:\n{string.Join('\n', diffs)}\n--- output ---\n{output}");

        // And the output is stable: a second round trip writes the same text.
        var again = KoYaml.Write(KoYaml.Read(output, "output").Select(d => d.Object!), includeServerFields: true);
        Assert.Equal(output, again);
    }

    [Fact]
    public void EmptyListsAndMappingsSurviveAndNullsAreLeftOut()
    {
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, "from-cluster.yaml"));
        var output = KoYaml.Write(KoYaml.Read(text, "from-cluster.yaml").Select(d => d.Object!));
        Assert.Contains("resources: {}", output);
        Assert.Contains("securityContext: {}", output);
        Assert.DoesNotContain("null", output);

        var empty = KoYaml.Write(KoYaml.Read(File.ReadAllText(Path.Combine(CorpusDirectory, "empty-values.yaml")), "e").Select(d => d.Object!));
        foreach (var kept in new[] { "\nsecrets: []\n", "\nimagePullSecrets: []\n", "  finalizers: []\n", "          env: []\n", "          args: []\n",
                                     "      volumes: []\n", "  enableFeatures: []\n", "  podMonitorSelector: {}\n" })
            Assert.Contains(kept, empty);
        // An empty list set in code is as explicit as one in a file.
        var built = KoYaml.Write([new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c", Finalizers = [] } }]);
        Assert.Contains("  finalizers: []\n", built);
    }

    [Fact]
    public void AManifestsOwnStatusIsKeptButAServersIsLeftOutUnlessAskedFor()
    {
        // `kubectl create --dry-run=client -o yaml` writes 'status: {loadBalancer: {}}'; that is the manifest's text, not server state.
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, "empty-values.yaml"));
        var service = KoYaml.Read(text, "empty-values.yaml").Select(d => d.Object).OfType<V1Service>().Single();
        Assert.Contains("status:\n  loadBalancer: {}\n", KoYaml.Write([service]));
        // What is sent to a cluster never carries status.
        Assert.False(KoYaml.ToJsonObject(service).ContainsKey("status"));
    }

    [Fact]
    public void ListKindsGetNoMetadataTheyDidNotHaveAndTheirItemsKeepTheirEmptyLists()
    {
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, "empty-values.yaml"));
        var list = KoYaml.Read(text, "empty-values.yaml").Select(d => d.Object).OfType<GenericResource>().Single(g => g.Kind == "ConfigMapList");
        var written = KoYaml.Write([list]);
        Assert.DoesNotContain("metadata: {}", written);
        Assert.StartsWith("apiVersion: v1\nkind: ConfigMapList\nitems:\n", written);

        // A v1 List is read as its items; each keeps what it was written with.
        const string v1List = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: a}\n  secrets: []\n";
        var items = KoYaml.Read(v1List, "l").Select(d => d.Object!).ToList();
        Assert.Equal("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\nsecrets: []\n", KoYaml.Write(items));
    }

    [Fact]
    public void OutputPutsApiVersionKindMetadataSpecFirstAndNameFirstInEveryMapping()
    {
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, "from-cluster.yaml"));
        var output = KoYaml.Write(KoYaml.Read(text, "from-cluster.yaml").Select(d => d.Object!), includeServerFields: true);
        var topKeys = output.Split('\n').Where(l => l.Length > 0 && char.IsLetter(l[0])).Select(l => l[..l.IndexOf(':')]).ToList();
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], topKeys);
        // metadata: name, then namespace, then the rest (the input had name after annotations and labels).
        Assert.Contains("metadata:\n  name: api\n  namespace: shop\n  annotations:", output);
        // A container: name leads (the input had image first).
        Assert.Contains("- name: api\n          image: registry.example.com/shop/api:2.4.0", output);
    }

    [Fact]
    public void ServerFieldsAreLeftOutUnlessAskedFor()
    {
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, "from-cluster.yaml"));
        var obj = KoYaml.Read(text, "from-cluster.yaml").Single().Object!;
        var plain = JsonTrees(KoYaml.Write([obj]), "out").Single()!.AsObject();
        Assert.False(plain.ContainsKey("status"));
        var meta = plain["metadata"]!.AsObject();
        foreach (var f in new[] { "managedFields", "uid", "resourceVersion", "creationTimestamp", "generation" })
            Assert.False(meta.ContainsKey(f), $"{f} should be stripped");
        Assert.Equal("api", meta["name"]!.GetValue<string>());
        Assert.Equal("1", meta["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>());

        var full = JsonTrees(KoYaml.Write([obj], includeServerFields: true), "out").Single()!.AsObject();
        Assert.Equal(2, full["status"]!["readyReplicas"]!.GetValue<long>());
        Assert.Equal("123456", full["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("0f6c1c8e-5c1f-4c8b-9a61-3f2f3c2d1e00", full["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal("2025-03-01T10:00:00Z", full["metadata"]!["creationTimestamp"]!.GetValue<string>());
        Assert.Equal("kubectl-client-side-apply", full["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());
    }

    [Fact]
    public void SecretDataStaysBase64AndStringDataStaysPlain()
    {
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, "secrets.yaml"));
        var secret = Assert.IsType<V1Secret>(KoYaml.Read(text, "secrets.yaml").First().Object);
        Assert.Equal("s3cr3t-p@ssw0rd", Encoding.UTF8.GetString(secret.Data["password"]));
        Assert.Equal("5432", secret.StringData["port"]);
        var output = KoYaml.Write([secret]);
        Assert.Contains("  password: czNjcjN0LXBAc3N3MHJk\n", output);
        Assert.Contains("  username: c2hvcA==\n", output);
        Assert.Contains("stringData:\n  port: '5432'\n", output);
        Assert.DoesNotContain("s3cr3t", output);
    }

    [Fact]
    public void ValuesThatLookLikeOtherTypesStayStrings()
    {
        var text = File.ReadAllText(Path.Combine(CorpusDirectory, "configmaps.yaml"));
        var cm = Assert.IsType<V1ConfigMap>(KoYaml.Read(text, "configmaps.yaml").First().Object);
        var back = Assert.IsType<V1ConfigMap>(KoYaml.Read(KoYaml.Write([cm]), "out").Single().Object);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["port"] = "8080", ["enabled"] = "yes", ["mode"] = "0755", ["empty"] = "", ["exponent"] = "1e3",
            ["nothing"] = "null", ["truth"] = "true", ["letter"] = "y", ["date"] = "2024-01-31", ["clock"] = "12:30",
            ["underscored"] = "1_000", ["windows"] = "line one\r\nline two\r\n", ["keep-trailing"] = "line one\nline two\n\n",
        })
        {
            Assert.Equal(value, cm.Data[key]);
            Assert.Equal(value, back.Data[key]);
        }
    }

    [Fact]
    public void StringsThatYaml11ReadersWouldRetypeAreQuoted()
    {
        // kubectl (YAML 1.1 rules) and PyYAML read these plain scalars as numbers, booleans, dates or sexagesimals.
        var cm = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "c" },
            Data = new Dictionary<string, string> { ["a"] = "1_000", ["b"] = "2024-01-31", ["c"] = "12:30", ["d"] = "0b101", ["e"] = "on", ["f"] = ".5", ["g"] = "1.2.3", ["h"] = "100m" },
        };
        var text = KoYaml.Write([cm]);
        foreach (var quoted in new[] { "a: '1_000'", "b: '2024-01-31'", "c: '12:30'", "d: '0b101'", "e: 'on'", "f: '.5'" })
            Assert.Contains(quoted, text);
        Assert.Contains("g: 1.2.3", text);
        Assert.Contains("h: 100m", text);
    }

    [Fact]
    public void QuantitiesAndIntOrStringsAreWrittenAsTheyWereRead()
    {
        const string yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n" +
                            "  strategy: {rollingUpdate: {maxUnavailable: \"1\", maxSurge: 2}}\n  template:\n    metadata: {labels: {a: b}}\n" +
                            "    spec: {containers: [{name: c, image: i, resources: {requests: {cpu: 0.5, memory: 2048Mi}, limits: {cpu: 2}}}]}\n";
        var d = Assert.IsType<V1Deployment>(KoYaml.Read(yaml, "d").Single().Object);
        var text = KoYaml.Write([d]);
        Assert.Contains("maxUnavailable: '1'", text);
        Assert.Contains("maxSurge: 2\n", text);
        Assert.Contains("cpu: 0.5\n", text);
        Assert.Contains("memory: 2048Mi\n", text);
        Assert.Contains("cpu: 2\n", text);

        // What is sent to or compared with a cluster stays canonical, as the API server returns it.
        var sent = KoYaml.ToJsonObject(d);
        var resources = sent["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!;
        Assert.Equal("500m", resources["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("2Gi", resources["requests"]!["memory"]!.GetValue<string>());
        Assert.Equal("2", resources["limits"]!["cpu"]!.GetValue<string>());

        // Values built in code (or replaced) are written canonically, as KubernetesClient writes them.
        d.Spec.Template.Spec.Containers[0].Resources.Requests["cpu"] = new ResourceQuantity("0.5");
        d.Spec.Strategy.RollingUpdate.MaxUnavailable = "1";
        var changed = KoYaml.Write([d]);
        Assert.Contains("cpu: 500m\n", changed);
        Assert.Contains("maxUnavailable: 1\n", changed);
    }
}
