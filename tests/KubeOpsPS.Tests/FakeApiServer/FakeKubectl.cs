using System.Diagnostics;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>What one kubectl run printed.</summary>
public sealed record KubectlRun(int Exit, string Out, string Err);

/// <summary>The real kubectl (v1.32) as an independent client of the fake.</summary>
public static class FakeKubectl
{
    /// <summary>Runs kubectl with a kubeconfig, a fresh discovery cache (D-6) and HOME in <paramref name="dir"/>.</summary>
    public static async Task<KubectlRun> Run(string kubeconfig, string dir, string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(Path.Combine(dir, "cache-" + Guid.NewGuid().ToString("N")[..8]));
        psi.Environment["HOME"] = dir;
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
}
