namespace KubeOpsPS.Engine.Manifests.AppManager;

/// <summary>Options of the in-cluster app-manager.</summary>
public sealed record AppManagerOptions
{
    public string Name { get; init; } = "kubeops-app-manager";
    public string Namespace { get; init; } = "kubeops-system";
    /// <summary>Manifest files to ship in the ConfigMap (file name → text). Empty: an empty ConfigMap to fill later.</summary>
    public IReadOnlyDictionary<string, string> Manifests { get; init; } = new Dictionary<string, string>();
    /// <summary>Grant rights in every namespace (a ClusterRole) instead of only the manager's namespace.</summary>
    public bool ClusterWide { get; init; }
    public bool Prune { get; init; } = true;
    public string Image { get; init; } = Images.AppManager.Reference;
}
