using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Manifests.AppManager;
using KubeOpsPS.Engine.Runtime.AppManager;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.AppManager;

public sealed class AppManagerUnitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ko-am-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void AFileWithOneBadDocumentIsUnusableAsAWhole()
    {
        var path = Path.Combine(_dir, "mixed.yaml");
        File.WriteAllText(path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad\n");
        var file = ManifestFolder.Read(_dir, path, "default");
        Assert.NotNull(file.Error);
        Assert.Empty(file.Objects);
        Assert.Contains("mixed.yaml", file.Error);
    }

    [Fact]
    public void ReadsModesNamespacesAndKeys()
    {
        var path = Path.Combine(_dir, "a.yml");
        File.WriteAllText(path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  labels: {addonmanager.kubernetes.io/mode: EnsureExists}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        var file = ManifestFolder.Read(_dir, path, "apps");
        Assert.Null(file.Error);
        Assert.Equal("EnsureExists", file.Objects[0].Mode);
        Assert.Equal("apps", file.Objects[0].Namespace);
        Assert.Null(file.Objects[1].Namespace);
        Assert.Equal("/Namespace//shop", file.Objects[1].Key);
    }

    [Fact]
    public void ListsOnlyManifestFilesAndSkipsConfigMapVolumeInternals()
    {
        foreach (var f in new[] { "a.yaml", "b.json", "c.txt", ".hidden.yaml" }) File.WriteAllText(Path.Combine(_dir, f), "");
        Directory.CreateDirectory(Path.Combine(_dir, "..2026_11_25"));
        File.WriteAllText(Path.Combine(_dir, "..2026_11_25", "a.yaml"), "");
        var files = ManifestFolder.ListFiles(_dir, recurse: true).Select(Path.GetFileName).ToList();
        Assert.Equal(["a.yaml", "b.json"], files);
    }

    [Fact]
    public void SubsetIgnoresServerDefaultsButSeesDrift()
    {
        var desired = JsonNode.Parse("""{"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}}}""");
        var live = JsonNode.Parse("""{"spec":{"replicas":2,"revisionHistoryLimit":10,"template":{"spec":{"containers":[{"name":"a","image":"x:1","imagePullPolicy":"IfNotPresent"}]}}}}""");
        Assert.True(AppManagerReconciler.IsSubset(desired, live));
        var drifted = JsonNode.Parse("""{"spec":{"replicas":5,"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}}}""");
        Assert.False(AppManagerReconciler.IsSubset(desired, drifted));
    }

    [Fact]
    public void InstanceNamesAreValidLabelValues()
    {
        Assert.Equal("my-apps", AppManagerNames.InstanceFor("/srv/My Apps/"));
        Assert.Equal("default", AppManagerNames.InstanceFor("/"));
    }

    [Fact]
    public void TheInClusterBundleIsScopedToItsNamespaceUnlessClusterWide()
    {
        var objects = AppManagerBundle.Build(new AppManagerOptions { Manifests = new Dictionary<string, string> { ["web.yaml"] = "x" } });
        Assert.Contains(objects, o => o is V1Role);
        Assert.DoesNotContain(objects, o => o is V1ClusterRole);
        var deploy = Assert.Single(objects.OfType<V1Deployment>());
        var c = deploy.Spec.Template.Spec.Containers[0];
        Assert.Equal(["pwsh", "-NoProfile", "-NonInteractive", "-Command"], c.Command);
        Assert.Contains("Start-KoAppManager -Path '/manifests'", c.Args[0]);
        Assert.Contains("-Prune", c.Args[0]);
        Assert.True(c.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal("x", objects.OfType<V1ConfigMap>().Single().Data["web.yaml"]);
        var wide = AppManagerBundle.Build(new AppManagerOptions { ClusterWide = true, Prune = false });
        Assert.Contains(wide, o => o is V1ClusterRoleBinding);
        Assert.DoesNotContain("-Prune", wide.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers[0].Args[0]);
    }

    [Fact]
    public void StaticPodsAreValidatedAndWrittenAtomically()
    {
        var pod = StaticPodBuilder.Build("agent", "kube-system", "busybox:1.37", [8080], ["sleep", "infinity"], hostNetwork: true);
        var file = StaticPodWriter.Write(pod, _dir);
        Assert.Equal(Path.Combine(_dir, "agent.yaml"), file);
        Assert.Contains("hostNetwork: true", File.ReadAllText(file));
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left
        Assert.Throws<KoValidationException>(() => StaticPodBuilder.Build("Bad_Name", "kube-system", "busybox", [], null, false));
        Assert.Throws<KoValidationException>(() => StaticPodBuilder.Build("agent", "kube-system", "busybox", [70000], null, false));
        Assert.Throws<KoValidationException>(() => StaticPodBuilder.Check(new V1Pod { Metadata = new V1ObjectMeta { Name = "empty" }, Spec = new V1PodSpec { Containers = [] } }));
    }

    [Fact]
    public void AStaticPodThatReferencesApiObjectsIsRefusedWithTheKubeletsReason()
    {
        V1Pod Pod(Action<V1PodSpec> change)
        {
            var pod = StaticPodBuilder.Build("agent", "kube-system", "busybox:1.37", [], ["sleep", "infinity"], hostNetwork: false);
            change(pod.Spec);
            return pod;
        }
        var refused = new[]
        {
            Pod(s => s.ServiceAccountName = "agent"),
            Pod(s => s.Volumes = [new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "cfg" } }]),
            Pod(s => s.Containers[0].Env = [new V1EnvVar { Name = "P", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "s", Key = "k" } } }]),
        };
        foreach (var pod in refused)
        {
            var e = Assert.Throws<KoValidationException>(() => StaticPodBuilder.Check(pod));
            Assert.Contains("without the API server", e.Message, StringComparison.Ordinal);
            Assert.Contains("since Kubernetes 1.37 it refuses", e.Message, StringComparison.Ordinal);
        }
    }
}

public class AppManagerSafetyTests
{
    [Theory]
    [InlineData("PersistentVolumeClaim", null, null, null, true)]
    [InlineData("Namespace", null, null, null, true)]
    [InlineData("Secret", null, null, "kubernetes.io/tls", true)]
    [InlineData("Secret", null, null, "Opaque", false)]
    [InlineData("ConfigMap", "EnsureExists", null, null, true)]
    [InlineData("ConfigMap", null, "{\"kustomize.toolkit.fluxcd.io/prune\":\"disabled\"}", null, true)]
    [InlineData("Deployment", null, "{\"argocd.argoproj.io/sync-options\":\"Prune=false\"}", null, true)]
    [InlineData("Deployment", null, null, null, false)]
    public void PruneKeepsWhatWouldLoseDataOrIsOptedOut(string kind, string? mode, string? annotations, string? type, bool kept) =>
        Assert.Equal(kept, AppManagerReconciler.KeepReason(kind, mode, annotations is null ? null : (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(annotations)!, type) is not null);

    [Fact]
    public void StaticPodsCannotUseConfigMapsSecretsOrServiceAccounts()
    {
        var pod = StaticPodBuilder.Build("agent", "kube-system", "busybox:1.37", [], null, false);
        pod.Spec.Volumes = [new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "x" } }];
        Assert.Contains("ConfigMap", Assert.Throws<KoValidationException>(() => StaticPodBuilder.Check(pod)).Message);
        pod.Spec.Volumes = null;
        pod.Spec.ServiceAccountName = "robot";
        Assert.Throws<KoValidationException>(() => StaticPodBuilder.Check(pod));
    }
}
