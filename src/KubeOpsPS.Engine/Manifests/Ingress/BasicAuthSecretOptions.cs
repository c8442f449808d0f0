using k8s.Models;

namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>Options of a basic-auth Secret: already hashed entries, so the builder never sees a password.</summary>
public sealed record BasicAuthSecretOptions
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    public IngressController Controller { get; init; } = IngressController.NginxInc;
    /// <summary>User name and htpasswd hash, in order; a later entry for a user replaces an earlier one.</summary>
    public required IReadOnlyList<(string User, string Hash)> Entries { get; init; }
    /// <summary>An existing secret whose users are kept unless replaced (-Append).</summary>
    public V1Secret? Existing { get; init; }
}
