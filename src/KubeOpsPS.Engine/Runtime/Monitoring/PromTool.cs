using System.Diagnostics;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.Monitoring;

/// <summary>What a check by promtool or amtool said; <see cref="Available"/> false when the tool is not on PATH.</summary>
public sealed record ToolCheck(string Tool, bool Available, bool Passed, string Output)
{
    public static ToolCheck Missing(string tool) => new(tool, false, false, $"{tool} is not on PATH");
}

/// <summary>
/// Runs Prometheus' own checkers on config files before they are applied: promtool check rules / check config /
/// test rules and amtool check-config. The files are written to a private temporary folder that is removed after.
/// </summary>
public static class PromTool
{
    /// <summary>The full path of a tool on PATH, or null.</summary>
    public static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? [tool + ".exe", tool] : new[] { tool })
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    /// <summary>promtool check rules on rule files (name → content).</summary>
    public static ToolCheck CheckRules(IReadOnlyDictionary<string, string> ruleFiles) =>
        Run("promtool", ruleFiles, ["check", "rules", .. ruleFiles.Keys.Order(StringComparer.Ordinal)]);

    /// <summary>
    /// promtool check config --syntax-only on prometheus.yml (the files it names, such as the ServiceAccount token,
    /// exist only in the pod), then promtool check rules on the rule files beside it. Debian's promtool is built
    /// without Kubernetes service discovery; when it rejects kubernetes_sd_configs, the check is repeated with each of
    /// them replaced by a static target (<see cref="StubKubernetesSd"/>), which still checks everything else.
    /// </summary>
    public static ToolCheck CheckConfig(IReadOnlyDictionary<string, string> files, string configFile = "prometheus.yml")
    {
        var config = new Dictionary<string, string> { [configFile] = files[configFile] };
        var check = Run("promtool", config, ["check", "config", "--syntax-only", configFile]);
        if (!check.Passed && check.Output.Contains("field kubernetes_sd_configs not found", StringComparison.Ordinal))
        {
            config[configFile] = StubKubernetesSd(files[configFile]);
            check = Run("promtool", config, ["check", "config", "--syntax-only", configFile]);
            check = check with { Output = "kubernetes_sd_configs replaced by static targets (this promtool has no Kubernetes discovery)\n" + check.Output };
        }
        var rules = files.Where(f => f.Key != configFile && f.Key.EndsWith(".rules.yml", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => f.Value);
        if (!check.Passed || rules.Count == 0) return check;
        var ruleCheck = CheckRules(rules);
        return ruleCheck with { Output = check.Output + "\n" + ruleCheck.Output };
    }

    /// <summary>
    /// The checks before a monitoring config is applied: prometheus.yml with its rules (or the rule files alone when
    /// the ConfigMap has no prometheus.yml), and alertmanager.yml when given.
    /// </summary>
    public static IReadOnlyList<ToolCheck> CheckMonitoring(IReadOnlyDictionary<string, string>? prometheusFiles, string? alertmanagerYml)
    {
        var checks = new List<ToolCheck>();
        if (prometheusFiles is not null)
        {
            checks.Add(prometheusFiles.ContainsKey("prometheus.yml")
                ? CheckConfig(prometheusFiles)
                : CheckRules(prometheusFiles.Where(f => f.Key.EndsWith(".rules.yml", StringComparison.Ordinal)).ToDictionary(f => f.Key, f => f.Value)));
        }
        if (alertmanagerYml is not null) checks.Add(CheckAlertmanager(alertmanagerYml));
        return checks;
    }

    /// <summary>promtool test rules: unit tests (input series, evaluation times, expected alerts) over rule files.</summary>
    public static ToolCheck TestRules(IReadOnlyDictionary<string, string> files, string testFile) => Run("promtool", files, ["test", "rules", testFile]);

    /// <summary>
    /// amtool check-config on an alertmanager.yml. An amtool older than Alertmanager 0.31 (Debian's is 0.25) does not
    /// know smtp_force_implicit_tls and rejects the file for it; the check is then repeated without that one key,
    /// which still checks everything else, and the output says so.
    /// </summary>
    public static ToolCheck CheckAlertmanager(string yaml)
    {
        var check = Run("amtool", new Dictionary<string, string> { ["alertmanager.yml"] = yaml }, ["check-config", "alertmanager.yml"]);
        var key = Manifests.Monitoring.MonitoringConfig.ImplicitTlsKey;
        if (check.Passed || !check.Output.Contains($"field {key} not found", StringComparison.Ordinal)) return check;
        if (KoYaml.ReadDocument(yaml, "alertmanager.yml") is not JsonObject doc || doc["global"] is not JsonObject global || !global.Remove(key)) return check;
        check = Run("amtool", new Dictionary<string, string> { ["alertmanager.yml"] = KoYaml.WriteDocument(doc) }, ["check-config", "alertmanager.yml"]);
        return check with { Output = $"{key} not checked (this amtool predates Alertmanager 0.31, which added it)\n" + check.Output };
    }

    /// <summary>prometheus.yml with every kubernetes_sd_configs block replaced by one static target.</summary>
    public static string StubKubernetesSd(string prometheusYml)
    {
        if (KoYaml.ReadDocument(prometheusYml, "prometheus.yml") is not JsonObject doc) return prometheusYml;
        foreach (var job in doc["scrape_configs"]?.AsArray() ?? [])
        {
            if (job is not JsonObject j || !j.Remove("kubernetes_sd_configs")) continue;
            j["static_configs"] = new JsonArray(new JsonObject { ["targets"] = new JsonArray("kubernetes-sd-stub:80") });
        }
        return KoYaml.WriteDocument(doc);
    }

    private static ToolCheck Run(string tool, IReadOnlyDictionary<string, string> files, string[] args)
    {
        var exe = Find(tool);
        if (exe is null) return ToolCheck.Missing(tool);
        var dir = Directory.CreateTempSubdirectory("ko-promtool-").FullName;
        try
        {
            foreach (var (name, content) in files)
            {
                if (name.Contains('/') || name.Contains('\\') || name is "." or "..") throw new ArgumentException($"'{name}' is not a plain file name.", nameof(files));
                File.WriteAllText(Path.Combine(dir, name), content);
            }
            var psi = new ProcessStartInfo(exe) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            var output = (stdout.Result + stderr.Result).Trim();
            return new ToolCheck(tool, true, p.ExitCode == 0, output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
