using k8s.Models;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Logging;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Logging;

/// <summary>
/// The whole bundle for each option set, against reviewed files in Logging/golden/. A change shows up as a diff to
/// review. To rewrite the files after a deliberate change: KO_UPDATE_GOLDEN=$PWD/tests/KubeOpsPS.Tests/Logging/golden
/// dotnet test tests/KubeOpsPS.Tests --filter FullyQualifiedName~Logging.GoldenTests (then run again without it).
/// </summary>
public class GoldenTests
{
    public static TheoryData<string> Cases => new(Options.Keys);

    private static readonly Dictionary<string, LoggingOptions> Options = new()
    {
        ["default"] = new LoggingOptions(),
        ["fluentd"] = new LoggingOptions { Shipper = LogShipper.Fluentd },
        ["everything"] = new LoggingOptions
        {
            Namespace = "logs", StorageClass = "nfs", StorageSize = "100Gi", Memory = "8Gi", Heap = "4Gi", RetentionDays = 30,
            CorsAllowOrigin = "https://grafana.example.com", KibanaPath = "/logs/kibana", AllowIndexListing = true,
            Ingress = new IngressExposure("ops.example.com", "ops-tls", "ops-auth", "nginx", IngressController.NginxInc),
        },
    };

    private static void Compare(string file, string actual)
    {
        if (Environment.GetEnvironmentVariable("KO_UPDATE_GOLDEN") is { Length: > 0 } dir)
        {
            File.WriteAllText(Path.Combine(dir, file), actual);
            return;
        }
        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Logging", "golden", file));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheBundleIsTheReviewedOne(string name) => Compare($"{name}.yaml", KoYaml.Write(LoggingBundleTests.Bundle(Options[name])));

    [Theory]
    [InlineData(LogShipper.FluentBit)]
    [InlineData(LogShipper.Fluentd)]
    public void TheShipperConfigIsTheReviewedOne(LogShipper shipper)
    {
        var cm = LoggingBundleTests.Bundle(new LoggingOptions { Shipper = shipper }).OfType<V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith(LoggingBundle.ShipperName(shipper), StringComparison.Ordinal));
        var (file, text) = cm.Data.Single();
        Compare(file, text);
    }
}
