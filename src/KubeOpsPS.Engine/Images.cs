namespace KubeOpsPS.Engine;

/// <summary>A pinned container image: the reference, the upstream project it comes from, and when it was chosen.</summary>
public sealed record ImageRef(string Reference, string Upstream, string Chosen)
{
    public override string ToString() => Reference;
}

/// <summary>
/// Every container image the module deploys, in one place. Each entry names its upstream project and the date the
/// version was checked; docs/images.md lists them. To use another image, pass the cmdlet's -Image parameter.
/// </summary>
public static class Images
{
    // ---- Ingress

    // ---- Storage

    // ---- AppManager
    public static readonly ImageRef AppManager = new("ghcr.io/kubeopsps/app-manager:0.1.0", "this repository: docker/app-manager/Dockerfile (PowerShell 7.6 LTS + KubeOpsPS)", "2026-11-25");

    // ---- Logging

    // ---- Monitoring

    // ---- CI/CD

    // ---- Rollout / demo workloads
}
