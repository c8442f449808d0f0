using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Cluster;

public sealed partial class ClusterGateway
{
    // Discovery answers per server, kept for five minutes (completion and kind resolution share them).
    private static readonly ConcurrentDictionary<string, (DateTime At, IReadOnlyList<KubeKind> Kinds)> DiscoveryCache = new();
    private static readonly TimeSpan DiscoveryTtl = TimeSpan.FromMinutes(5);

    /// <summary>Every resource kind the server serves (top-level resources only, preferred versions first).</summary>
    public async Task<IReadOnlyList<KubeKind>> DiscoverAsync(CancellationToken ct, bool refresh = false)
    {
        if (!refresh && DiscoveryCache.TryGetValue(Connection.Server, out var hit) && DateTime.UtcNow - hit.At < DiscoveryTtl)
            return hit.Kinds;
        var kinds = new List<KubeKind>();
        var core = await SendAsync(HttpMethod.Get, "/api/v1", null, null, "Discovering the API", true, ct).ConfigureAwait(false);
        kinds.AddRange(ParseResources(JsonNode.Parse(core.Body)!.AsObject(), "v1"));
        var groups = await SendAsync(HttpMethod.Get, "/apis", null, null, "Discovering the API", true, ct).ConfigureAwait(false);
        var versions = new List<string>();
        foreach (var g in JsonNode.Parse(groups.Body)?["groups"]?.AsArray() ?? [])
        {
            var preferred = g?["preferredVersion"]?["groupVersion"]?.GetValue<string>();
            foreach (var v in g?["versions"]?.AsArray() ?? [])
            {
                var gv = v?["groupVersion"]?.GetValue<string>();
                if (gv is null) continue;
                if (gv == preferred) versions.Insert(0, gv); else versions.Add(gv);
            }
        }
        var answers = await Task.WhenAll(versions.Distinct().Select(async gv =>
        {
            try
            {
                var a = await SendAsync(HttpMethod.Get, "/apis/" + gv, null, null, "Discovering the API", true, ct).ConfigureAwait(false);
                return ParseResources(JsonNode.Parse(a.Body)!.AsObject(), gv);
            }
            catch (KoClusterException)
            {
                return [];
            }
        })).ConfigureAwait(false);
        foreach (var a in answers) kinds.AddRange(a);
        DiscoveryCache[Connection.Server] = (DateTime.UtcNow, kinds);
        return kinds;
    }

    private static IEnumerable<KubeKind> ParseResources(JsonObject list, string groupVersion)
    {
        foreach (var r in list["resources"]?.AsArray() ?? [])
        {
            var name = r?["name"]?.GetValue<string>();
            var kind = r?["kind"]?.GetValue<string>();
            if (name is null || kind is null || name.Contains('/')) continue;
            var known = KubeTypes.Find(groupVersion, kind);
            yield return new KubeKind(groupVersion, kind, name, r?["namespaced"]?.GetValue<bool>() ?? true, known?.ModelType);
        }
    }

    /// <summary>Resolves a kind the module has no model of by asking the server (CRDs).</summary>
    private async Task<KubeKind> DiscoverKindAsync(string apiVersion, string kind, CancellationToken ct)
    {
        var all = await DiscoverAsync(ct).ConfigureAwait(false);
        return all.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kind)
            ?? throw new KoClusterException("KindNotServed", "ObjectNotFound", $"The cluster does not serve kind '{kind}' in '{apiVersion}'.", $"{apiVersion}/{kind}",
                "Install the CRD that defines it first, or check the apiVersion (kubectl api-resources lists what the cluster serves).");
    }

    /// <summary>Resolves what a user typed for -Kind (Deployment, deployments, deploy, certificates.cert-manager.io).</summary>
    public async Task<KubeKind> ResolveKindAsync(string nameOrAlias, CancellationToken ct)
    {
        var local = KubeTypes.Resolve(nameOrAlias);
        if (local is not null) return local;
        var all = await DiscoverAsync(ct).ConfigureAwait(false);
        var n = nameOrAlias.Trim();
        var dot = n.IndexOf('.');
        var group = dot > 0 ? n[(dot + 1)..] : null;
        var bare = dot > 0 ? n[..dot] : n;
        return all.FirstOrDefault(k => (group is null || k.Group == group) && (string.Equals(k.Kind, bare, StringComparison.OrdinalIgnoreCase) || k.Plural == bare.ToLowerInvariant()))
            ?? throw new KoClusterException("KindNotServed", "ObjectNotFound", $"The cluster serves no kind called '{nameOrAlias}'.{DidYouMean(bare, all)}", nameOrAlias, "Check the spelling; kubectl api-resources lists the kinds the cluster serves.");
    }

    // The nearest kinds by edit distance (at most a third of the word's letters wrong), e.g. 'Deploymnet' -> Deployment.
    private static string DidYouMean(string typed, IEnumerable<KubeKind> kinds)
    {
        var word = typed.ToLowerInvariant();
        var near = kinds.Select(k => k.Kind).Distinct()
            .Select(k => (Kind: k, Distance: Math.Min(EditDistance(word, k.ToLowerInvariant()), EditDistance(word, k.ToLowerInvariant() + "s"))))
            .Where(x => x.Distance <= Math.Max(1, word.Length / 3))
            .OrderBy(x => x.Distance).ThenBy(x => x.Kind, StringComparer.Ordinal).Take(3).Select(x => x.Kind).ToList();
        return near.Count == 0 ? string.Empty : $" Did you mean {string.Join(", ", near)}?";
    }

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>Whether a namespace exists.</summary>
    public async Task<bool> NamespaceExistsAsync(string ns, CancellationToken ct) =>
        await GetAsync(KubeTypes.Find("v1", "Namespace")!, null, ns, ct).ConfigureAwait(false) is not null;
}
