using System.Diagnostics;
using FakeApiServer;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>One kubectl run: exit code, stdout, stderr.</summary>
public sealed record KubectlRun(int Exit, string Out, string Err)
{
    public override string ToString() => $"exit {Exit}\n{Out}\n{Err}";
}

/// <summary>The real kubectl against a fake cluster, with its own kubeconfig, HOME and a fresh discovery cache per run (D-6).</summary>
public sealed class KubectlRunner : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fake-kubectl-").FullName;
    private readonly string _config;

    public KubectlRunner(FakeCluster cluster) => _config = cluster.WriteKubeConfig(Path.Combine(_dir, "kubeconfig"));

    public void Dispose() => Directory.Delete(_dir, true);

    public async Task<KubectlRun> In(string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(_config);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(Path.Combine(_dir, "cache-" + Guid.NewGuid().ToString("N")[..8]));
        psi.Environment["HOME"] = _dir;
        psi.Environment.Remove("KUBECONFIG");
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await p.WaitForExitAsync(cts.Token);
        return new KubectlRun(p.ExitCode, await stdout, await stderr);
    }

    public Task<KubectlRun> Run(params string[] args) => In("", args);
}
