using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>Shared plumbing for completers: quoting, prefix matching, and a short deadline for cluster lookups.</summary>
internal static class Completion
{
    /// <summary>Cluster lookups for completion never block the prompt longer than this.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, (DateTime At, string[] Values)> Cache = new();

    public static IEnumerable<CompletionResult> Match(IEnumerable<string> values, string word) =>
        values.Where(v => v.StartsWith(word.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase)).Distinct().OrderBy(v => v, StringComparer.OrdinalIgnoreCase)
            .Select(v => new CompletionResult(v.Contains(' ') ? $"'{v}'" : v, v, CompletionResultType.ParameterValue, v));

    /// <summary>Asks the cluster (session connection or default kubeconfig) with a deadline, caching answers for 30 s.</summary>
    public static string[] FromCluster(string key, Func<ClusterGateway, CancellationToken, Task<IEnumerable<string>>> query)
    {
        lock (Cache)
            if (Cache.TryGetValue(key, out var hit) && DateTime.UtcNow - hit.At < TimeSpan.FromSeconds(30)) return hit.Values;
        try
        {
            var gateway = ClusterSession.Current;
            var owned = false;
            if (gateway is null)
            {
                var conn = ClusterSession.Connect(null, null, null, Deadline);
                gateway = new ClusterGateway(conn, new GatewayOptions { MaxAttempts = 1, RequestTimeout = Deadline });
                owned = true;
            }
            try
            {
                using var cts = new CancellationTokenSource(Deadline);
                var task = query(gateway, cts.Token);
                if (!task.Wait(Deadline)) return [];
                var values = task.Result.ToArray();
                lock (Cache) Cache[key] = (DateTime.UtcNow, values);
                return values;
            }
            finally
            {
                if (owned) gateway.Dispose();
            }
        }
        catch (Exception e) when (e is KoClusterException or AggregateException or OperationCanceledException or InvalidOperationException)
        {
            return [];
        }
    }

    public static string? BoundString(IDictionary bound, string name) => bound.Contains(name) ? bound[name]?.ToString() : null;

    /// <summary>
    /// Names of the objects of a kind in the namespace typed on the command line (<paramref name="namespaceParameter"/>,
    /// or <paramref name="defaultNamespace"/>, or the connection's); with -AllNamespaces, in all namespaces, or in
    /// those the user may list when they may not list cluster-wide.
    /// </summary>
    public static IEnumerable<CompletionResult> NamesOf(string kindName, IDictionary bound, string word, string namespaceParameter = "Namespace", string? defaultNamespace = null)
    {
        var ns = BoundString(bound, namespaceParameter) ?? defaultNamespace;
        var all = bound.Contains("AllNamespaces") && LanguagePrimitives.IsTrue(bound["AllNamespaces"]);
        return Match(FromCluster($"names|{kindName}|{(all ? "*" : ns)}", async (g, ct) =>
        {
            var kind = await g.ResolveKindAsync(kindName, ct).ConfigureAwait(false);
            var items = all && kind.Namespaced ? (await g.ListAllNamespacesAsync(kind, ct: ct).ConfigureAwait(false)).Items
                : (await g.ListAsync(kind, kind.Namespaced ? ns ?? g.DefaultNamespace : null, ct: ct).ConfigureAwait(false)).Items;
            return items.Select(o => KoYaml.ToJsonObject(o)["metadata"]?["name"]?.GetValue<string>() ?? string.Empty);
        }), word);
    }
}

/// <summary>Completes kubeconfig context names.</summary>
public sealed class ContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var contexts = ClusterSession.ListContexts(Completion.BoundString(fakeBoundParameters, "KubeConfig") ?? ClusterSession.KubeConfigFile);
            return Completion.Match(contexts.Select(c => c.Name), wordToComplete);
        }
        catch (KoClusterException)
        {
            return [];
        }
    }
}

/// <summary>Completes namespaces from the connected cluster.</summary>
public sealed class NamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Match(Completion.FromCluster("ns", async (g, ct) => (await g.VisibleNamespacesAsync(ct).ConfigureAwait(false)).Names), wordToComplete);
}

/// <summary>Completes kinds: what the cluster serves, or the module's built-in table when offline.</summary>
public sealed class KindCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var served = Completion.FromCluster("kinds", async (g, ct) => (await g.DiscoverAsync(ct).ConfigureAwait(false)).Select(k => k.Kind));
        return Completion.Match(served.Length > 0 ? served : KubeTypes.All.Where(k => k.Version == "v1").Select(k => k.Kind), wordToComplete);
    }
}

/// <summary>Completes object names of the kind (and namespace) already typed on the command line.</summary>
public sealed class NameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var kindName = Completion.BoundString(fakeBoundParameters, "Kind") ?? KindFromCommand(commandName);
        return kindName is null ? [] : Completion.NamesOf(kindName, fakeBoundParameters, wordToComplete);
    }

    private static string? KindFromCommand(string command) => command switch
    {
        _ when command.Contains("VolumeClaim", StringComparison.OrdinalIgnoreCase) => "PersistentVolumeClaim",
        _ when command.Contains("Rollout", StringComparison.OrdinalIgnoreCase) || command.Contains("RollingUpdate", StringComparison.OrdinalIgnoreCase) || command.Contains("BlueGreen", StringComparison.OrdinalIgnoreCase) => "Deployment",
        _ => null,
    };
}

/// <summary>Completes StorageClass names.</summary>
public sealed class StorageClassCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Match(Completion.FromCluster("sc", async (g, ct) =>
            (await g.ListAsync(KubeTypes.Find("storage.k8s.io/v1", "StorageClass")!, null, ct: ct).ConfigureAwait(false)).Items.Select(o => ((k8s.Models.V1StorageClass)o).Metadata.Name)), wordToComplete);
}

/// <summary>Completes IngressClass names.</summary>
public sealed class IngressClassCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Match(Completion.FromCluster("ingressclass", async (g, ct) =>
            (await g.ListAsync(KubeTypes.Find("networking.k8s.io/v1", "IngressClass")!, null, ct: ct).ConfigureAwait(false)).Items.Select(o => ((k8s.Models.V1IngressClass)o).Metadata.Name)), wordToComplete);
}

/// <summary>Completes Service names in the namespace typed on the command line.</summary>
public sealed class ServiceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.NamesOf("Service", fakeBoundParameters, wordToComplete);
}

/// <summary>Completes Secret names in the namespace typed on the command line.</summary>
public sealed class SecretCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.NamesOf("Secret", fakeBoundParameters, wordToComplete);
}

/// <summary>Completes Node names.</summary>
public sealed class NodeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.NamesOf("Node", fakeBoundParameters, wordToComplete);
}

/// <summary>Completes PersistentVolumeClaim names in the namespace typed on the command line.</summary>
public sealed class VolumeClaimCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.NamesOf("PersistentVolumeClaim", fakeBoundParameters, wordToComplete);
}

/// <summary>Completes Gateway names in the -GatewayNamespace typed on the command line (or the routes' default one).</summary>
public sealed class GatewayCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.NamesOf("Gateway", fakeBoundParameters, wordToComplete, "GatewayNamespace", Engine.Manifests.Ingress.HttpRouteBuilder.DefaultGatewayNamespace);
}
