using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Manifests.Logging;

namespace KubeOpsPS.Tests.Logging;

/// <summary>
/// The setup Job's script, checked by the real shell: dash parses it (sh -n), then runs it with a stand-in curl
/// on PATH that records each call, so the order, the REST paths, the bodies and where the passwords go are seen.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // sh and Unix file modes
public sealed class SetupScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ko-setup-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static Dictionary<string, string> SetupFiles(LoggingOptions? o = null) =>
        LoggingBundleTests.Bundle(o).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "elasticsearch-setup").Data.ToDictionary();

    private static (int Code, string Out, string Err) Sh(string workDir, IDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("sh") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheShellParsesTheScript(bool allowIndexListing)
    {
        var script = Path.Combine(_dir, "setup.sh");
        File.WriteAllText(script, SetupFiles(new LoggingOptions { AllowIndexListing = allowIndexListing })["setup.sh"]);
        var (code, _, err) = Sh(_dir, new Dictionary<string, string>(), "-n", script);
        Assert.True(code == 0, err);
    }

    [Fact]
    public void TheScriptSetsUpElasticsearchInOrderAndKeepsPasswordsOffCommandLines()
    {
        var files = SetupFiles(new LoggingOptions { Namespace = "logs", RetentionDays = 9, AllowIndexListing = true });
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(_dir, name), text);
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var log = Path.Combine(_dir, "calls");
        var tmp = Directory.CreateDirectory(Path.Combine(_dir, "tmp")).FullName;
        // The stand-in curl: one record per call with its arguments, the -K file's content and the body it was given.
        File.WriteAllText(Path.Combine(bin, "curl"), """
            #!/bin/sh
            {
              echo "ARGS $*"
              prev=''
              for a in "$@"; do
                if [ "$prev" = '-K' ]; then echo "CONFIG $(cat "$a")"; fi
                if [ "$a" = '@-' ]; then echo "BODY $(tr -d '\n')"; fi
                prev="$a"
              done
              echo END
            } >> "$CURL_LOG"
            exit 0
            """.Replace("\r\n", "\n"));
        File.SetUnixFileMode(Path.Combine(bin, "curl"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var env = new Dictionary<string, string>
        {
            ["PATH"] = $"{bin}:/usr/bin:/bin", ["CURL_LOG"] = log, ["SETUP_DIR"] = _dir, ["TMPDIR"] = tmp,
            ["ELASTIC_PASSWORD"] = "elasticSECRET1", ["KIBANA_PASSWORD"] = "kibanaSECRET2", ["SHIPPER_PASSWORD"] = "shipperSECRET3",
        };
        var (code, stdout, err) = Sh(_dir, env, Path.Combine(_dir, "setup.sh"));
        Assert.True(code == 0, err);
        Assert.Contains("Elasticsearch is set up.", stdout);

        var calls = File.ReadAllText(log).Split("END\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ', 2)[0], l => l.Split(' ', 2).ElementAtOrDefault(1) ?? string.Empty))
            .ToList();
        var requests = calls.Select(c => (Method: Arg(c["ARGS"], "-X") ?? "GET", Url: c["ARGS"].Split(' ').Last())).ToList();
        Assert.Equal(
        [
            ("GET", "http://elasticsearch.logs.svc:9200/_cluster/health?wait_for_status=yellow&timeout=5s"),
            ("POST", "http://elasticsearch.logs.svc:9200/_security/user/kibana_system/_password"),
            ("PUT", "http://elasticsearch.logs.svc:9200/_ilm/policy/kubeops-logs"),
            ("PUT", "http://elasticsearch.logs.svc:9200/_index_template/kubeops-logs"),
            ("PUT", "http://elasticsearch.logs.svc:9200/_security/role/kubeops_log_writer"),
            ("PUT", "http://elasticsearch.logs.svc:9200/_security/user/kubeops-shipper"),
            ("PUT", "http://elasticsearch.logs.svc:9200/_security/role/kubeops_index_monitor"),
        ], requests);
        // Passwords: the elastic one only in curl's private config file, the others only in request bodies.
        Assert.All(calls, c => Assert.DoesNotContain("SECRET", c["ARGS"]));
        Assert.All(calls, c => Assert.Equal("user = \"elastic:elasticSECRET1\"", c["CONFIG"]));
        Assert.Equal("kibanaSECRET2", JsonNode.Parse(calls[1]["BODY"])!["password"]!.GetValue<string>());
        var user = JsonNode.Parse(calls[5]["BODY"])!;
        Assert.Equal("shipperSECRET3", user["password"]!.GetValue<string>());
        Assert.Equal(ElasticsearchConfig.WriterRole, user["roles"]![0]!.GetValue<string>());
        // The files reach Elasticsearch as they are in the ConfigMap (JSON written on one line by the shell's cat).
        Assert.Equal(JsonNode.Parse(files["ilm-policy.json"])!.ToJsonString(), JsonNode.Parse(calls[2]["BODY"])!.ToJsonString());
        Assert.Equal("9d", JsonNode.Parse(calls[2]["BODY"])!["policy"]!["phases"]!["delete"]!["min_age"]!.GetValue<string>());
        Assert.Equal(JsonNode.Parse(files["index-template.json"])!.ToJsonString(), JsonNode.Parse(calls[3]["BODY"])!.ToJsonString());
        Assert.Equal(JsonNode.Parse(files["monitor-role.json"])!.ToJsonString(), JsonNode.Parse(calls[6]["BODY"])!.ToJsonString());
        // The private config file is gone afterwards.
        Assert.Empty(Directory.GetFiles(tmp));
    }

    [Fact]
    public void TheScriptGivesUpWhenElasticsearchNeverAnswers()
    {
        var files = SetupFiles();
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(_dir, name), text.Replace("-ge 120", "-ge 2", StringComparison.Ordinal).Replace("sleep 5", "sleep 0", StringComparison.Ordinal));
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "curl"), "#!/bin/sh\nexit 7\n");
        File.SetUnixFileMode(Path.Combine(bin, "curl"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (code, _, err) = Sh(_dir, new Dictionary<string, string> { ["PATH"] = $"{bin}:/usr/bin:/bin", ["SETUP_DIR"] = _dir, ["ELASTIC_PASSWORD"] = "x", ["KIBANA_PASSWORD"] = "y", ["SHIPPER_PASSWORD"] = "z" },
            Path.Combine(_dir, "setup.sh"));
        Assert.Equal(1, code);
        Assert.Contains("did not become ready", err);
    }

    private static string? Arg(string args, string flag)
    {
        var parts = args.Split(' ');
        var i = Array.IndexOf(parts, flag);
        return i >= 0 && i + 1 < parts.Length ? parts[i + 1] : null;
    }
}
