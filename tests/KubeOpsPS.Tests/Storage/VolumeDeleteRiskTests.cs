using k8s.Models;
using KubeOpsPS.Engine.Manifests.Storage;

namespace KubeOpsPS.Tests.Storage;

public class VolumeDeleteRiskTests
{
    private static V1PersistentVolumeClaim Claim(string? volume, string? sc = "nfs") => new()
    {
        Metadata = new V1ObjectMeta { Name = "data-mysql-0", NamespaceProperty = "db" },
        Spec = new V1PersistentVolumeClaimSpec { VolumeName = volume, StorageClassName = sc },
    };

    private static V1PersistentVolume Nfs(string policy, string path = "/export/pvc-1") => new()
    {
        Metadata = new V1ObjectMeta { Name = "pvc-1" },
        Spec = new V1PersistentVolumeSpec { PersistentVolumeReclaimPolicy = policy, StorageClassName = "nfs", Nfs = new V1NFSVolumeSource { Server = "10.96.0.20", Path = path } },
    };

    private static V1PersistentVolume Csi(string policy, string handle) => new()
    {
        Metadata = new V1ObjectMeta { Name = "pvc-2" },
        Spec = new V1PersistentVolumeSpec { PersistentVolumeReclaimPolicy = policy, StorageClassName = "nfs", Csi = new V1CSIPersistentVolumeSource { Driver = "nfs.csi.k8s.io", VolumeHandle = handle } },
    };

    private static V1StorageClass Ganesha(bool withNode = true)
    {
        var a = new Dictionary<string, string> { [NfsStorageBundle.HostPathAnnotation] = "/srv/nfs" };
        if (withNode) a[NfsStorageBundle.NodeAnnotation] = "node-1";
        return new V1StorageClass { Metadata = new V1ObjectMeta { Name = "nfs", Annotations = a }, Provisioner = "nfs.kubeops.io/kubeops-storage", ReclaimPolicy = "Retain" };
    }

    private static V1StorageClass CsiClass(string onDelete) => new()
    {
        Metadata = new V1ObjectMeta { Name = "nfs" }, Provisioner = "nfs.csi.k8s.io", ReclaimPolicy = "Delete",
        Parameters = new Dictionary<string, string> { ["server"] = "nas01", ["share"] = "/k8s", ["onDelete"] = onDelete },
    };

