using System.Diagnostics;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>The standalone server (Program.cs) as Pester and the build script start it.</summary>
public sealed class StandaloneTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fake-standalone-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FakeApiServer.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    [Fact]
    public async Task ServesWritesTheKubeconfigAndStopsCleanlyOnSigterm()
    {
        var kubeconfig = Path.Combine(_dir, "kc.yaml");
        using var p = Start("--port", "0", "--kubeconfig", kubeconfig, "--clock-speed", "10", "--pod-ready-delay-ms", "100", "--watch-history", "50");
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await p.StandardOutput.ReadLineAsync(cts.Token);
            Assert.Matches(@"^Listening on http://127\.0\.0\.1:\d+$", line);
            var url = line!["Listening on ".Length..];
            var text = await File.ReadAllTextAsync(kubeconfig);
            Assert.Matches(@"server: https://127\.0\.0\.1:\d+\n\s+certificate-authority-data: ", text);
            Assert.Contains("current-context: fake", text);
            Assert.Contains("token: fake-token", text);
            using var h = new HttpClient { BaseAddress = new Uri(url) };
            // Control endpoints need no credentials; the API does (anonymous auth is off).
            Assert.Equal(401, (await h.Get("/version")).Code);
            h.DefaultRequestHeaders.Authorization = new("Bearer", "fake-token");
            Assert.Equal("32", (await h.Get("/version")).Str("minor"));
            Assert.Equal(200, (await h.Send("PUT", "/fake/faults", J("""{"latencyMs":1}"""))).Code);
            Assert.Equal(1, (await h.Get("/fake/faults")).Node("latencyMs")!.GetValue<int>());
            await using var w = await WatchStream.Open(h, "/api/v1/namespaces?watch=true");
            using var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync(cts.Token);
            await p.WaitForExitAsync(cts.Token);
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited) p.Kill();
        }
    }

    [Fact]
    public async Task RejectsUnknownArguments()
    {
        using var p = Start("--bogus");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("Usage", await p.StandardError.ReadToEndAsync(cts.Token));
    }
}
