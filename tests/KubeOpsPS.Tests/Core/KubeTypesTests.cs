using k8s.Models;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Core;

public class KubeTypesTests
{
    [Fact]
    public void TheQuickLookupByNameAgreesWithTheWholeTableForEveryKind()
    {
        var guessed = 0;
        foreach (var k in KubeTypes.All)
        {
            var g = KubeTypes.Guess(k.ApiVersion, k.Kind);
            if (g is null) continue; // not found by name: Find falls back to the table
            Assert.Equal(k, g);
            guessed++;
        }
        // Most kinds follow KubernetesClient's naming (V1Deployment, V2HorizontalPodAutoscaler, V1beta1...).
        Assert.True(guessed > KubeTypes.All.Count() * 3 / 4, $"only {guessed} of {KubeTypes.All.Count()} kinds found by name");
    }

    [Theory]
    [InlineData("apps/v1", "Deployment", typeof(V1Deployment), true)]
    [InlineData("v1", "Namespace", typeof(V1Namespace), false)]
    [InlineData("networking.k8s.io/v1", "Ingress", typeof(V1Ingress), true)]
    [InlineData("autoscaling/v2", "HorizontalPodAutoscaler", typeof(V2HorizontalPodAutoscaler), true)]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRole", typeof(V1ClusterRole), false)]
    [InlineData("v1", "Event", typeof(Corev1Event), true)]
    [InlineData("events.k8s.io/v1", "Event", typeof(Eventsv1Event), true)]
    public void FindsModelTypesAndScope(string apiVersion, string kind, Type model, bool namespaced)
    {
        var k = KubeTypes.Find(apiVersion, kind);
        Assert.NotNull(k);
        Assert.Equal(model, k!.ModelType);
        Assert.Equal(namespaced, k.Namespaced);
        Assert.Equal(k, KubeTypes.ForType(model));
    }

    [Theory]
    [InlineData("v1", "ConfigMapList")]
    [InlineData("cert-manager.io/v1", "Certificate")]
    [InlineData("apps/v1", "Nope")]
    [InlineData("v1", "")]
    public void ListsAndUnknownKindsHaveNoModel(string apiVersion, string kind)
    {
        Assert.Null(KubeTypes.Guess(apiVersion, kind));
        Assert.Null(KubeTypes.Find(apiVersion, kind)?.ModelType);
    }
}
