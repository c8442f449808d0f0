using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;

namespace KubeOpsPS.Tests.Cluster;

public class ObjectDiffAndOrderTests
{
    [Fact]
    public void DiffReportsChangedAddedAndRemovedFieldsAndIgnoresServerFields()
    {
        var live = JsonNode.Parse("""{"metadata":{"name":"a","resourceVersion":"5","managedFields":[{}]},"data":{"x":"1","gone":"y"},"status":{"s":1}}""")!.AsObject();
        var desired = JsonNode.Parse("""{"metadata":{"name":"a","resourceVersion":"9"},"data":{"x":"2","new":"z"}}""")!.AsObject();
        var changes = ObjectDiff.Compare("ConfigMap", "default", "a", live, desired);
        Assert.Equal(3, changes.Count);
        Assert.Contains(changes, c => c is { Path: "data.x", Change: "Changed", Live: "\"1\"", Desired: "\"2\"" });
        Assert.Contains(changes, c => c is { Path: "data.new", Change: "Added" });
        Assert.Contains(changes, c => c is { Path: "data.gone", Change: "Removed" });
    }

    [Theory]
    [InlineData("Namespace", "CustomResourceDefinition")]
    [InlineData("CustomResourceDefinition", "ServiceAccount")]
    [InlineData("ClusterRoleBinding", "ConfigMap")]
    [InlineData("Secret", "PersistentVolumeClaim")]
    [InlineData("PersistentVolumeClaim", "Service")]
    [InlineData("Service", "Deployment")]
    [InlineData("StatefulSet", "Ingress")]
    [InlineData("Ingress", "Certificate")]
    public void DependenciesComeFirst(string first, string later) =>
        Assert.True(ApplyOrder.Stage(first) < ApplyOrder.Stage(later));

    [Fact]
    public void RolloutStatusFollowsKubectlsDeploymentRules()
    {
        V1Deployment D(long gen, long observed, int replicas, int updated, int total, int available, string? reason = null) => new()
        {
            Metadata = new V1ObjectMeta { Name = "web", Generation = gen },
            Spec = new V1DeploymentSpec { Replicas = replicas },
            Status = new V1DeploymentStatus
            {
                ObservedGeneration = observed, UpdatedReplicas = updated, Replicas = total, AvailableReplicas = available,
                Conditions = reason is null ? null : [new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = reason }],
            },
        };
        Assert.False(RolloutStatus.Deployment(D(2, 1, 3, 3, 3, 3)).Done); // spec not observed yet
        Assert.False(RolloutStatus.Deployment(D(2, 2, 3, 2, 3, 3)).Done); // not all updated
        Assert.False(RolloutStatus.Deployment(D(2, 2, 3, 3, 4, 3)).Done); // old replicas terminating
        Assert.False(RolloutStatus.Deployment(D(2, 2, 3, 3, 3, 2)).Done); // not available
        Assert.True(RolloutStatus.Deployment(D(2, 2, 3, 3, 3, 3)).Done);
        var failed = RolloutStatus.Deployment(D(2, 2, 3, 1, 4, 3, "ProgressDeadlineExceeded"));
        Assert.True(failed.Failed);
        Assert.Contains("exceeded its progress deadline", failed.Status);
    }
}
