using k8s;
using k8s.KubeConfigModels;

namespace KubeOpsPS.Engine.Cluster;

/// <summary>
/// A resolved connection: which context, which server, which default namespace. The client settings (tokens, keys)
/// stay internal, so no formatting of the object can show a credential.
/// </summary>
public sealed record ClusterConnection(string Context, string Server, string Namespace, string? KubeConfigSource)
{
    internal KubernetesClientConfiguration Config { get; init; } = null!;

    public override string ToString() => $"{Context} ({Server}, namespace {Namespace})";
}

/// <summary>One context of a kubeconfig, for Get-KoContext.</summary>
public sealed record KubeContextInfo(string Name, string Cluster, string User, string Namespace, string Server, bool IsCurrent);

/// <summary>
/// Finds and reads kubeconfigs the way kubectl does: an explicit file; else $KUBECONFIG (several paths merged, the
/// first file to define a name or the current context wins); else ~/.kube/config; else the in-cluster service account.
/// TLS verification stays on unless the kubeconfig itself says insecure-skip-tls-verify.
/// </summary>
public static class KubeConfigs
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The files that would be read, in merge order, and a description of where they came from.</summary>
    public static (IReadOnlyList<string> Files, string Source) Locate(string? explicitPath, string? kubeConfigEnv, string homeDirectory)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (!File.Exists(explicitPath))
                throw new KoClusterException("KubeConfigNotFound", "ObjectNotFound", $"The kubeconfig file '{explicitPath}' does not exist.", explicitPath, "Give the path of an existing kubeconfig, e.g. -KubeConfig ~/.kube/config.");
            return ([explicitPath], explicitPath);
        }
        if (!string.IsNullOrEmpty(kubeConfigEnv))
        {
            var files = kubeConfigEnv.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists).Distinct().ToList();
            if (files.Count > 0) return (files, "$KUBECONFIG");
        }
        var home = Path.Combine(homeDirectory, ".kube", "config");
        if (File.Exists(home)) return ([home], home);
        return ([], string.Empty);
    }

    /// <summary>Reads and merges kubeconfig files with kubectl's rules.</summary>
    public static K8SConfiguration LoadMerged(IReadOnlyList<string> files)
    {
        K8SConfiguration? merged = null;
        foreach (var file in files)
        {
            K8SConfiguration one;
            try
            {
                one = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: true);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new KoClusterException("KubeConfigInvalid", "InvalidData", $"The kubeconfig '{file}' could not be read: {e.Message}", file, "Check that the file is a kubeconfig (kubectl config view --kubeconfig <file>).", inner: e);
            }
            if (merged is null) { merged = one; continue; }
            merged.CurrentContext ??= one.CurrentContext;
            merged.Clusters = MergeByName(merged.Clusters, one.Clusters, c => c.Name);
            merged.Users = MergeByName(merged.Users, one.Users, u => u.Name);
            merged.Contexts = MergeByName(merged.Contexts, one.Contexts, c => c.Name);
        }
        return merged ?? new K8SConfiguration();
    }

    private static List<T> MergeByName<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string> name)
    {
        var list = (first ?? []).ToList();
        var seen = new HashSet<string>(list.Select(name), StringComparer.Ordinal);
        list.AddRange((second ?? []).Where(x => seen.Add(name(x))));
        return list;
    }

    /// <summary>The contexts of the kubeconfig that would be used.</summary>
    public static IReadOnlyList<KubeContextInfo> ListContexts(string? explicitPath, string? kubeConfigEnv, string homeDirectory)
    {
        var (files, _) = Locate(explicitPath, kubeConfigEnv, homeDirectory);
        if (files.Count == 0) throw NoKubeConfig();
        var config = LoadMerged(files);
        return (config.Contexts ?? []).Select(c =>
        {
            var cluster = config.Clusters?.FirstOrDefault(x => x.Name == c.ContextDetails?.Cluster);
            return new KubeContextInfo(c.Name, c.ContextDetails?.Cluster ?? string.Empty, c.ContextDetails?.User ?? string.Empty,
                string.IsNullOrEmpty(c.ContextDetails?.Namespace) ? "default" : c.ContextDetails!.Namespace,
                cluster?.ClusterEndpoint?.Server ?? string.Empty, c.Name == config.CurrentContext);
        }).ToList();
    }

    /// <summary>Resolves the connection for a context (or the current one) and an optional namespace override.</summary>
    public static ClusterConnection Connect(string? explicitPath, string? context, string? ns, string? kubeConfigEnv, string homeDirectory, TimeSpan? connectTimeout = null)
    {
        var (files, source) = Locate(explicitPath, kubeConfigEnv, homeDirectory);
        KubernetesClientConfiguration config;
        string contextName;
        if (files.Count == 0)
        {
            if (!KubernetesClientConfiguration.IsInCluster()) throw NoKubeConfig();
            config = KubernetesClientConfiguration.InClusterConfig();
            contextName = "in-cluster";
            source = "in-cluster service account";
        }
        else
        {
            var merged = LoadMerged(files);
            contextName = context ?? merged.CurrentContext ?? string.Empty;
            if (string.IsNullOrEmpty(contextName))
                throw new KoClusterException("NoCurrentContext", "InvalidOperation", $"The kubeconfig ({source}) has no current context.", source, "Pick one with -Context; Get-KoContext lists them.");
            if (merged.Contexts?.Any(c => c.Name == contextName) != true)
            {
                var names = string.Join(", ", (merged.Contexts ?? []).Select(c => c.Name));
                throw new KoClusterException("ContextNotFound", "ObjectNotFound", $"The kubeconfig ({source}) has no context named '{contextName}'. Contexts: {(names.Length == 0 ? "none" : names)}.", contextName, "Use one of the listed names with -Context.");
            }
            try
            {
                config = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, contextName);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new KoClusterException("KubeConfigInvalid", "InvalidData", $"Context '{contextName}' in {source} cannot be used: {e.Message}", contextName, "Check the context's cluster and user entries (kubectl config view).", inner: e);
            }
        }
        var timeout = connectTimeout ?? DefaultConnectTimeout;
        // Requests get their own deadlines from the gateway (watches have none), so the client's global timeout is off;
        // connecting to an unreachable server gives up after the connect timeout.
        config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        config.FirstMessageHandlerSetup = h =>
        {
            if (h is SocketsHttpHandler s) s.ConnectTimeout = timeout;
        };
        var effectiveNs = ns ?? (string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace);
        return new ClusterConnection(contextName, config.Host, effectiveNs, source) { Config = config };
    }

    private static KoClusterException NoKubeConfig() =>
        new("NoKubeConfig", "ObjectNotFound", "No kubeconfig was found: no -KubeConfig was given, $KUBECONFIG names no existing file, there is no ~/.kube/config, and this is not a pod with a service account.",
            null, "Connect with Connect-KoCluster -KubeConfig <file>, set $env:KUBECONFIG, or create ~/.kube/config (your cluster's admin or cloud CLI can write one).");
}
