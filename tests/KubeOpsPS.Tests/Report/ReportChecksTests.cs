using k8s.Models;
using KubeOpsPS.Engine.Report;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Report;

/// <summary>
/// Every check against the messy-cluster fixture: it fires on exactly its offenders (Fixtures/offenders.yaml) and on
/// none of their look-alikes (Fixtures/fine.yaml), which are in the same snapshot.
/// </summary>
public class ReportChecksTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    // Making the fixture's keys takes a while; every test reads the same messy snapshot.
    private static readonly Lazy<ClusterSnapshot> MessySnapshot = new(() => ReportFixture.Snapshot(ReportFixture.Messy(Now), Now));

    /// <summary>Check id → the objects it must report (Kind/namespace/name) in the messy fixture, at target 1.33 (1.36 where noted).</summary>
    public static readonly Dictionary<string, string[]> Offenders = new()
    {
        ["retired-component"] = ["Deployment/messy/builder", "Deployment/messy/dashboard", "Deployment/messy/ingress-nginx-controller", "Deployment/messy/kube-dns", "Deployment/messy/nfs-client"],
        ["upgrade-removed-api"] = ["Deployment/messy/old-api"],
        ["upgrade-external-ips"] = ["Service/messy/legacy-ip"],
        ["upgrade-gitrepo-volume"] = ["Deployment/messy/git-content"],
        ["upgrade-endpoints"] = ["Endpoints/messy/external-db"],
        ["upgrade-tlsroute-stored-version"] = ["CustomResourceDefinition//tlsroutes.gateway.networking.k8s.io"],
        ["cert-expired"] = ["Secret/messy/expired-tls"],
        ["cert-expiring"] = ["Secret/messy/expiring-tls"],
        ["cert-weak-key"] = ["Secret/messy/weak-tls"],
        ["cert-sha1"] = ["Secret/messy/sha1-tls"],
        ["cert-unreadable"] = ["Secret/messy/broken-tls"],
        ["cert-host-mismatch"] = ["Ingress/messy/shop"],
        ["pv-reclaim-delete"] = ["PersistentVolume//pv-delete-bound"],
        ["pv-released"] = ["PersistentVolume//pv-released"],
        ["pvc-unused"] = ["PersistentVolumeClaim/messy/marked-unused", "PersistentVolumeClaim/messy/orphan-claim"],
        ["sts-pvc-retention-delete"] = ["StatefulSet/messy/cache"],
        ["no-readiness-probe"] = ["Deployment/messy/no-probe"],
        ["no-resource-requests"] = ["Deployment/messy/no-requests"],
        ["single-replica-no-pdb"] = ["Deployment/messy/solo-m"],
        ["image-latest"] = ["Deployment/messy/latest", "Deployment/messy/untagged"],
        ["pod-crashloop"] = ["Pod/messy/crashing"],
        ["pod-image-pull"] = ["Pod/messy/pull-fail"],
        ["pod-pending"] = ["Pod/messy/stuck"],
        ["deployment-progress-deadline"] = ["Deployment/messy/stalled"],
        ["ingress-missing-service"] = ["Ingress/messy/missing-backend"],
        ["ingress-missing-secret"] = ["Ingress/messy/missing-secret"],
        ["service-no-pods"] = ["Service/messy/orphan"],
        ["wildcard-role-binding"] = ["ClusterRoleBinding//ci-god", "RoleBinding/messy/bob-anything"],
        ["default-sa-bindings"] = ["Deployment/messy/default-sa"],
        ["node-not-ready"] = ["Node//node-down"],
        ["node-pressure"] = ["Node//node-full"],
        ["kubelet-skew"] = ["Node//node-behind", "Node//node-skewed"],
    };

    /// <summary>Checks of changes that come with 1.36: the fixture is checked against that target for them.</summary>
    public static readonly HashSet<string> Needs136 = ["upgrade-external-ips", "upgrade-gitrepo-volume"];

    public static TheoryData<string> CheckIds() => [.. Offenders.Keys];

    internal static string Key(ReportFinding f) => $"{f.Kind}/{f.Namespace}/{f.Name}";

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void EachCheckFiresOnItsOffendersAndOnNoLookAlike(string check)
    {
        var options = new ReportOptions { TargetVersion = Needs136.Contains(check) ? new KubeVersion(1, 36) : null };
        var findings = ReportChecks.Run(MessySnapshot.Value, options, [check]);
        Assert.Equal(Offenders[check].Order(StringComparer.Ordinal), findings.Select(Key).Order(StringComparer.Ordinal));
        Assert.All(findings, f =>
        {
            Assert.Equal(check, f.Check);
            Assert.Equal("fixture", f.Context);
            Assert.False(string.IsNullOrWhiteSpace(f.Message));
            Assert.False(string.IsNullOrWhiteSpace(f.Fix));
        });
    }

    [Fact]
    public void EveryCheckHasAnOffenderInTheFixture() =>
        Assert.Equal(ReportChecks.Ids.Where(i => i != ReportChecks.NotChecked).Order(StringComparer.Ordinal), Offenders.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void TheLookAlikesAloneGiveNoFinding()
    {
        var snapshot = ReportFixture.Snapshot(ReportFixture.Fine(Now), Now);
        Assert.Empty(ReportChecks.Run(snapshot, new ReportOptions()).Select(Key));
        Assert.Empty(ReportChecks.Run(snapshot, new ReportOptions { TargetVersion = new KubeVersion(1, 36) }, Needs136).Select(Key));
    }

    [Fact]
    public void UpgradeChecksOfLaterReleasesStaySilentForAnEarlierTarget()
    {
        var findings = ReportChecks.Run(MessySnapshot.Value, new ReportOptions { TargetVersion = new KubeVersion(1, 35) }, Needs136);
        Assert.Empty(findings);
    }

    [Fact]
    public void ACertificateHorizonOfFiveDaysLeavesOutOneExpiringInTen()
    {
        var snapshot = MessySnapshot.Value;
        Assert.Empty(ReportChecks.Run(snapshot, new ReportOptions { CertificateDays = 5 }, ["cert-expiring"]));
        Assert.Single(ReportChecks.Run(snapshot, new ReportOptions { CertificateDays = 10 }, ["cert-expiring"]));
    }

    [Fact]
    public void ATlsRouteCrdStoringOnlyV1IsFine()
    {
        var crd = new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1", Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = "tlsroutes.gateway.networking.k8s.io" },
            Status = new V1CustomResourceDefinitionStatus { StoredVersions = ["v1"] },
        };
        Assert.Empty(ReportChecks.Run(ReportFixture.Snapshot([crd], Now), new ReportOptions(), ["upgrade-tlsroute-stored-version"]));
        crd.Status.StoredVersions = ["v1alpha3", "v1"];
        Assert.Single(ReportChecks.Run(ReportFixture.Snapshot([crd], Now), new ReportOptions(), ["upgrade-tlsroute-stored-version"]));
    }

    [Fact]
    public void KindsThatCouldNotBeListedBecomeInfoFindings()
    {
        var snapshot = new ClusterSnapshot("limited", new KubeVersion(1, 32), Now, [],
            [new KindNotRead("Secret", "secrets", null, NotReadReason.Forbidden), new KindNotRead("HorizontalPodAutoscaler", "horizontalpodautoscalers", null, NotReadReason.NotServed)]);
        var findings = ReportChecks.Run(snapshot, new ReportOptions());
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(ReportSeverity.Info, f.Severity));
        Assert.Contains(findings, f => f.Message.StartsWith("Not checked: no permission to list secrets cluster-wide", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.Contains("does not serve horizontalpodautoscalers", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.33", 33)]
    [InlineData("v1.36", 36)]
    [InlineData(" 1.40 ", 40)]
    public void TargetVersionsAreMinors(string text, int minor) => Assert.Equal(new KubeVersion(1, minor), KubeVersion.Parse(text, "-TargetVersion"));

    [Theory]
    [InlineData("1.33.2")]
    [InlineData("2.1")]
    [InlineData("latest")]
    [InlineData("133")]
    public void OtherTargetVersionsAreRejectedWithTheRule(string text)
    {
        var e = Assert.Throws<KoValidationException>(() => KubeVersion.Parse(text, "-TargetVersion"));
        Assert.Contains($"-TargetVersion '{text}' is not a Kubernetes minor version", e.Message);
    }

    [Theory]
    [InlineData("nginx", true)]
    [InlineData("nginx:latest", true)]
    [InlineData("registry.example:5000/team/app", true)]
    [InlineData("registry.example:5000/team/app:1.2", false)]
    [InlineData("nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", false)]
    [InlineData("nginx:1.27.3", false)]
    public void FloatingImagesAreThoseWithoutAVersion(string image, bool floats) => Assert.Equal(floats, ReportChecks.Floats(image));

    [Theory]
    [InlineData("registry.k8s.io/ingress-nginx/controller:v1.12.0@sha256:abc", "community ingress-nginx controller")]
    [InlineData("k8s.gcr.io/ingress-nginx/controller:v0.49.3", "community ingress-nginx controller")]
    [InlineData("nginx/nginx-ingress:5.6.2", null)]
    [InlineData("registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.5.0", null)]
    [InlineData("gcr.io/kaniko-project/executor:debug", "Kaniko")]
    [InlineData("moby/buildkit:v0.32.2-rootless", null)]
    public void RetiredComponentsAreKnownByTheirRepository(string image, string? component) =>
        Assert.Equal(component, RetiredComponents.Match(image)?.Name);

    [Fact]
    public void EveryTableRowNamesItsSource()
    {
        Assert.All(UpgradeTable.Removals, r => Assert.StartsWith("kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-", r.Source));
        Assert.All(RetiredComponents.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Source)));
        Assert.All(new[] { UpgradeTable.EndpointsApi, UpgradeTable.ExternalIPs, UpgradeTable.GitRepoVolume }, f => Assert.False(string.IsNullOrWhiteSpace(f.Source)));
    }
}
