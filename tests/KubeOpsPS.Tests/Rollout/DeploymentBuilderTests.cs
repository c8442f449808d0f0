using KubeOpsPS.Engine.Manifests.Workloads;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Rollout;

public class DeploymentBuilderTests
{
    [Fact]
    public void BuildsTheSeedsWorkloadWithProbesStrategyAndClaims()
    {
        var d = DeploymentBuilder.Build(new DeploymentOptions
        {
            Name = "web", Image = "nginx:1.29", Replicas = 3, Ports = [8080], ReadinessProbe = "tcp:8080", LivenessProbe = "http:8080/healthz",
            MaxSurge = "1", MaxUnavailable = "25%", MinReadySeconds = 5, ProgressDeadlineSeconds = 120, VolumeClaims = ["web-data:/data"], Memory = "256Mi",
            Env = new Dictionary<string, string> { ["MODE"] = "prod" },
        });
        Assert.Equal(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels);
        var c = d.Spec.Template.Spec.Containers.Single();
        Assert.Equal(8080, int.Parse(c.ReadinessProbe.TcpSocket.Port.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("/healthz", c.LivenessProbe.HttpGet.Path);
        Assert.Equal("1", d.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal("25%", d.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal("web-data", d.Spec.Template.Spec.Volumes.Single().PersistentVolumeClaim.ClaimName);
        Assert.Equal("/data", c.VolumeMounts.Single().MountPath);
        Assert.Equal("256Mi", c.Resources.Requests["memory"].ToString());
    }

    [Theory]
    [InlineData("Web_App", "nginx", null, null, "-Name")]
    [InlineData("web", "", null, null, "-Image")]
    [InlineData("web", "nginx", "tcp:http", null, "-ReadinessProbe")]
    [InlineData("web", "nginx", "ftp:21", null, "-ReadinessProbe")]
    [InlineData("web", "nginx", null, "data", "-VolumeClaim")]
    [InlineData("web", "nginx", null, "data:relative/path", "-VolumeClaim")]
    public void BadInputIsRefusedNamingTheParameter(string name, string image, string? probe, string? claim, string field)
    {
        var e = Assert.Throws<KoValidationException>(() => DeploymentBuilder.Build(new DeploymentOptions { Name = name, Image = image, ReadinessProbe = probe, VolumeClaims = claim is null ? [] : [claim] }));
        Assert.Equal(field, e.Field);
        Assert.Contains(field, e.Message);
    }
}
