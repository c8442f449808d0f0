using System.Diagnostics;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The real kubectl against a fake cluster: its kubeconfig, a fresh discovery cache per run (D-6), its own HOME.</summary>
public sealed class KubectlRunner(string kubeconfig, string dir)
{
    public sealed record Run(int Exit, string Out, string Err);

    public async Task<Run> In(string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        // Global flags first, so that arguments after "--" stay the container command's.
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(Path.Combine(dir, "cache-" + Guid.NewGuid().ToString("N")[..8]));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = dir;
        psi.Environment.Remove("KUBECONFIG");
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await p.WaitForExitAsync(cts.Token);
        return new Run(p.ExitCode, await stdout, await stderr);
    }

    public Task<Run> Args(params string[] args) => In("", args);
}
