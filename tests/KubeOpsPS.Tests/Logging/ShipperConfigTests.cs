using k8s.Models;
using KubeOpsPS.Engine.Manifests.Logging;

namespace KubeOpsPS.Tests.Logging;

/// <summary>The shipper configurations, read by the tests' own parsers of the documented syntax (no shipper runs here).</summary>
public class ShipperConfigTests
{
    private static (string Config, V1DaemonSet Ds, IReadOnlyList<object> Bundle) Shipper(LogShipper shipper, string ns = "kubeops-logging")
    {
        var bundle = LoggingBundleTests.Bundle(new LoggingOptions { Shipper = shipper, Namespace = ns });
        var name = LoggingBundle.ShipperName(shipper);
        var cm = bundle.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == $"{name}-config");
        return (cm.Data.Single().Value, bundle.OfType<V1DaemonSet>().Single(), bundle);
    }

    [Fact]
    public void FluentBitConfigUsesOnlyDocumentedKeysWithTheirTypes()
    {
        var (text, _, _) = Shipper(LogShipper.FluentBit);
        var config = FluentBitSchema.Check(text);
        Assert.Equal(["input", "filter", "filter", "output"], config.Plugins.Select(p => p.Kind));
    }

    [Fact]
    public void FluentBitTailsCriLogsIntoADiskBufferThatOutlivesThePod()
    {
        var (text, ds, _) = Shipper(LogShipper.FluentBit);
        var config = FluentBitSchema.Check(text);
        var tail = config.Single("input", "tail");
        Assert.Equal("/var/log/containers/*.log", tail.Keys["path"]);
        Assert.Equal("cri", tail.Keys["multiline.parser"]);
        Assert.Equal("filesystem", tail.Keys["storage.type"]);
        var state = ds.Spec.Template.Spec.Containers[0].VolumeMounts.Single(m => m.Name == "state").MountPath;
        Assert.StartsWith(state + "/", tail.Keys["db"]);
        Assert.StartsWith(state + "/", config.Service["storage.path"]);
        Assert.NotNull(ds.Spec.Template.Spec.Volumes.Single(v => v.Name == "state").HostPath);
        var k8s = config.Single("filter", "kubernetes");
        Assert.Equal("kube.*", k8s.Keys["match"]);
        Assert.Equal("kube.var.log.containers.", k8s.Keys["kube_tag_prefix"]);
        Assert.StartsWith(tail.Keys["tag"].TrimEnd('*'), k8s.Keys["kube_tag_prefix"]);
        Assert.Equal("true", k8s.Keys["labels"]);
    }

    [Fact]
    public void FluentBitWritesToTheElasticsearchServiceWithoutATypeName()
    {
        var (text, ds, bundle) = Shipper(LogShipper.FluentBit, "logs");
        var es = FluentBitSchema.Check(text).Single("output", "es");
        Assert.Equal("true", es.Keys["suppress_type_name"]);
        Assert.Equal("elasticsearch.logs.svc", es.Keys["host"]);
        Assert.Equal("9200", es.Keys["port"]);
        var svc = bundle.OfType<V1Service>().Single(s => $"{s.Metadata.Name}.{s.Metadata.NamespaceProperty}.svc" == es.Keys["host"]);
        Assert.Contains(svc.Spec.Ports, p => p.Port.ToString() == es.Keys["port"]);
        Assert.Equal(ElasticsearchConfig.WriterUser, es.Keys["http_user"]);
        Assert.Equal("${ES_PASSWORD}", es.Keys["http_passwd"]);
        Assert.Contains(ds.Spec.Template.Spec.Containers[0].Env, e => e.Name == "ES_PASSWORD" && e.ValueFrom.SecretKeyRef.Key == LoggingBundle.ShipperKey);
        Assert.Equal("true", es.Keys["logstash_format"]);
        Assert.Equal(ElasticsearchConfig.IndexPrefix, es.Keys["logstash_prefix"]);
        Assert.Equal("no_limits", es.Keys["retry_limit"]);
    }

    [Fact]
    public void FluentBitLoadsTheParsersAPodAnnotationCanNameFromTheImageNotFromTheConfigMap()
    {
        var (text, ds, _) = Shipper(LogShipper.FluentBit);
        var config = FluentBitSchema.Check(text);
        Assert.Equal("true", config.Single("filter", "kubernetes").Keys["k8s-logging.parser"]);
        Assert.Equal(ShipperConfig.ImageParsersFile, config.Service["parsers_file"]);
        // The ConfigMap's mount must not hide the image's parsers file.
        var mount = ds.Spec.Template.Spec.Containers[0].VolumeMounts.Single(m => m.Name == "config").MountPath;
        Assert.False(ShipperConfig.ImageParsersFile.StartsWith(mount + "/", StringComparison.Ordinal), mount);
    }

    [Fact]
    public void BothShippersShipTheLinesAlreadyInAFileTheyFirstSee()
    {
        var tail = FluentBitSchema.Check(Shipper(LogShipper.FluentBit).Config).Single("input", "tail");
        Assert.Equal("true", tail.Keys["read_from_head"]);
        Assert.True(tail.Keys.ContainsKey("db")); // positions kept: a restart does not read from the head again
        var source = FluentdConfig.Check(Shipper(LogShipper.Fluentd).Config).Single(d => d.Name == "source");
        Assert.Equal("true", source.Params["read_from_head"]);
        Assert.True(source.Params.ContainsKey("pos_file"));
    }

    [Fact]
    public void FluentBitDropsTheCriBookkeepingFieldsBeforeMergingTheApplicationsOwn()
    {
        var config = FluentBitSchema.Check(Shipper(LogShipper.FluentBit).Config);
        var filters = config.Plugins.Where(p => p.Kind == "filter").ToList();
        Assert.Equal(["modify", "kubernetes"], filters.Select(f => f.Name));
        var modify = filters[0];
        Assert.Equal("kube.*", modify.Keys["match"]);
        var remove = new System.Text.RegularExpressions.Regex(modify.Keys["remove_regex"]);
        Assert.All(new[] { "_p", "time" }, k => Assert.Matches(remove, k));
        Assert.All(new[] { "log", "stream", "@timestamp", "timestamp", "time_local", "kubernetes" }, k => Assert.DoesNotMatch(remove, k));
        Assert.Equal("true", config.Single("output", "es").Keys["replace_dots"]);
    }

    [Fact]
    public void OnlyFluentdIsGivenTheNodeNameItsMetadataWatchUses()
    {
        Assert.DoesNotContain(Shipper(LogShipper.FluentBit).Ds.Spec.Template.Spec.Containers[0].Env, e => e.Name == "K8S_NODE_NAME");
        var env = Shipper(LogShipper.Fluentd).Ds.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "K8S_NODE_NAME");
        Assert.Equal("spec.nodeName", env.ValueFrom.FieldRef.FieldPath);
    }

    [Theory]
    [InlineData("service:\n  flush: 1\n  storage.sink: full\n", "unknown key 'storage.sink'")]
    [InlineData("service:\n  http_port: eighty\n", "http_port")]
    [InlineData("pipeline:\n  outputs:\n    - name: es\n      match: '*'\n      suppress_type_names: on\n", "unknown key 'suppress_type_names'")]
    [InlineData("pipeline:\n  outputs:\n    - name: es\n      match: '*'\n      suppress_type_name: maybe\n", "suppress_type_name")]
    [InlineData("pipeline:\n  inputs:\n    - name: tail\n      multiline.parser: crio\n", "multiline.parser")]
    [InlineData("pipeline:\n  inputs:\n    - name: systemd\n", "not a plugin")]
    [InlineData("pipelines:\n  inputs: []\n", "unknown section")]
    public void TheFluentBitSchemaRefusesWhatFluentBitWouldNot(string yaml, string expected)
    {
        var e = Assert.Throws<FormatException>(() => FluentBitSchema.Check(yaml));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void FluentdConfigUsesOnlyDocumentedParametersWithTheirTypes()
    {
        var (text, _, _) = Shipper(LogShipper.Fluentd);
        var top = FluentdConfig.Check(text);
        Assert.Equal(["system", "source", "filter", "match"], top.Select(d => d.Name));
    }

    [Fact]
    public void FluentdTailsCriLogsAddsMetadataAndBuffersOnTheNode()
    {
        var (text, ds, _) = Shipper(LogShipper.Fluentd);
        var top = FluentdConfig.Check(text);
        var source = top.Single(d => d.Name == "source");
        Assert.Equal("tail", source.Type);
        Assert.Equal("/var/log/containers/*.log", source.Params["path"]);
        Assert.Equal("cri", source.Child("parse").Type);
        var state = ds.Spec.Template.Spec.Containers[0].VolumeMounts.Single(m => m.Name == "state").MountPath;
        Assert.StartsWith(state + "/", source.Params["pos_file"]);
        var filter = top.Single(d => d.Name == "filter");
        Assert.Equal("kubernetes_metadata", filter.Type);
        Assert.Equal("kubernetes.**", filter.Arg);
        Assert.Equal("false", filter.Params["skip_labels"]);
        var match = top.Single(d => d.Name == "match");
        Assert.Equal("elasticsearch", match.Type);
        Assert.Equal("kubernetes.**", match.Arg);
        Assert.StartsWith(source.Params["tag"].TrimEnd('*'), match.Arg.TrimEnd('*'));
        Assert.Equal("true", match.Params["suppress_type_name"]);
        Assert.Equal("elasticsearch.kubeops-logging.svc", match.Params["host"]);
        var buffer = match.Child("buffer");
        Assert.Equal("file", buffer.Type);
        Assert.StartsWith(state + "/", buffer.Params["path"]);
        Assert.Equal("true", buffer.Params["retry_forever"]);
        var env = ds.Spec.Template.Spec.Containers[0].Env.Select(e => e.Name).ToHashSet();
        Assert.All(FluentdConfig.EnvReferences(text), name => Assert.Contains(name, env));
        Assert.Equal(["ES_PASSWORD"], FluentdConfig.EnvReferences(text));
    }

    [Theory]
    [InlineData("<source>\n  @type tail\n", "never closed")]
    [InlineData("<source>\n  @type tail\n</match>\n", "does not close")]
    [InlineData("<match **>\n  @type elasticsearch\n  suppress_type_names true\n</match>\n", "unknown parameter 'suppress_type_names'")]
    [InlineData("<match **>\n  @type elasticsearch\n  port http\n</match>\n", "port 'http'")]
    [InlineData("<match **>\n  @type elasticsearch\n  <buffer>\n    @type file\n    flush_interval soon\n  </buffer>\n</match>\n", "flush_interval")]
    [InlineData("<match **>\n  @type elasticsearch\n  password \"#{`id`}\"\n</match>\n", "embedded Ruby")]
    [InlineData("<source>\n  @type tail\n  <buffer>\n  </buffer>\n</source>\n", "cannot be inside")]
    [InlineData("  path /var/log\n", "outside any directive")]
    public void TheFluentdParserRefusesWhatFluentdWouldNot(string conf, string expected)
    {
        var e = Assert.Throws<FormatException>(() => FluentdConfig.Check(conf));
        Assert.Contains(expected, e.Message);
    }
}
