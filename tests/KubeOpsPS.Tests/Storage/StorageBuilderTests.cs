using k8s.Models;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Manifests.Storage;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Tests.Storage;

public class VolumeClaimBuilderTests
{
    [Fact]
    public void BuildsAClaimFieldByField()
    {
        var c = VolumeClaimBuilder.Build(new VolumeClaimOptions { Name = "mysql-data", Namespace = "db", Size = "10Gi", AccessMode = "readwritemany", StorageClass = "nfs", Labels = new Dictionary<string, string> { ["app"] = "mysql" } });
        Assert.Equal("v1", c.ApiVersion);
        Assert.Equal("PersistentVolumeClaim", c.Kind);
        Assert.Equal("mysql-data", c.Metadata.Name);
        Assert.Equal("db", c.Metadata.NamespaceProperty);
        Assert.Equal("mysql", c.Metadata.Labels["app"]);
        Assert.Null(c.Metadata.Annotations); // spec.storageClassName, never the old beta annotation
        Assert.Equal(["ReadWriteMany"], c.Spec.AccessModes);
        Assert.Equal("nfs", c.Spec.StorageClassName);
        Assert.Equal("10Gi", c.Spec.Resources.Requests["storage"].ToString());
        Assert.Null(c.Spec.Resources.Limits);
    }

    [Fact]
    public void DefaultsToReadWriteOnceAndTheDefaultClass()
    {
        var c = VolumeClaimBuilder.Build(new VolumeClaimOptions { Name = "data", Size = "1Gi" });
        Assert.Equal(["ReadWriteOnce"], c.Spec.AccessModes);
        Assert.Null(c.Spec.StorageClassName);
        Assert.Null(c.Metadata.NamespaceProperty);
        Assert.Null(c.Metadata.Labels);
        // '' asks for no class at all: bind a volume made by hand.
        Assert.Equal(string.Empty, VolumeClaimBuilder.Build(new VolumeClaimOptions { Name = "data", Size = "1Gi", StorageClass = "" }).Spec.StorageClassName);
    }

    [Theory]
    [InlineData("data", "ten", "ReadWriteOnce", null, "-Size")]
    [InlineData("data", "10GB", "ReadWriteOnce", null, "-Size")]
    [InlineData("data", "-5Gi", "ReadWriteOnce", null, "-Size")]
    [InlineData("data", "0", "ReadWriteOnce", null, "-Size")]
    [InlineData("data", "10Gi", "ReadWriteSometimes", null, "-AccessMode")]
    [InlineData("data", "10Gi", "", null, "-AccessMode")]
    [InlineData("Bad_Name", "10Gi", "ReadWriteOnce", null, "-Name")]
    [InlineData("", "10Gi", "ReadWriteOnce", null, "-Name")]
    [InlineData("data", "10Gi", "ReadWriteOnce", "Not A Class", "-StorageClass")]
    public void BadInputIsRefusedNamingTheParameter(string name, string size, string mode, string? sc, string field)
    {
        var e = Assert.Throws<KoValidationException>(() => VolumeClaimBuilder.Build(new VolumeClaimOptions { Name = name, Size = size, AccessMode = mode, StorageClass = sc }));
        Assert.Equal(field, e.Field);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }
}

public class NfsStorageBundleTests
{
    private static T One<T>(IReadOnlyList<object> bundle) => bundle.OfType<T>().Single();

