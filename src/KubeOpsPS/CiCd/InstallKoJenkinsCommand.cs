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
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string Namespace { get; set; } = JenkinsBundle.DefaultNamespace;

    [Parameter]
    [ArgumentCompleter(typeof(StorageClassCompleter))]
    public string? StorageClass { get; set; }

    [Parameter]
    public string StorageSize { get; set; } = "8Gi";

    [Parameter]
    public PSCredential? AdminCredential { get; set; }

    [Parameter]
    public string? Registry { get; set; }

    [Parameter]
    public PSCredential? RegistryCredential { get; set; }

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
