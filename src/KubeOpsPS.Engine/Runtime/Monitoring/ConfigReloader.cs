using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Monitoring;

namespace KubeOpsPS.Engine.Runtime.Monitoring;

/// <summary>The outcome of one reload: whether the server runs the config that was applied, and how long it took.</summary>
public sealed record MonitoringReload(string Component, string Namespace, bool Loaded, string Status, int Attempts, TimeSpan Elapsed);

/// <summary>
/// Reloads Prometheus or Alertmanager after their ConfigMap changed, through the API server's service proxy (the
/// seed's <c>curl -X POST …/-/reload</c>), and confirms that the server runs the new config. The kubelet copies a
/// changed ConfigMap into the pod only after its sync delay (up to a minute or more), and a reload before that
/// reloads the old file; so the reload is repeated (after 1, 2, 4 s, then every <c>interval</c>) until the server reports the new content: for Prometheus the
/// value of the revision rule shipped in the same ConfigMap (all keys change at once), for Alertmanager its
/// alertmanager_config_hash metric (MD5 of the file). A reload the server refuses (invalid config) ends at once.
/// </summary>
public static partial class ConfigReloader
{
    [GeneratedRegex(@"vector\(\s*([0-9.eE+]+)\s*\)")]
    private static partial Regex VectorRegex();

    [GeneratedRegex(@"^alertmanager_config_hash\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AmHashRegex();

    /// <summary>The value Alertmanager's alertmanager_config_hash shows for a config file: the first 6 bytes of its MD5, little-endian.</summary>
    public static double AlertmanagerHash(string content)
    {
        var md5 = MD5.HashData(Encoding.UTF8.GetBytes(content));
        ulong n = 0;
        for (var i = 5; i >= 0; i--) n = (n << 8) | md5[i];
        return n;
    }

    /// <summary>The revision Prometheus has loaded, from the kubeops_config_revision rule in /api/v1/rules; null when absent.</summary>
    public static double? LoadedRevision(string rulesJson)
    {
        var doc = JsonNode.Parse(rulesJson);
        foreach (var g in doc?["data"]?["groups"]?.AsArray() ?? [])
            foreach (var r in g?["rules"]?.AsArray() ?? [])
                if (r?["name"]?.ToString() == MonitoringConfig.RevisionMetric && VectorRegex().Match(r["query"]?.ToString() ?? string.Empty) is { Success: true } m
                    && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    return v;
        return null;
    }

    /// <summary>alertmanager_config_hash from Alertmanager's /metrics text; null when absent.</summary>
    public static double? LoadedAlertmanagerHash(string metrics) =>
        AmHashRegex().Match(metrics) is { Success: true } m && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static Task<MonitoringReload> PrometheusAsync(ClusterGateway g, string ns, long revision, TimeSpan timeout, TimeSpan interval, Action<string>? progress, CancellationToken ct) =>
        ReloadAsync(g, ns, MonitoringBundle.Prometheus, "9090", MonitoringConfig.PrometheusPrefix, $"{MonitoringConfig.PrometheusPrefix}/api/v1/rules?type=record",
            body => LoadedRevision(body), revision, timeout, interval, progress, ct);

    public static Task<MonitoringReload> AlertmanagerAsync(ClusterGateway g, string ns, string alertmanagerYml, TimeSpan timeout, TimeSpan interval, Action<string>? progress, CancellationToken ct) =>
        ReloadAsync(g, ns, MonitoringBundle.Alertmanager, "9093", MonitoringConfig.AlertmanagerPrefix, $"{MonitoringConfig.AlertmanagerPrefix}/metrics",
            LoadedAlertmanagerHash, AlertmanagerHash(alertmanagerYml), timeout, interval, progress, ct);

    private static async Task<MonitoringReload> ReloadAsync(ClusterGateway g, string ns, string service, string port, string prefix, string statusPath,
        Func<string, double?> loaded, double expected, TimeSpan timeout, TimeSpan interval, Action<string>? progress, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var attempts = 0;
        var last = "no answer yet";
        while (true)
        {
            attempts++;
            var (code, body) = await g.ServiceProxyAsync(HttpMethod.Post, ns, service, port, $"{prefix}/-/reload", ct).ConfigureAwait(false);
            if (code is >= 200 and < 300)
            {
                var (scode, sbody) = await g.ServiceProxyAsync(HttpMethod.Get, ns, service, port, statusPath, ct).ConfigureAwait(false);
                if (scode is >= 200 and < 300)
                {
                    var now = loaded(sbody);
                    if (now == expected) return new MonitoringReload(service, ns, true, "the new config is loaded", attempts, sw.Elapsed);
                    last = now is null ? "the server does not report its config version" : "the pod still has the previous config (the kubelet has not copied the ConfigMap yet)";
                }
                else
                {
                    last = $"reading the loaded config answered {scode}";
                }
            }
            else if (code == 500 || (code == 403 && body.Contains("Lifecycle API is not enabled", StringComparison.Ordinal)))
            {
                // The server refused the file: reloading again will not help. Its message names the problem, not a secret.
                return new MonitoringReload(service, ns, false, $"the reload failed ({code}): {FirstLine(body)}", attempts, sw.Elapsed);
            }
            else
            {
                last = $"the reload answered {code}{(code == 404 ? $" (is {service} running in namespace {ns}?)" : string.Empty)}";
            }
            progress?.Invoke($"{service}: {last}; attempt {attempts}, {sw.Elapsed.TotalSeconds:0} s");
            // 1 s, 2 s, 4 s, ... up to the interval: a quick copy is seen quickly, a slow kubelet is not polled hard.
            var delay = TimeSpan.FromSeconds(Math.Min(interval.TotalSeconds, Math.Pow(2, attempts - 1)));
            if (sw.Elapsed + delay > timeout)
                return new MonitoringReload(service, ns, false, $"not confirmed within {timeout.TotalSeconds:0} s: {last}", attempts, sw.Elapsed);
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    private static string FirstLine(string s)
    {
        var line = s.Split('\n', 2)[0].Trim();
        return line.Length <= 300 ? line : line[..297] + "...";
    }
}