    [Fact]
    public void InClusterServerIsAGaneshaStatefulSetOnTheHostPathWithItsServiceRbacAndRetainClass()
    {
        var b = NfsStorageBundle.Build(new NfsStorageOptions { HostPath = "/srv/nfs/", NodeName = "node-1" });
        Assert.Equal(["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "StatefulSet", "StorageClass"],
            b.Select(o => KoYaml.ToJsonObject(o)["kind"]!.GetValue<string>()));
        Assert.Equal("kubeops-storage", One<V1Namespace>(b).Metadata.Name);
        Assert.Equal("nfs-server", One<V1ServiceAccount>(b).Metadata.Name);
        Assert.Equal("kubeops-storage", One<V1ServiceAccount>(b).Metadata.NamespaceProperty);

        var role = One<V1ClusterRole>(b);
        Assert.Equal("kubeops-storage-nfs-server", role.Metadata.Name);
        Assert.Equal(["get", "list", "watch", "create", "delete"], role.Rules.Single(r => r.Resources.Contains("persistentvolumes")).Verbs);
        Assert.Equal(["get", "list", "watch", "update"], role.Rules.Single(r => r.Resources.Contains("persistentvolumeclaims")).Verbs);
        Assert.DoesNotContain(role.Rules, r => r.Resources.Contains("podsecuritypolicies") || r.Verbs.Contains("*"));
        var binding = One<V1ClusterRoleBinding>(b);
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        Assert.Equal(("nfs-server", "kubeops-storage"), (binding.Subjects.Single().Name, binding.Subjects.Single().NamespaceProperty));

        var svc = One<V1Service>(b);
        Assert.Equal("nfs-server", svc.Metadata.Name);
        Assert.Equal(12, svc.Spec.Ports.Count);
        foreach (var port in new[] { 2049, 20048, 111, 662, 875, 32803 })
            Assert.Equal(["TCP", "UDP"], svc.Spec.Ports.Where(p => p.Port == port).Select(p => p.Protocol).Order());
        Assert.Equal("nfs-server", svc.Spec.Selector["app.kubernetes.io/name"]);

        var set = One<V1StatefulSet>(b);
        Assert.Equal(1, set.Spec.Replicas);
        Assert.Equal("nfs-server", set.Spec.ServiceName);
        Assert.All(set.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, set.Spec.Template.Metadata.Labels[kv.Key]));
        Assert.Equal(svc.Spec.Selector, set.Spec.Selector.MatchLabels);
        var pod = set.Spec.Template.Spec;
        Assert.Equal("nfs-server", pod.ServiceAccountName);
        Assert.Equal("node-1", pod.NodeSelector["kubernetes.io/hostname"]);
        Assert.Equal(100, pod.TerminationGracePeriodSeconds);
        var c = pod.Containers.Single();
        Assert.Equal(Images.NfsGanesha.Reference, c.Image);
        Assert.Equal("registry.k8s.io/sig-storage/nfs-provisioner:v4.0.8", c.Image);
        Assert.Equal(["-provisioner=nfs.kubeops.io/kubeops-storage", "-device-based-fsids=false"], c.Args);
        Assert.Equal(["DAC_READ_SEARCH", "SYS_RESOURCE"], c.SecurityContext.Capabilities.Add);
        Assert.Null(c.SecurityContext.Privileged);
        Assert.Equal("status.podIP", c.Env.Single(e => e.Name == "POD_IP").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("nfs-server", c.Env.Single(e => e.Name == "SERVICE_NAME").Value);
        Assert.Equal("metadata.namespace", c.Env.Single(e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        Assert.Equal(12, c.Ports.Count);
        Assert.Equal("2049", c.ReadinessProbe.TcpSocket.Port.Value);
        Assert.Equal("/export", c.VolumeMounts.Single().MountPath);
        var vol = pod.Volumes.Single();
        Assert.Equal(c.VolumeMounts.Single().Name, vol.Name);
        Assert.Equal("/srv/nfs", vol.HostPath.Path);
        Assert.Equal("DirectoryOrCreate", vol.HostPath.Type);

        var sc = One<V1StorageClass>(b);
        Assert.Equal("nfs", sc.Metadata.Name);
        Assert.Equal("nfs.kubeops.io/kubeops-storage", sc.Provisioner);
        Assert.Equal("Retain", sc.ReclaimPolicy);
        Assert.Equal("Immediate", sc.VolumeBindingMode);
        Assert.Equal(["nfsvers=4.1"], sc.MountOptions);
        Assert.Null(sc.Parameters); // Ganesha refuses parameters it does not know
        Assert.Equal("/srv/nfs", sc.Metadata.Annotations[NfsStorageBundle.HostPathAnnotation]);
        Assert.Equal("node-1", sc.Metadata.Annotations[NfsStorageBundle.NodeAnnotation]);
        Assert.False(sc.Metadata.Annotations.ContainsKey(NfsStorageBundle.DefaultClassAnnotation));
    }

    [Fact]
    public void InClusterOptionsChangeTheClass()
    {
        var b = NfsStorageBundle.Build(new NfsStorageOptions { HostPath = "/data", Namespace = "storage", StorageClassName = "shared", Default = true, MountOptions = ["vers=3", "hard"], ReclaimPolicy = "delete", Image = "example.org/ganesha:6" });
        var sc = One<V1StorageClass>(b);
        Assert.Equal("shared", sc.Metadata.Name);
        Assert.Equal("true", sc.Metadata.Annotations[NfsStorageBundle.DefaultClassAnnotation]);
        Assert.False(sc.Metadata.Annotations.ContainsKey(NfsStorageBundle.NodeAnnotation));
        Assert.Equal(["vers=3", "hard"], sc.MountOptions);
        Assert.Equal("Delete", sc.ReclaimPolicy);
        Assert.Equal("nfs.kubeops.io/storage", sc.Provisioner);
        var set = One<V1StatefulSet>(b);
        Assert.Equal("storage", set.Metadata.NamespaceProperty);
        Assert.Null(set.Spec.Template.Spec.NodeSelector);
        Assert.Equal("example.org/ganesha:6", set.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("storage-nfs-server", One<V1ClusterRole>(b).Metadata.Name);
    }

    [Fact]
    public void ExternalServerIsCsiDriverNfsWithAnOnDeleteClass()
    {
        var b = NfsStorageBundle.Build(new NfsStorageOptions { Server = "nas01.example.com", Share = "/k8s/", SubDir = "${pvc.metadata.namespace}/${pvc.metadata.name}" });
        Assert.Equal(["Namespace", "CSIDriver", "ServiceAccount", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ClusterRole", "ClusterRoleBinding", "Deployment", "DaemonSet", "StorageClass"],
            b.Select(o => KoYaml.ToJsonObject(o)["kind"]!.GetValue<string>()));
        var driver = One<V1CSIDriver>(b);
        Assert.Equal("nfs.csi.k8s.io", driver.Metadata.Name);
        Assert.False(driver.Spec.AttachRequired);
        Assert.Equal(["Persistent"], driver.Spec.VolumeLifecycleModes);
        Assert.Equal("File", driver.Spec.FsGroupPolicy);

        var sas = b.OfType<V1ServiceAccount>().Select(s => s.Metadata.Name).ToList();
        Assert.Equal(["csi-nfs-controller", "csi-nfs-node"], sas);
        var roles = b.OfType<V1ClusterRole>().ToList();
        Assert.Equal(["kubeops-storage-csi-nfs-provisioner", "kubeops-storage-csi-nfs-resizer"], roles.Select(r => r.Metadata.Name));
        Assert.Contains(roles[0].Rules, r => r.ApiGroups.Contains("coordination.k8s.io") && r.Resources.Contains("leases"));
        Assert.DoesNotContain(roles.SelectMany(r => r.Rules), r => r.ApiGroups.Contains("snapshot.storage.k8s.io"));
        Assert.All(b.OfType<V1ClusterRoleBinding>(), rb => Assert.Equal(("csi-nfs-controller", "kubeops-storage"), (rb.Subjects.Single().Name, rb.Subjects.Single().NamespaceProperty)));

        var controller = One<V1Deployment>(b);
        Assert.Equal("csi-nfs-controller", controller.Metadata.Name);
        Assert.Equal(1, controller.Spec.Replicas);
        Assert.Equal("0", controller.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.All(controller.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, controller.Spec.Template.Metadata.Labels[kv.Key]));
        var cp = controller.Spec.Template.Spec;
        Assert.True(cp.HostNetwork);
        Assert.Equal("ClusterFirstWithHostNet", cp.DnsPolicy);
        Assert.Equal("csi-nfs-controller", cp.ServiceAccountName);
        Assert.Equal(["csi-provisioner", "csi-resizer", "liveness-probe", "nfs"], cp.Containers.Select(c => c.Name));
        Assert.Equal(Images.CsiProvisioner.Reference, cp.Containers[0].Image);
        Assert.Contains("--leader-election", cp.Containers[0].Args);
        Assert.Equal(Images.CsiResizer.Reference, cp.Containers[1].Image);
        Assert.Equal("registry.k8s.io/sig-storage/nfsplugin:v4.13.5", cp.Containers[3].Image);
        Assert.True(cp.Containers[3].SecurityContext.Privileged);
        Assert.Equal("Bidirectional", cp.Containers[3].VolumeMounts.Single(m => m.MountPath == "/var/lib/kubelet/pods").MountPropagation);
        Assert.Equal("29652", cp.Containers[3].LivenessProbe.HttpGet.Port.Value);
        Assert.Contains("--http-endpoint=localhost:29652", cp.Containers[2].Args);
        Assert.Equal(["pods-mount-dir", "socket-dir"], cp.Volumes.Select(v => v.Name));
        Assert.NotNull(cp.Volumes[1].EmptyDir);

        var node = One<V1DaemonSet>(b);
        Assert.Equal("csi-nfs-node", node.Metadata.Name);
        Assert.All(node.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, node.Spec.Template.Metadata.Labels[kv.Key]));
        Assert.NotEqual(controller.Spec.Selector.MatchLabels["app.kubernetes.io/name"], node.Spec.Selector.MatchLabels["app.kubernetes.io/name"]);
        var np = node.Spec.Template.Spec;
        Assert.True(np.HostNetwork);
        Assert.Equal("Exists", np.Tolerations.Single().OperatorProperty);
        Assert.Equal(["liveness-probe", "node-driver-registrar", "nfs"], np.Containers.Select(c => c.Name));
        Assert.Equal(Images.CsiNodeDriverRegistrar.Reference, np.Containers[1].Image);
        Assert.Equal("/var/lib/kubelet/plugins/csi-nfsplugin/csi.sock", np.Containers[1].Env.Single(e => e.Name == "DRIVER_REG_SOCK_PATH").Value);
        Assert.Equal("/registration", np.Containers[1].VolumeMounts.Single(m => m.Name == "registration-dir").MountPath);
        Assert.Equal("/var/lib/kubelet/plugins_registry", np.Volumes.Single(v => v.Name == "registration-dir").HostPath.Path);
        Assert.Equal("/var/lib/kubelet/plugins/csi-nfsplugin", np.Volumes.Single(v => v.Name == "socket-dir").HostPath.Path);

        var sc = One<V1StorageClass>(b);
        Assert.Equal("nfs.csi.k8s.io", sc.Provisioner);
        Assert.Equal("nas01.example.com", sc.Parameters["server"]);
        Assert.Equal("/k8s", sc.Parameters["share"]);
        Assert.Equal("${pvc.metadata.namespace}/${pvc.metadata.name}", sc.Parameters["subDir"]);
        Assert.Equal("retain", sc.Parameters["onDelete"]);
        // The volume object goes with its claim, the directory stays: onDelete decides, not the reclaim policy.
        Assert.Equal("Delete", sc.ReclaimPolicy);
        Assert.Equal(["nfsvers=4.1"], sc.MountOptions);
        Assert.Null(sc.Metadata.Annotations);
    }

    [Theory]
    [InlineData("Archive", "archive")]
    [InlineData("delete", "delete")]
    public void OnDeleteIsWrittenInTheDriversSpelling(string given, string written)
    {
        var sc = One<V1StorageClass>(NfsStorageBundle.Build(new NfsStorageOptions { Server = "10.0.0.5", Share = "/", OnDelete = given, ReclaimPolicy = "Retain" }));
        Assert.Equal(written, sc.Parameters["onDelete"]);
        Assert.Equal("/", sc.Parameters["share"]);
        Assert.False(sc.Parameters.ContainsKey("subDir"));
        Assert.Equal("Retain", sc.ReclaimPolicy);
    }

    [Theory]
    [InlineData(null, null, null, null, "-HostPath")]
    [InlineData("srv/nfs", null, null, null, "-HostPath")]
    [InlineData("./srv", null, null, null, "-HostPath")]
    [InlineData("/srv/../etc", null, null, null, "-HostPath")]
    [InlineData("/", null, null, null, "-HostPath")]
    [InlineData("/srv", "Bad Node", null, null, "-NodeName")]
    [InlineData("/srv", null, "nas01", "/k8s", "-HostPath")]
    [InlineData(null, null, "nas 01", "/k8s", "-Server")]
    [InlineData(null, null, "nas01", "k8s", "-Share")]
    [InlineData(null, null, "nas01", "", "-Share")]
    public void BadPlacesAreRefusedNamingTheParameter(string? hostPath, string? node, string? server, string? share, string field)
    {
        var e = Assert.Throws<KoValidationException>(() => NfsStorageBundle.Build(new NfsStorageOptions { HostPath = hostPath, NodeName = node, Server = server, Share = share }));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void BadOptionsAreRefusedNamingTheParameter()
    {
        KoValidationException Fails(NfsStorageOptions o) => Assert.Throws<KoValidationException>(() => NfsStorageBundle.Build(o));
        var inCluster = new NfsStorageOptions { HostPath = "/srv" };
        var external = new NfsStorageOptions { Server = "nas01", Share = "/k8s" };
        Assert.Equal("-ReclaimPolicy", Fails(inCluster with { ReclaimPolicy = "Recycle" }).Field);
        Assert.Equal("-OnDelete", Fails(external with { OnDelete = "Shred" }).Field);
        Assert.Equal("-SubDir", Fails(external with { SubDir = "/abs" }).Field);
        Assert.Equal("-SubDir", Fails(external with { SubDir = "a/../../b" }).Field);
        Assert.Equal("-SubDir", Fails(inCluster with { SubDir = "x" }).Field);
        Assert.Equal("-MountOption", Fails(inCluster with { MountOptions = ["vers=3,hard"] }).Field);
        Assert.Equal("-MountOption", Fails(inCluster with { MountOptions = [""] }).Field);
        Assert.Equal("-StorageClassName", Fails(inCluster with { StorageClassName = "NFS Class" }).Field);
        Assert.Equal("-Namespace", Fails(inCluster with { Namespace = "Kube_Storage" }).Field);
    }
}
