using k8s.Models;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Core;

public class YamlRoundTripTests
{
    [Fact]
    public void ReadsTypedObjectsAndKeepsGoodDocumentsAroundABadOne()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  port: \"8080\"\n---\nkind: ConfigMap\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
        var docs = KoYaml.Read(yaml, "test.yaml").ToList();
        Assert.Equal(3, docs.Count);
        var cm = Assert.IsType<V1ConfigMap>(docs[0].Object);
        Assert.Equal("8080", cm.Data["port"]);
        Assert.NotNull(docs[1].Error);
        Assert.Equal(8, docs[1].Error!.Line);
        Assert.Contains("apiVersion", docs[1].Error!.Message);
        Assert.IsType<V1Deployment>(docs[2].Object);
    }

    [Fact]
    public void QuotesStringsThatWouldReadBackAsOtherTypes()
    {
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["a"] = "8080", ["b"] = "yes", ["c"] = "plain", ["d"] = "" } };
        var text = KoYaml.Write([cm]);
        Assert.StartsWith("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", text);
        Assert.Contains("a: '8080'", text);
        Assert.Contains("b: 'yes'", text);
        Assert.Contains("c: plain", text);
        Assert.Contains("d: ''", text);
        var back = Assert.IsType<V1ConfigMap>(KoYaml.Read(text, "x").Single().Object);
        Assert.Equal(cm.Data, back.Data);
    }
}
