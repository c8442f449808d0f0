using k8s.Models;

namespace KubeOpsPS.Engine.Report;

public static partial class ReportChecks
{
    private static IEnumerable<string> BackendServices(V1Ingress ing)
    {
        if (ing.Spec?.DefaultBackend?.Service?.Name is { } d) yield return d;
        foreach (var r in ing.Spec?.Rules ?? [])
            foreach (var p in r.Http?.Paths ?? [])
                if (p.Backend?.Service?.Name is { } n) yield return n;
    }

    private static IEnumerable<ReportFinding> IngressMissingService(ClusterSnapshot s, ReportOptions o)
    {
        var services = s.Of<V1Service>().Select(v => Ref(v.Metadata)).ToHashSet(StringComparer.Ordinal);
        foreach (var ing in s.Of<V1Ingress>())
            foreach (var name in BackendServices(ing).Distinct())
                if (!services.Contains($"{ing.Metadata.NamespaceProperty}/{name}"))
                    yield return Finding(ReportSeverity.Critical, "ingress-missing-service", "Ingress", ing.Metadata,
                        $"Routes to Service {name}, which does not exist in {ing.Metadata.NamespaceProperty}: those requests get 503.",
                        $"New-KoService -Name {name} -Namespace {ing.Metadata.NamespaceProperty} ... | Publish-KoResource, or point the Ingress at the right Service");
    }

    private static IEnumerable<ReportFinding> IngressMissingSecret(ClusterSnapshot s, ReportOptions o)
    {
        var secrets = s.Of<V1Secret>().Select(v => Ref(v.Metadata)).ToHashSet(StringComparer.Ordinal);
        foreach (var ing in s.Of<V1Ingress>())
            foreach (var tls in ing.Spec?.Tls ?? [])
                if (tls.SecretName is { } name && !secrets.Contains($"{ing.Metadata.NamespaceProperty}/{name}"))
                    yield return Finding(ReportSeverity.Critical, "ingress-missing-secret", "Ingress", ing.Metadata,
                        $"Names TLS Secret {name}, which does not exist in {ing.Metadata.NamespaceProperty} (or is not of type kubernetes.io/tls): the controller serves its default certificate.",
                        $"New-KoTlsSecret -Name {name} -Namespace {ing.Metadata.NamespaceProperty} -Certificate <cert> | Publish-KoResource");
    }

    private static IEnumerable<ReportFinding> ServiceNoPods(ClusterSnapshot s, ReportOptions o)
    {
        var pods = s.Of<V1Pod>().Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        foreach (var svc in s.Of<V1Service>())
        {
            if (svc.Spec?.Selector is not { Count: > 0 } selector || svc.Spec.Type == "ExternalName") continue;
            if (pods.Any(p => p.Metadata.NamespaceProperty == svc.Metadata.NamespaceProperty && SelectsMap(selector, p.Metadata.Labels))) continue;
            yield return Finding(ReportSeverity.Warning, "service-no-pods", "Service", svc.Metadata,
                $"Its selector {string.Join(",", selector.Select(kv => $"{kv.Key}={kv.Value}"))} matches no pod: every connection to it fails.",
                $"Get-KoResource Pod -Namespace {svc.Metadata.NamespaceProperty} | Select-Object Name, Labels, then fix the selector or the pod labels");
        }
    }

    private static bool IsWildcard(V1ClusterRole role) =>
        (role.Rules ?? []).Any(r => (r.Verbs ?? []).Contains("*") || (r.Resources ?? []).Contains("*"));

    /// <summary>
    /// The cluster's own identities: system:masters, system: users and groups (kube-controller-manager, kube-scheduler)
    /// and kube-system's service accounts (the controllers the default bindings give wide rights).
    /// </summary>
    private static bool IsAdminSubject(Rbacv1Subject subject) =>
        subject.Kind is "Group" or "User" ? subject.Name.StartsWith("system:", StringComparison.Ordinal)
        : subject.Kind == "ServiceAccount" && subject.NamespaceProperty == "kube-system";

    private static string Describe(Rbacv1Subject subject) =>
        subject.Kind == "ServiceAccount" ? $"ServiceAccount {subject.NamespaceProperty}/{subject.Name}" : $"{subject.Kind} {subject.Name}";

    private static IEnumerable<ReportFinding> WildcardBindings(ClusterSnapshot s, ReportOptions o)
    {
        var wildcard = s.Of<V1ClusterRole>().Where(IsWildcard).Select(r => r.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var bindings = s.Of<V1ClusterRoleBinding>().Select(b => (Kind: "ClusterRoleBinding", b.Metadata, b.RoleRef, b.Subjects))
            .Concat(s.Of<V1RoleBinding>().Select(b => (Kind: "RoleBinding", b.Metadata, b.RoleRef, b.Subjects)));
        foreach (var b in bindings)
        {
            if (b.RoleRef?.Kind != "ClusterRole" || !wildcard.Contains(b.RoleRef.Name)) continue;
            var others = (b.Subjects ?? []).Where(x => !IsAdminSubject(x)).ToList();
            if (others.Count == 0) continue;
            var scope = b.Kind == "ClusterRoleBinding" ? "in every namespace" : $"in namespace {b.Metadata.NamespaceProperty}";
            yield return Finding(ReportSeverity.Critical, "wildcard-role-binding", b.Kind, b.Metadata,
                $"Grants ClusterRole {b.RoleRef.Name} (* in its rules) to {string.Join(", ", others.Select(Describe))} {scope}: they can do anything there, including reading every Secret.",
                $"Bind a role with only the verbs and resources they need, then kubectl delete {b.Kind.ToLowerInvariant()} {b.Metadata.Name}{Ns(b.Metadata)}");
        }
    }

    private static IEnumerable<ReportFinding> DefaultServiceAccount(ClusterSnapshot s, ReportOptions o)
    {
        // Namespaces whose "default" ServiceAccount is a subject of any binding: every pod that names no account gets those rights.
        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        void Note(string kind, V1ObjectMeta meta, IEnumerable<Rbacv1Subject>? subjects, string? bindingNs)
        {
            foreach (var x in subjects ?? [])
                if (x.Kind == "ServiceAccount" && x.Name == "default" && (x.NamespaceProperty ?? bindingNs) is { } ns)
                    bound.TryAdd(ns, $"{kind} {meta.Name}");
        }
        foreach (var b in s.Of<V1ClusterRoleBinding>()) Note("ClusterRoleBinding", b.Metadata, b.Subjects, null);
        foreach (var b in s.Of<V1RoleBinding>()) Note("RoleBinding", b.Metadata, b.Subjects, b.Metadata.NamespaceProperty);
        foreach (var w in Workloads(s))
        {
            if (w.Spec.ServiceAccountName is { Length: > 0 } sa && sa != "default") continue;
            if (w.Meta.NamespaceProperty is not { } ns || !bound.TryGetValue(ns, out var binding)) continue;
            yield return Finding(ReportSeverity.Warning, "default-sa-bindings", w.Kind, w.Meta,
                $"Runs as the namespace's default ServiceAccount, which {binding} grants extra rights: every pod in {ns} that names no account gets them too.",
                $"kubectl create serviceaccount {w.Meta.Name}{Ns(w.Meta)}, set serviceAccountName: {w.Meta.Name} in the pod template and move the binding to that account");
        }
    }
}
