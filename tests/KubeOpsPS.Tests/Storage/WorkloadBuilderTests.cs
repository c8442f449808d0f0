using System.Globalization;
using k8s.Models;
using KubeOpsPS.Engine.Manifests.Workloads;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Storage;

public class StatefulSetBuilderTests
{
    private static StatefulSetOptions MySql => new()
    {
        Name = "mysql", Namespace = "db", Image = "mysql:8.4", Replicas = 2, Ports = [3306],
        Env = new Dictionary<string, string> { ["MYSQL_DATABASE"] = "app" }, EnvFromSecret = ["mysql-root"],
        Cpu = "250m", Memory = "512Mi", MemoryLimit = "1Gi", ReadinessProbe = "tcp:3306", LivenessProbe = "tcp:3306",
        VolumeClaimTemplates = ["data=10Gi:/var/lib/mysql"], StorageClass = "nfs", MinReadySeconds = 5,
        Labels = new Dictionary<string, string> { ["tier"] = "db" },
    };

    [Fact]
    public void BuildsTheSeedsMySqlWithVolumeClaimTemplatesFieldByField()
    {
        var s = StatefulSetBuilder.Build(MySql);
        Assert.Equal("apps/v1", s.ApiVersion);
        Assert.Equal("StatefulSet", s.Kind);
        Assert.Equal("mysql", s.Metadata.Name);
        Assert.Equal("db", s.Metadata.NamespaceProperty);
        Assert.Equal("mysql", s.Metadata.Labels["app.kubernetes.io/name"]);
        Assert.Equal("db", s.Metadata.Labels["tier"]);
        Assert.Equal(2, s.Spec.Replicas);
        Assert.Equal("mysql", s.Spec.ServiceName);
        Assert.Equal(5, s.Spec.MinReadySeconds);
        Assert.Null(s.Spec.PodManagementPolicy);
        // The selector matches the template's labels, and only the name label (so adding labels later never orphans pods).
        Assert.Equal(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "mysql" }, s.Spec.Selector.MatchLabels);
        Assert.All(s.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, s.Spec.Template.Metadata.Labels[kv.Key]));
        Assert.Equal("db", s.Spec.Template.Metadata.Labels["tier"]);

        var c = s.Spec.Template.Spec.Containers.Single();
        Assert.Equal("mysql", c.Name);
        Assert.Equal("mysql:8.4", c.Image);
        Assert.Equal(3306, c.Ports.Single().ContainerPort);
        Assert.Equal("app", c.Env.Single(e => e.Name == "MYSQL_DATABASE").Value);
        Assert.Equal("mysql-root", c.EnvFrom.Single().SecretRef.Name);
        Assert.Equal("250m", c.Resources.Requests["cpu"].ToString());
        Assert.Equal("512Mi", c.Resources.Requests["memory"].ToString());
        Assert.Equal("1Gi", c.Resources.Limits["memory"].ToString());
        Assert.False(c.Resources.Limits.ContainsKey("cpu"));
        Assert.Equal("3306", c.ReadinessProbe.TcpSocket.Port.Value);
        Assert.Equal("3306", c.LivenessProbe.TcpSocket.Port.Value);
        Assert.Null(s.Spec.Template.Spec.Volumes);

        var t = s.Spec.VolumeClaimTemplates.Single();
        Assert.Equal("data", t.Metadata.Name);
        Assert.Null(t.Kind);
        Assert.Null(t.Metadata.NamespaceProperty);
        Assert.Equal(["ReadWriteOnce"], t.Spec.AccessModes);
        Assert.Equal("nfs", t.Spec.StorageClassName);
        Assert.Equal("10Gi", t.Spec.Resources.Requests["storage"].ToString());
        var mount = c.VolumeMounts.Single();
        Assert.Equal("data", mount.Name);
        Assert.Equal("/var/lib/mysql", mount.MountPath);
        // Deleting or scaling down the StatefulSet keeps the claims: the seed's point, now explicit.
        Assert.Equal("Retain", s.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        Assert.Equal("Retain", s.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled);
    }

    [Fact]
    public void MixesExistingClaimsAndTemplatesAndHonoursParallelAndServiceName()
    {
        var s = StatefulSetBuilder.Build(new StatefulSetOptions
        {
            Name = "pg", Image = "postgres:18", VolumeClaims = ["pg-backup:/backup"], VolumeClaimTemplates = ["data=5Gi:/var/lib/postgresql"],
            AccessMode = "readwritemany", ServiceName = "pg-peers", PodManagementPolicy = "Parallel",
        });
        Assert.Equal("pg-peers", s.Spec.ServiceName);
        Assert.Equal("Parallel", s.Spec.PodManagementPolicy);
        Assert.Equal(["ReadWriteMany"], s.Spec.VolumeClaimTemplates.Single().Spec.AccessModes);
        Assert.Null(s.Spec.VolumeClaimTemplates.Single().Spec.StorageClassName);
        Assert.Equal("pg-backup", s.Spec.Template.Spec.Volumes.Single().PersistentVolumeClaim.ClaimName);
        Assert.Equal(["/backup", "/var/lib/postgresql"], s.Spec.Template.Spec.Containers[0].VolumeMounts.Select(m => m.MountPath));
    }

    [Fact]
    public void WithoutTemplatesThereIsNoRetentionPolicy()
    {
        var s = StatefulSetBuilder.Build(new StatefulSetOptions { Name = "cache", Image = "redis:8" });
        Assert.Null(s.Spec.VolumeClaimTemplates);
        Assert.Null(s.Spec.PersistentVolumeClaimRetentionPolicy);
        Assert.Equal(1, s.Spec.Replicas);
    }

    [Fact]
    public void HeadlessServiceGovernsTheSetWithItsPorts()
    {
        var s = StatefulSetBuilder.Build(MySql);
        var svc = StatefulSetBuilder.HeadlessService(s);
        Assert.Equal("v1", svc.ApiVersion);
        Assert.Equal("Service", svc.Kind);
        Assert.Equal("mysql", svc.Metadata.Name);
        Assert.Equal("db", svc.Metadata.NamespaceProperty);
        Assert.Equal("None", svc.Spec.ClusterIP);
        Assert.True(svc.Spec.PublishNotReadyAddresses);
        Assert.Equal(s.Spec.Selector.MatchLabels, svc.Spec.Selector);
        var port = svc.Spec.Ports.Single();
        Assert.Equal(3306, port.Port);
        Assert.Equal("3306", port.TargetPort.Value);
        Assert.Equal("TCP", port.Protocol);
    }

    [Fact]
    public void RoundTripsThroughYamlAsAStatefulSet()
    {
        var yaml = KoYaml.Write([StatefulSetBuilder.Build(MySql)]);
        Assert.Contains("volumeClaimTemplates:", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("volume.beta.kubernetes.io", yaml, StringComparison.Ordinal);
        var back = Assert.IsType<V1StatefulSet>(KoYaml.Read(yaml, "test").Single().Object);
        Assert.Equal("10Gi", back.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests["storage"].ToString());
    }

    [Theory]
    [InlineData("data", "-VolumeClaimTemplate")]
    [InlineData("data=10Gi", "-VolumeClaimTemplate")]
    [InlineData("data=10Gi:relative", "-VolumeClaimTemplate")]
    [InlineData("data=ten:/var/lib/mysql", "-VolumeClaimTemplate")]
    [InlineData("Data_1=10Gi:/x", "-VolumeClaimTemplate")]
    [InlineData("=10Gi:/x", "-VolumeClaimTemplate")]
    public void BadTemplatesAreRefusedNamingTheParameter(string template, string field)
    {
        var e = Assert.Throws<KoValidationException>(() => StatefulSetBuilder.Build(new StatefulSetOptions { Name = "db", Image = "mysql:8.4", VolumeClaimTemplates = [template] }));
        Assert.Equal(field, e.Field);
        Assert.Contains(template, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInputIsRefused()
    {
        KoValidationException Fails(StatefulSetOptions o) => Assert.Throws<KoValidationException>(() => StatefulSetBuilder.Build(o));
        var ok = new StatefulSetOptions { Name = "db", Image = "mysql:8.4", VolumeClaimTemplates = ["data=1Gi:/d"] };
        Assert.Equal("-AccessMode", Fails(ok with { AccessMode = "ReadWriteSometimes" }).Field);
        Assert.Equal("-StorageClass", Fails(ok with { StorageClass = "Bad Class" }).Field);
        Assert.Equal("-StorageClass", Fails(ok with { VolumeClaimTemplates = [], StorageClass = "nfs" }).Field);
        Assert.Equal("-ServiceName", Fails(ok with { ServiceName = "1peers" }).Field);
        Assert.Equal("-Name", Fails(ok with { Name = "my.db" }).Field);
        Assert.Equal("-Name", Fails(ok with { Name = new string('a', 53) }).Field);
        Assert.Equal("-VolumeClaimTemplate", Fails(ok with { VolumeClaimTemplates = ["data=1Gi:/d", "data=2Gi:/e"] }).Field);
        Assert.Equal("-ReadinessProbe", Fails(ok with { ReadinessProbe = "tcp:http" }).Field);
        Assert.Equal("-PodManagementPolicy", Fails(ok with { PodManagementPolicy = "Random" }).Field);
        Assert.Equal("-MinReadySeconds", Fails(ok with { MinReadySeconds = -1 }).Field);
    }
}

public class PodTemplateTests
{
    [Theory]
    [InlineData("tcp:8080", null, 8080, null)]
    [InlineData("http:8080/healthz", "HTTP", 8080, "/healthz")]
    [InlineData("https:8443", "HTTPS", 8443, "/")]
    public void ProbeShorthandsParse(string spec, string? scheme, int port, string? path)
    {
        var p = PodTemplateBuilder.Probe(spec, "-ReadinessProbe");
        Assert.Equal(10, p.PeriodSeconds);
        if (scheme is null)
        {
            Assert.Equal(port, int.Parse(p.TcpSocket.Port.Value, CultureInfo.InvariantCulture));
            Assert.Null(p.HttpGet);
        }
        else
        {
            Assert.Equal(scheme, p.HttpGet.Scheme);
            Assert.Equal(port, int.Parse(p.HttpGet.Port.Value, CultureInfo.InvariantCulture));
            Assert.Equal(path, p.HttpGet.Path);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("tcp")]
    [InlineData("tcp:")]
    [InlineData("tcp:0")]
    [InlineData("tcp:70000")]
    [InlineData("udp:53")]
    [InlineData("http:/healthz")]
    [InlineData("exec:ls")]
    public void ProbeShorthandsThatDoNotParseAreRefused(string spec)
    {
        var e = Assert.Throws<KoValidationException>(() => PodTemplateBuilder.Probe(spec, "-LivenessProbe"));
        Assert.Equal("-LivenessProbe", e.Field);
    }

    [Fact]
    public void DeploymentAndStatefulSetShareTheSamePodTemplate()
    {
        var d = DeploymentBuilder.Build(new DeploymentOptions { Name = "web", Image = "nginx:1.29", Ports = [80], ReadinessProbe = "http:80/", VolumeClaims = ["web-data:/data"] });
        var s = StatefulSetBuilder.Build(new StatefulSetOptions { Name = "web", Image = "nginx:1.29", Ports = [80], ReadinessProbe = "http:80/", VolumeClaims = ["web-data:/data"] });
        Assert.Equal(k8s.KubernetesJson.Serialize(d.Spec.Template), k8s.KubernetesJson.Serialize(s.Spec.Template));
    }
}
