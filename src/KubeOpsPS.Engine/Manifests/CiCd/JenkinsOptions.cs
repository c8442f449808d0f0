using System.Security;
using KubeOpsPS.Engine.Manifests.Ingress;

namespace KubeOpsPS.Engine.Manifests.CiCd;

/// <summary>Options of a Jenkins controller with Kubernetes agents (Install-KoJenkins).</summary>
public sealed record JenkinsOptions
{
    public string Namespace { get; init; } = JenkinsBundle.DefaultNamespace;
    /// <summary>The class of the controller's JENKINS_HOME claim; null: the cluster's default class.</summary>
    public string? StorageClass { get; init; }
    public string StorageSize { get; init; } = "8Gi";
    /// <summary>The admin user and password; null: the Secret jenkins-admin must exist already.</summary>
    public string? AdminUser { get; init; }
    public SecureString? AdminPassword { get; init; }
    /// <summary>Where the image-building agent pushes: host[:port][/path], optionally with http:// or https://.</summary>
    public string? Registry { get; init; }
    /// <summary>Registry credentials; null: the Secret jenkins-registry (kubernetes.io/dockerconfigjson) is made separately.</summary>
    public string? RegistryUser { get; init; }
    public SecureString? RegistryPassword { get; init; }
    /// <summary>Expose the UI through an Ingress.</summary>
    public IngressExposure? Ingress { get; init; }
}

/// <summary>A registry push target: host[:port] (the credentials' key) and an optional repository path.</summary>
public sealed record RegistryTarget(string Host, string? Path, bool Insecure)
{
    /// <summary>host[:port][/path]: the prefix of the image names the build agent pushes.</summary>
    public string Prefix => Path is null ? Host : $"{Host}/{Path}";
}
