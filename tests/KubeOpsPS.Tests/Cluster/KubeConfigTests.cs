using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Tests.Cluster;

public sealed class KubeConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ko-kc-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Config(string context, string server, string? current = null, string? ns = null) => $"""
        apiVersion: v1
        kind: Config
        {(current is null ? "" : $"current-context: {current}")}
        clusters:
        - name: {context}-cluster
          cluster:
            server: {server}
        users:
        - name: {context}-user
          user:
            token: secret-{context}
        contexts:
        - name: {context}
          context:
            cluster: {context}-cluster
            user: {context}-user
            {(ns is null ? "" : $"namespace: {ns}")}
        """;

    [Fact]
    public void MergesKubeconfigPathsTheWayKubectlDoes()
    {
        var a = Write("a", Config("alpha", "http://127.0.0.1:1", current: "alpha", ns: "shop"));
        var b = Write("b", Config("beta", "http://127.0.0.1:2", current: "beta"));
        var contexts = KubeConfigs.ListContexts(null, a + Path.PathSeparator + b, _dir);
        Assert.Equal(["alpha", "beta"], contexts.Select(c => c.Name));
        Assert.True(contexts.Single(c => c.Name == "alpha").IsCurrent); // the first file's current-context wins
        Assert.Equal("shop", contexts[0].Namespace);

        var conn = KubeConfigs.Connect(null, "beta", null, a + Path.PathSeparator + b, _dir);
        Assert.Equal("http://127.0.0.1:2", conn.Server.TrimEnd('/'));
        Assert.Equal("default", conn.Namespace);
    }

    [Fact]
    public void AnExplicitFileWinsOverTheEnvironment()
    {
        var a = Write("a", Config("alpha", "http://127.0.0.1:1", current: "alpha"));
        var b = Write("b", Config("beta", "http://127.0.0.1:2", current: "beta"));
        var conn = KubeConfigs.Connect(b, null, "ops", a, _dir);
        Assert.Equal("beta", conn.Context);
        Assert.Equal("ops", conn.Namespace);
    }

    [Fact]
    public void NoKubeconfigAnywhereSaysHowToConnect()
    {
        var e = Assert.Throws<KoClusterException>(() => KubeConfigs.Connect(null, null, null, null, _dir));
        Assert.Equal("NoKubeConfig", e.ErrorId);
        Assert.Contains("Connect-KoCluster -KubeConfig", e.RecommendedAction);
    }

    [Fact]
    public void AMissingFileAndAnUnknownContextAreNamed()
    {
        var missing = Path.Combine(_dir, "nope");
        Assert.Equal("KubeConfigNotFound", Assert.Throws<KoClusterException>(() => KubeConfigs.Connect(missing, null, null, null, _dir)).ErrorId);
        var a = Write("a", Config("alpha", "http://127.0.0.1:1", current: "alpha"));
        var e = Assert.Throws<KoClusterException>(() => KubeConfigs.Connect(a, "gamma", null, null, _dir));
        Assert.Equal("ContextNotFound", e.ErrorId);
        Assert.Contains("alpha", e.Message);
    }

    [Fact]
    public void AKubeconfigThatIsNotOneIsReportedNotThrownRaw()
    {
        var bad = Write("bad", "this: [is not: a kubeconfig");
        var e = Assert.Throws<KoClusterException>(() => KubeConfigs.Connect(bad, null, null, null, _dir));
        Assert.Equal("KubeConfigInvalid", e.ErrorId);
        Assert.Contains(bad, e.Message);
    }

    [Fact]
    public void TokensNeverAppearInConnectionText()
    {
        var a = Write("a", Config("alpha", "http://127.0.0.1:1", current: "alpha"));
        var conn = KubeConfigs.Connect(a, null, null, null, _dir);
        Assert.DoesNotContain("secret-alpha", conn.ToString());
    }
}
