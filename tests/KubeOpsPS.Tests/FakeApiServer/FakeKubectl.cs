using System.Diagnostics;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>What one kubectl run printed.</summary>
public sealed record KubectlRun(int Exit, string Out, string Err);

/// <summary>The real kubectl (v1.32) as an independent client of the fake.</summary>
public static class FakeKubectl
{
    /// <summary>Runs kubectl with a kubeconfig, a fresh discovery cache (D-6) and HOME in <paramref name="dir"/>.</summary>
    public static Task<KubectlRun> Run(string kubeconfig, string dir, string stdin, params string[] args) => Run(kubeconfig, dir, stdin, null, null, args);

    /// <summary>
    /// Runs kubectl as above with extra environment variables (EDITOR for `kubectl edit`) and, when <paramref name="cacheDir"/>
    /// is given, that discovery cache instead of a fresh one (for a sequence of commands that adds no resource types).
    /// </summary>
    public static async Task<KubectlRun> Run(string kubeconfig, string dir, string stdin, IReadOnlyDictionary<string, string>? env, string? cacheDir, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        // Global flags first, so that arguments after "--" stay the container command's (kubectl create job x -- echo hi).
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(kubeconfig);
        psi.ArgumentList.Add("--cache-dir");
        psi.ArgumentList.Add(cacheDir ?? Path.Combine(dir, "cache-" + Guid.NewGuid().ToString("N")[..8]));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = dir;
        psi.Environment.Remove("KUBECONFIG");
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
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
