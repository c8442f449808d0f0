namespace KubeOpsPS.Engine.Report;

/// <summary>A component that is retired or unmaintained upstream, recognised by its image repository.</summary>
/// <param name="Repositories">Image repositories (registry/path, no tag) that run it.</param>
/// <param name="Status">What happened upstream and when.</param>
/// <param name="Replacement">What to run instead; a KubeOpsPS command when the module installs the replacement.</param>
/// <param name="Source">Where the status was read (checked 2026-12-02).</param>
public sealed record RetiredComponent(string Name, IReadOnlyList<string> Repositories, string Status, string Replacement, string Source);

/// <summary>The retired components the report looks for. Add a row when a project is archived; keep the source.</summary>
public static class RetiredComponents
{
    public static readonly IReadOnlyList<RetiredComponent> All =
    [
        new("community ingress-nginx controller",
            ["registry.k8s.io/ingress-nginx/controller", "k8s.gcr.io/ingress-nginx/controller"],
            "retired upstream on 2026-03-24: no releases, bug fixes or security updates after v1.15.1",
            "Install-KoIngressController (F5 NGINX Ingress Controller), then Convert-KoIngress for the ingress-nginx annotations",
            "kubernetes.io blog, Kubernetes v1.36 deprecations (Ingress NGINX retirement, 2026-03-24); kubernetes/ingress-nginx README"),
        new("Kaniko",
            ["gcr.io/kaniko-project/executor", "gcr.io/kaniko-project/warmer"],
            "archived upstream in 2025 (GoogleContainerTools/kaniko is read-only)",
            "Install-KoJenkins (agent builds use rootless BuildKit, no Docker daemon or privileged container)",
            "github.com/GoogleContainerTools/kaniko (archived 2025)"),
        new("kube-dns",
            ["registry.k8s.io/k8s-dns-kube-dns", "k8s.gcr.io/k8s-dns-kube-dns", "k8s.gcr.io/k8s-dns-kube-dns-amd64", "gcr.io/google_containers/k8s-dns-kube-dns-amd64"],
            "replaced by CoreDNS as the cluster DNS (kubeadm dropped kube-dns in 1.21)",
            "https://kubernetes.io/docs/tasks/administer-cluster/coredns/ (migrate to CoreDNS)",
            "kubernetes.io docs, Using CoreDNS for Service Discovery; kubeadm 1.21 release notes"),
        new("Kubernetes Dashboard",
            ["kubernetesui/dashboard", "docker.io/kubernetesui/dashboard", "kubernetesui/dashboard-web", "docker.io/kubernetesui/dashboard-web", "kubernetesui/dashboard-api", "docker.io/kubernetesui/dashboard-api"],
            "archived upstream in 2026; the project points to Headlamp",
            "https://headlamp.dev (Headlamp, the SIG UI successor)",
            "github.com/kubernetes/dashboard (archived, README points to Headlamp)"),
        new("nfs-client-provisioner",
            ["quay.io/external_storage/nfs-client-provisioner"],
            "unmaintained since kubernetes-incubator/external-storage was archived (2020)",
            "Install-KoNfsStorage (csi-driver-nfs)",
            "github.com/kubernetes-retired/external-storage (archived)"),
    ];

    /// <summary>The repository of an image reference: tag and digest removed ("nginx:1.27@sha256:..." → "nginx").</summary>
    public static string Repository(string image)
    {
        var at = image.IndexOf('@');
        var name = at < 0 ? image : image[..at];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }

    /// <summary>The retired component an image runs, or null.</summary>
    public static RetiredComponent? Match(string image)
    {
        var repo = Repository(image);
        return All.FirstOrDefault(c => c.Repositories.Any(r => string.Equals(r, repo, StringComparison.OrdinalIgnoreCase)));
    }
}
