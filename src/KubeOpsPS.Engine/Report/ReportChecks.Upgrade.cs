using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeOpsPS.Engine.Report;

public static partial class ReportChecks
{
    private static IEnumerable<ReportFinding> RetiredComponent(ClusterSnapshot s, ReportOptions o)
    {
        foreach (var w in Workloads(s))
            foreach (var c in Containers(w.Spec))
                if (RetiredComponents.Match(c.Image ?? string.Empty) is { } r)
                    yield return Finding(ReportSeverity.Warning, "retired-component", w.Kind, w.Meta,
                        $"Container {c.Name} runs {r.Name} ({c.Image}), {r.Status}.", r.Replacement);
    }

    /// <summary>
    /// The API versions an object was written with: every managedFields entry, and the last-applied annotation of
    /// client-side kubectl apply (what the manifests in a repository say). Pluto and kubent look at the same places.
    /// </summary>
    private static IEnumerable<string> WrittenVersions(V1ObjectMeta meta)
    {
        foreach (var m in meta.ManagedFields ?? [])
            if (!string.IsNullOrEmpty(m.ApiVersion)) yield return m.ApiVersion;
        if (meta.Annotations?.TryGetValue("kubectl.kubernetes.io/last-applied-configuration", out var last) == true)
        {
            string? v = null;
            try { v = JsonNode.Parse(last)?["apiVersion"]?.GetValue<string>(); }
            catch (System.Text.Json.JsonException) { /* not JSON: nothing to learn from it */ }
            catch (InvalidOperationException) { /* apiVersion not a string */ }
            if (v is not null) yield return v;
        }
    }

    private static IEnumerable<ReportFinding> RemovedApis(ClusterSnapshot s, ReportOptions o)
    {
        var target = Target(s, o);
        foreach (var obj in s.All)
        {
            if (obj is not IKubernetesObject<V1ObjectMeta> k || k.Metadata is null) continue;
            var kind = k.Kind ?? obj.GetType().Name;
            foreach (var version in WrittenVersions(k.Metadata).Distinct())
            {
                if (UpgradeTable.Removal(version, kind) is not { } r || r.RemovedIn > target) continue;
                var already = r.RemovedIn <= s.ServerVersion;
                yield return Finding(already ? ReportSeverity.Warning : ReportSeverity.Critical, "upgrade-removed-api", kind, k.Metadata,
                    already
                        ? $"Was written as {version}, which {r.RemovedIn} removed: the manifest that applies it fails on this server; use {r.Replacement}."
                        : $"Is written as {version}, which {r.RemovedIn} removes: applying it fails after the upgrade to {target}; use {r.Replacement}.",
                    $"Change apiVersion to {r.Replacement} in its manifest and apply it again (see {r.Source}).");
            }
        }
    }

    private static IEnumerable<ReportFinding> ExternalIps(ClusterSnapshot s, ReportOptions o)
    {
        var f = UpgradeTable.ExternalIPs;
        if (Target(s, o) < f.Version) yield break;
        foreach (var svc in s.Of<V1Service>())
            if (svc.Spec?.ExternalIPs is { Count: > 0 } ips)
                yield return Finding(ReportSeverity.Warning, "upgrade-external-ips", "Service", svc.Metadata,
                    $"Uses {f.What} ({string.Join(", ", ips)}), {f.Change} in {f.Version}; use {f.Replacement}.",
                    $"New-KoService -Type LoadBalancer for the same ports, then remove externalIPs (source: {f.Source}).");
    }

    private static IEnumerable<ReportFinding> GitRepoVolumes(ClusterSnapshot s, ReportOptions o)
    {
        var f = UpgradeTable.GitRepoVolume;
        var target = Target(s, o);
        if (target < f.Version) yield break;
        foreach (var w in Workloads(s))
            foreach (var v in w.Spec.Volumes ?? [])
                if (v.GitRepo is not null)
                    yield return Finding(ReportSeverity.Critical, "upgrade-gitrepo-volume", w.Kind, w.Meta,
                        $"Volume {v.Name} is a gitRepo volume, {f.Change} from {f.Version}: its pods will not start after the upgrade to {target}.",
                        $"Replace it with {f.Replacement} (source: {f.Source}).");
    }

    private static IEnumerable<ReportFinding> HandMadeEndpoints(ClusterSnapshot s, ReportOptions o)
    {
        var f = UpgradeTable.EndpointsApi;
        if (Target(s, o) < f.Version) yield break;
        // The endpoints controller keeps the Endpoints of Services with a selector; anything else was written by a
        // person or a controller of their own, which keeps using the deprecated API.
        // default/kubernetes is the API server's own (it keeps it for the Service without a selector).
        var managed = s.Of<V1Service>().Where(v => v.Spec?.Selector is { Count: > 0 }).Select(v => Ref(v.Metadata)).ToHashSet(StringComparer.Ordinal);
        managed.Add("default/kubernetes");
        foreach (var e in s.Of<V1Endpoints>())
            if (!managed.Contains(Ref(e.Metadata)))
                yield return Finding(ReportSeverity.Warning, "upgrade-endpoints", "Endpoints", e.Metadata,
                    $"Is maintained by hand or by a custom controller through {f.What}, {f.Change} since {f.Version}; use {f.Replacement}.",
                    $"Write an EndpointSlice (discovery.k8s.io/v1) with label kubernetes.io/service-name={e.Metadata.Name} instead (source: {f.Source}).");
    }

    private static IEnumerable<ReportFinding> TlsRouteStoredVersions(ClusterSnapshot s, ReportOptions o)
    {
        foreach (var crd in s.Of<V1CustomResourceDefinition>())
        {
            if (crd.Metadata?.Name != UpgradeTable.TlsRouteCrd) continue;
            var old = (crd.Status?.StoredVersions ?? []).Where(v => UpgradeTable.TlsRouteOldVersions.Contains(v)).ToList();
            if (old.Count == 0) continue;
            yield return Finding(ReportSeverity.Warning, "upgrade-tlsroute-stored-version", "CustomResourceDefinition", crd.Metadata,
                $"TLSRoute objects are still stored as {string.Join(", ", old)}: Gateway API v1.5+ CRDs serve TLSRoute as v1 and drop v1alpha2 (gone from Experimental in v1.6), so stored objects must be migrated first.",
                $"Read and write back every TLSRoute as v1 (kubectl get tlsroutes -A -o yaml | kubectl replace -f -), then remove the old versions from status.storedVersions (source: {UpgradeTable.TlsRouteSource}).");
        }
    }
}