    [Fact]
    public void DeletePolicyDestroysTheDataAndSaysSo()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-1"), Nfs("Delete"), null);
        Assert.Equal(VolumeDataFate.Destroyed, r.Fate);
        Assert.True(r.DestroysData);
        Assert.Equal(("db", "data-mysql-0", "pvc-1", "nfs", "Delete"), (r.Namespace, r.Claim, r.Volume, r.StorageClass, r.ReclaimPolicy));
        Assert.Equal("10.96.0.20:/export/pvc-1", r.Location);
        Assert.Contains("DESTROYS", r.Message, StringComparison.Ordinal);
        Assert.Contains("db/data-mysql-0", r.Message, StringComparison.Ordinal);
        Assert.Contains("reclaim policy Delete", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RetainPolicyKeepsTheDataAndSaysWhereOnTheNode()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-1"), Nfs("Retain"), Ganesha());
        Assert.Equal(VolumeDataFate.Retained, r.Fate);
        Assert.False(r.DestroysData);
        Assert.Equal("/srv/nfs/pvc-1 on node node-1 (NFS 10.96.0.20:/export/pvc-1)", r.Location);
        Assert.Contains("keeps its data", r.Message, StringComparison.Ordinal);
        Assert.Contains("/srv/nfs/pvc-1 on node node-1", r.Message, StringComparison.Ordinal);
        Assert.Contains("Released", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnpinnedServerSaysTheNodeIsWhereverItRuns()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-1"), Nfs("Retain"), Ganesha(withNode: false));
        Assert.StartsWith("/srv/nfs/pvc-1 on the node the NFS server runs on", r.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void AVolumeOutsideTheExportIsNotMappedToTheHostPath()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-1"), Nfs("Retain", "/exported-elsewhere/x"), Ganesha());
        Assert.Equal("10.96.0.20:/exported-elsewhere/x", r.Location);
    }

    [Fact]
    public void AnUnsetPolicyIsRetainAsTheApiServerDefaultsIt()
    {
        var pv = Nfs("Retain");
        pv.Spec.PersistentVolumeReclaimPolicy = null;
        Assert.Equal(VolumeDataFate.Retained, VolumeDeleteRisk.Assess(Claim("pvc-1"), pv, null).Fate);
    }

    [Fact]
    public void RecycleDestroysTheData()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-1"), Nfs("Recycle"), null);
        Assert.Equal(VolumeDataFate.Destroyed, r.Fate);
        Assert.Contains("Recycle", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsiNfsWithOnDeleteRetainInTheHandleKeepsTheDirectoryEvenWithPolicyDelete()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-2"), Csi("Delete", "nas01#k8s#db/data-mysql-0#uuid-1#retain"), CsiClass("delete"));
        Assert.Equal(VolumeDataFate.Retained, r.Fate);
        Assert.False(r.DestroysData);
        Assert.Equal("nas01:/k8s/db/data-mysql-0", r.Location);
        Assert.Contains("onDelete: retain", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsiNfsArchiveSaysWhereTheArchiveIs()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-2"), Csi("Delete", "nas01#k8s#pvc-2#uuid-1#archive"), null);
        Assert.Equal(VolumeDataFate.Archived, r.Fate);
        Assert.False(r.DestroysData);
        Assert.Equal("nas01:/k8s/archived-pvc-2", r.Location);
    }

    [Fact]
    public void CsiNfsWithoutOnDeleteInTheHandleFallsBackToTheVolumesClass()
    {
        Assert.Equal(VolumeDataFate.Retained, VolumeDeleteRisk.Assess(Claim("pvc-2"), Csi("Delete", "nas01#k8s#pvc-2"), CsiClass("Retain")).Fate);
        var destroyed = VolumeDeleteRisk.Assess(Claim("pvc-2"), Csi("Delete", "nas01#k8s#pvc-2#uuid-1"), CsiClass("delete"));
        Assert.Equal(VolumeDataFate.Destroyed, destroyed.Fate);
        Assert.Contains("removes its directory at nas01:/k8s/pvc-2", destroyed.Message, StringComparison.Ordinal);
        // No class to ask: the driver's own default is delete.
        Assert.Equal(VolumeDataFate.Destroyed, VolumeDeleteRisk.Assess(Claim("pvc-2"), Csi("Delete", "nas01#k8s#pvc-2"), null).Fate);
        // A class of another name is not the volume's class.
        var other = CsiClass("retain");
        other.Metadata.Name = "other";
        Assert.Equal(VolumeDataFate.Destroyed, VolumeDeleteRisk.Assess(Claim("pvc-2"), Csi("Delete", "nas01#k8s#pvc-2"), other).Fate);
    }

    [Fact]
    public void CsiNfsWithPolicyRetainKeepsEverything()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-2"), Csi("Retain", "nas01#k8s#pvc-2#uuid#"), CsiClass("delete"));
        Assert.Equal(VolumeDataFate.Retained, r.Fate);
        Assert.Equal("nas01:/k8s/pvc-2", r.Location);
    }

    [Fact]
    public void AnUnboundClaimHoldsNoData()
    {
        var r = VolumeDeleteRisk.Assess(Claim(null), null, null);
        Assert.Equal(VolumeDataFate.NoVolume, r.Fate);
        Assert.False(r.DestroysData);
        Assert.Null(r.Volume);
        Assert.Contains("not bound", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AVolumeThatCannotBeReadCountsAsDestroyed()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-9"), null, null);
        Assert.Equal(VolumeDataFate.Unknown, r.Fate);
        Assert.True(r.DestroysData);
        Assert.Equal("pvc-9", r.Volume);
        Assert.Contains("could not be read", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherVolumeSourcesSayWhereTheyAre()
    {
        var host = new V1PersistentVolume { Metadata = new V1ObjectMeta { Name = "pv-h" }, Spec = new V1PersistentVolumeSpec { PersistentVolumeReclaimPolicy = "Retain", HostPath = new V1HostPathVolumeSource { Path = "/mnt/data" } } };
        Assert.StartsWith("/mnt/data", VolumeDeleteRisk.Assess(Claim("pv-h"), host, null).Location, StringComparison.Ordinal);
        var local = new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta { Name = "pv-l" },
            Spec = new V1PersistentVolumeSpec
            {
                PersistentVolumeReclaimPolicy = "Retain", Local = new V1LocalVolumeSource { Path = "/disks/ssd1" },
                NodeAffinity = new V1VolumeNodeAffinity { Required = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = ["node-7"] }] }] } },
            },
        };
        Assert.Equal("/disks/ssd1 on node node-7", VolumeDeleteRisk.Assess(Claim("pv-l"), local, null).Location);
        var other = new V1PersistentVolume { Metadata = new V1ObjectMeta { Name = "pv-c" }, Spec = new V1PersistentVolumeSpec { PersistentVolumeReclaimPolicy = "Delete", Csi = new V1CSIPersistentVolumeSource { Driver = "ebs.csi.aws.com", VolumeHandle = "vol-123" } } };
        var r = VolumeDeleteRisk.Assess(Claim("pv-c"), other, null);
        Assert.Equal(VolumeDataFate.Destroyed, r.Fate);
        Assert.Equal("ebs.csi.aws.com volume vol-123", r.Location);
    }

    [Fact]
    public void PodsThatUseTheClaimAreNamed()
    {
        var r = VolumeDeleteRisk.Assess(Claim("pvc-1"), Nfs("Retain"), null, ["mysql-0"]);
        Assert.Contains("in use by pod mysql-0", r.Message, StringComparison.Ordinal);
        Assert.Contains("Terminating", r.Message, StringComparison.Ordinal);
    }
}
