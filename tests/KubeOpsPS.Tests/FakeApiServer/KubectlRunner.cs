using FakeApiServer;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The real kubectl against one fake cluster: its kubeconfig and HOME in a temporary directory, removed on dispose.</summary>
public sealed class KubectlRunner : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fake-kubectl-").FullName;
    private readonly string _config;

    public KubectlRunner(FakeCluster cluster) => _config = cluster.WriteKubeConfig(Path.Combine(_dir, "kubeconfig"));

    /// <summary>The temporary directory (kubectl's HOME), for files a test hands to kubectl.</summary>
    public string Folder => _dir;

    public void Dispose() => Directory.Delete(_dir, true);

    public Task<KubectlRun> In(string stdin, params string[] args) => FakeKubectl.Run(_config, _dir, stdin, args);

    public Task<KubectlRun> Run(params string[] args) => In("", args);

    /// <summary>One command of a sequence: extra environment variables, and the discovery cache the sequence shares (it must add no resource types).</summary>
    public Task<KubectlRun> InSequence(string stdin, IReadOnlyDictionary<string, string>? env, params string[] args) =>
        FakeKubectl.Run(_config, _dir, stdin, env, Path.Combine(_dir, "cache"), args);
}
