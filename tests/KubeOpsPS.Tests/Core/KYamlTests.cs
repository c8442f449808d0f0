using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Yaml;
using YamlDotNet.RepresentationModel;
using static KubeOpsPS.Tests.Core.CorpusRoundTripTests;

namespace KubeOpsPS.Tests.Core;

/// <summary>
/// KYAML (kubectl -o kyaml, KEP-5295): the corpus written as KYAML reads back to the same JSON trees (lossless, with
/// the writer's one rule: nulls are left out), by the module's reader, by YamlDotNet's own representation
/// model and by PyYAML (a YAML 1.1 reader, the strictest about what plain scalars mean); and it has kubectl's layout.
/// </summary>
public class KYamlTests
{
    private static string CorpusFile(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", file));

    private static string KYaml(string file) => KoYaml.WriteKYaml(KoYaml.Read(CorpusFile(file), file).Select(d => d.Object!), includeServerFields: true);

    [Theory]
    [MemberData(nameof(CorpusFiles), MemberType = typeof(CorpusRoundTripTests))]
    public void TheCorpusRoundTripsThroughKYamlLosslessly(string file)
    {
        var expected = JsonTrees(CorpusFile(file), file).Select(WithoutAbsentValues).ToList();
        var output = KYaml(file);
        var actual = JsonTrees(output, "kyaml");
        Assert.Equal(expected.Count, actual.Count);
        var diffs = new List<string>();
        for (var i = 0; i < expected.Count; i++) diffs.AddRange(Differences(expected[i], actual[i]).Select(d => $"document {i + 1}: {d}"));
        Assert.True(diffs.Count == 0, $"{file} changed in the KYAML round trip:\n{string.Join('\n', diffs)}\n--- output ---\n{output}");
        // Stable: KYAML read and written again is the same text.
        Assert.Equal(output, KoYaml.WriteKYaml(KoYaml.Read(output, "kyaml").Select(d => d.Object!), includeServerFields: true));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles), MemberType = typeof(CorpusRoundTripTests))]
    public void YamlDotNetsOwnModelReadsTheSameTrees(string file)
    {
        var output = KYaml(file);
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        var expected = JsonTrees(output, "kyaml");
        Assert.Equal(expected.Count, stream.Documents.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(JsonNode.DeepEquals(expected[i], ToJson(stream.Documents[i].RootNode)), $"document {i + 1} of {file} reads differently in YamlDotNet's model");
    }

    // Every scalar in KYAML says its type: double-quoted is a string; plain is a number, true, false or null.
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.DoubleQuoted } q => JsonValue.Create(q.Value),
        YamlScalarNode p => p.Value switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" => null,
            _ => JsonNode.Parse(p.Value!),
        },
        _ => throw new InvalidOperationException(node.NodeType.ToString()),
    };

    [Fact]
    public void PyYamlReadsTheCorpusKYamlAsTheSameTrees()
    {
        var python = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "python3")).FirstOrDefault(File.Exists);
        Assert.True(python is not null, "python3 is not installed (apt-get install python3-yaml)");
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            var output = KYaml(file!);
            var psi = new ProcessStartInfo(python!) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-c", "import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin.read())), default=str))" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(output);
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"PyYAML could not read the KYAML of {file}: {stderr}");
            var fromPython = JsonNode.Parse(stdout)!.AsArray();
            var expected = JsonTrees(output, "kyaml");
            Assert.Equal(expected.Count, fromPython.Count);
            for (var i = 0; i < expected.Count; i++)
                Assert.True(JsonNode.DeepEquals(expected[i], fromPython[i]), $"document {i + 1} of {file} reads differently in PyYAML:\n{fromPython[i]}\nvs\n{expected[i]}");
        }
    }

    [Fact]
    public void TheLayoutIsKubectls()
    {
        var svc = new V1Service
        {
            ApiVersion = "v1", Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "my-service", Labels = new Dictionary<string, string> { ["app"] = "web", ["app.kubernetes.io/part-of"] = "shop", ["no"] = "NO" } },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }], ExternalIPs = ["10.0.0.1", "10.0.0.2"] },
        };
        Assert.Equal("""
            ---
            {
              apiVersion: "v1",
              kind: "Service",
              metadata: {
                name: "my-service",
                labels: {
                  app: "web",
                  "app.kubernetes.io/part-of": "shop",
                  "no": "NO",
                },
              },
              spec: {
                externalIPs: [
                  "10.0.0.1",
                  "10.0.0.2",
                ],
                ports: [{
                  port: 80,
                  targetPort: 8080,
                }],
                selector: {
                  app: "web",
                },
              },
            }

            """.Replace("\r\n", "\n"), KoYaml.WriteKYaml([svc]));
    }

    [Fact]
    public void StringsThatLookLikeOtherTypesAndHardCharactersSurvive()
    {
        var data = new Dictionary<string, string>
        {
            ["port"] = "8080", ["truth"] = "true", ["nothing"] = "null", ["norway"] = "NO", ["quote"] = "say \"hi\"", ["path"] = @"C:\Program Files",
            ["lines"] = "line one\nline two\n", ["crlf"] = "a\r\nb", ["tab"] = "a\tb", ["bell"] = "\a", ["nel"] = "a\u0085b", ["ls"] = "a\u2028b",
            ["emoji"] = "café 🚀", ["hash"] = "# not a comment", ["braces"] = "{a: [b, c]}", ["empty"] = "",
        };
        var cm = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "c" }, Data = data };
        var text = KoYaml.WriteKYaml([cm]);
        var back = Assert.IsType<V1ConfigMap>(KoYaml.Read(text, "kyaml").Single().Object);
        Assert.Equal(data, back.Data);
        Assert.DoesNotContain('\u0085', text);
        Assert.DoesNotContain('\u2028', text);
    }
}
