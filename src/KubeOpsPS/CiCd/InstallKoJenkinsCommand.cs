using System.Collections;
using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.CiCd;
using KubeOpsPS.Engine.Manifests.Ingress;

namespace KubeOpsPS.CiCd;

/// <summary>
/// Installs a Jenkins controller that needs no privileged pod: non-root StatefulSet with a claim, RBAC limited to
/// agent pods in its namespace, JCasC with maven, nodejs, rootless-BuildKit and PowerShell agents, the admin from a
/// Secret, and optionally an Ingress.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "KoJenkins", SupportsShouldProcess = true)]
[OutputType(typeof(ApplyResult), typeof(FileInfo))]
public sealed class InstallKoJenkinsCommand : KoInstallCmdlet
{
    /// <summary>The namespace of the controller and its agents. Default jenkins.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = JenkinsBundle.DefaultNamespace;

    /// <summary>The storage class of the JENKINS_HOME claim; omitted: the cluster's default class.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(StorageClassCompleter))]
    public string? StorageClass { get; set; }

    /// <summary>The size of the JENKINS_HOME claim. Default 8Gi.</summary>
    [Parameter]
    public string StorageSize { get; set; } = "8Gi";

    /// <summary>The admin user and password, stored in the Secret jenkins-admin; never written to any stream.</summary>
    [Parameter]
    public PSCredential? AdminCredential { get; set; }

    /// <summary>The registry the image-building agent pushes to: host[:port][/path], https:// or http://.</summary>
    [Parameter]
    public string? Registry { get; set; }

    /// <summary>The registry's user and password, stored as the dockerconfigjson Secret jenkins-registry.</summary>
    [Parameter]
    public PSCredential? RegistryCredential { get; set; }

    /// <summary>Expose the UI: @{ Host = 'jenkins.example.com'; TlsSecretName = 'jenkins-tls'; BasicAuthSecret = '...'; IngressClassName = 'nginx'; Controller = 'NginxInc' }.</summary>
    [Parameter]
    public Hashtable? Ingress { get; set; }

    protected override void EndProcessing()
    {
        var bundle = Build(() => JenkinsBundle.Build(new JenkinsOptions
        {
            Namespace = Namespace, StorageClass = StorageClass, StorageSize = StorageSize,
            AdminUser = AdminCredential?.UserName, AdminPassword = AdminCredential?.Password,
            Registry = Registry, RegistryUser = RegistryCredential?.UserName, RegistryPassword = RegistryCredential?.Password,
            Ingress = Ingress is null ? null : IngressExposure.FromMap(Ingress),
        }));
        if (AdminCredential is null)
            WriteWarning($"No -AdminCredential: Jenkins starts only once the Secret {Namespace}/{JenkinsBundle.AdminSecret} (keys username and password) exists.");
        if (Registry is not null && RegistryCredential is null)
            WriteWarning($"No -RegistryCredential: the build agent pushes without credentials unless the Secret {Namespace}/{JenkinsBundle.RegistrySecret} (kubernetes.io/dockerconfigjson) exists.");
        if (Ingress is not null && bundle.OfType<V1Ingress>().Single().Spec.Tls is null)
            WriteWarning("The Ingress serves Jenkins over plain HTTP: passwords cross the network in clear text. Add TlsSecretName to -Ingress.");
        ApplyBundle(bundle, "Install-KoJenkins");
    }
}
