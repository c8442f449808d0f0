using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Report;
using KubeOpsPS.Engine.Yaml;
using KubeOpsPS.Tests.FakeApiServer;

namespace KubeOpsPS.Tests.Report;

/// <summary>
/// The "messy cluster" of the report tests: Fixtures/offenders.yaml (one offender per check), Fixtures/fine.yaml (their
/// look-alikes), and TLS Secrets made here because their dates are relative to the time of the test.
/// </summary>
public static class ReportFixture
{
    private const string SnapshotOnly = "report.kubeops.io/fixture";

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Report", "Fixtures");

    private static List<object> Read(string file)
    {
        var path = Path.Combine(Directory, file);
        return KoYaml.Read(File.ReadAllText(path), path).Select(d => d.Object ?? throw d.Error!).ToList();
    }

    /// <summary>The look-alikes: a cluster of only these gets Info findings at most.</summary>
    public static List<object> Fine(DateTime now) => [.. Read("fine.yaml"), Tls("tidy", "web-tls", ["web.tidy.example", "*.tidy.example"], now.AddDays(-10), now.AddDays(365))];

    /// <summary>The look-alikes and the offenders.</summary>
    public static List<object> Messy(DateTime now) =>
    [
        .. Fine(now), .. Read("offenders.yaml"),
        Tls("messy", "expired-tls", ["expired.messy.example"], now.AddDays(-400), now.AddDays(-3)),
        Tls("messy", "expiring-tls", ["expiring.messy.example"], now.AddDays(-300), now.AddDays(10)),
        Tls("messy", "weak-tls", ["weak.messy.example"], now.AddDays(-10), now.AddDays(365), rsaBits: 1024),
        Tls("messy", "sha1-tls", ["sha1.messy.example"], now.AddDays(-10), now.AddDays(365), sha1: true),
        Tls("messy", "shop-tls", ["other.messy.example"], now.AddDays(-10), now.AddDays(365)),
    ];

    public static ClusterSnapshot Snapshot(IEnumerable<object> objects, DateTime now, string context = "fixture") =>
        new(context, new KubeVersion(1, 32), now, objects);

    /// <summary>A kubernetes.io/tls Secret with a self-signed certificate of the given names, dates, key size and hash.</summary>
    public static V1Secret Tls(string ns, string name, string[] dns, DateTime notBefore, DateTime notAfter, int rsaBits = 2048, bool sha1 = false)
    {
        using var rsa = RSA.Create(rsaBits);
        var request = new CertificateRequest($"CN={dns[0]}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var d in dns) san.AddDnsName(d);
        request.CertificateExtensions.Add(san.Build());
        using var cert = sha1
            ? request.Create(request.SubjectName, new Sha1Signer(rsa), notBefore, notAfter, [1, 2, 3, 4])
            : request.CreateSelfSigned(notBefore, notAfter);
        return new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Type = "kubernetes.io/tls",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.ASCII.GetBytes(cert.ExportCertificatePem()), ["tls.key"] = Encoding.ASCII.GetBytes(rsa.ExportPkcs8PrivateKeyPem()) },
        };
    }

    /// <summary>Whether the fake makes the object itself (or does not serve its kind), so seeding skips it.</summary>
    public static bool IsSnapshotOnly(object o) =>
        o is IKubernetesObject<V1ObjectMeta> k && k.Metadata?.Annotations?.TryGetValue(SnapshotOnly, out var v) == true && v == "snapshot-only";

    /// <summary>Creates the objects on the fake (POST), then writes their status (merge patch on /status) unless a controller of the fake owns it, in apply order.</summary>
    public static async Task SeedAsync(HttpClient http, IEnumerable<object> objects)
    {
        var list = objects.ToList();
        // The fake's endpoints controller writes the Endpoints of Services with a selector, as a real one does.
        var selected = list.OfType<V1Service>().Where(v => v.Spec?.Selector is { Count: > 0 })
            .Select(v => $"{v.Metadata.NamespaceProperty}/{v.Metadata.Name}").ToHashSet(StringComparer.Ordinal);
        foreach (var o in list.Where(o => !IsSnapshotOnly(o) && !(o is V1Endpoints e && selected.Contains($"{e.Metadata.NamespaceProperty}/{e.Metadata.Name}")))
                     .OrderBy(o => ApplyOrder.Stage(((IKubernetesObject)o).Kind)))
        {
            var full = KoYaml.ToJsonObject(o, includeServerFields: true);
            var kind = KubeTypes.Find(full["apiVersion"]!.GetValue<string>(), full["kind"]!.GetValue<string>())!;
            var ns = full["metadata"]?["namespace"]?.GetValue<string>();
            var status = full["status"]?.DeepClone();
            full.Remove("status");
            (full["metadata"] as JsonObject)?.Remove("creationTimestamp");
            var created = await http.Post(ClusterGateway.CollectionPath(kind, ns), full);
            Assert.True(created.Code == 201, $"creating {kind.Kind} {ns}/{full["metadata"]?["name"]}: {created.Text}");
            // The fake's controllers write the status of workloads themselves (the stalled rollout's deadline included).
            if (status is null || kind.Kind is "Deployment" or "StatefulSet" or "DaemonSet") continue;
            var path = ClusterGateway.ObjectPath(kind, ns, full["metadata"]!["name"]!.GetValue<string>()) + "/status";
            if (kind.Kind == "PersistentVolumeClaim")
            {
                // The fake binds claims itself (a volume of the class); conditions such as Unused go on once it has.
                if (status["conditions"] is null) continue;
                await FakeHttp.Eventually(() => http.Get(path), r => r.Str("status.phase") == "Bound", $"claim {ns}/{full["metadata"]?["name"]} to be bound");
                status = new JsonObject { ["conditions"] = status["conditions"]!.DeepClone() };
            }
            var patched = await http.Patch(path, new JsonObject { ["status"] = status }, "application/merge-patch+json");
            Assert.True(patched.Code == 200, $"status of {kind.Kind} {ns}/{full["metadata"]?["name"]}: {patched.Text}");
        }
    }

    /// <summary>.NET no longer signs certificates with SHA-1; this signer does (sha1WithRSAEncryption), to make the weak certificate.</summary>
    private sealed class Sha1Signer(RSA key) : X509SignatureGenerator
    {
        // AlgorithmIdentifier { 1.2.840.113549.1.1.5, NULL }
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) =>
            [0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05, 0x05, 0x00];

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => key.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);

        protected override PublicKey BuildPublicKey() => new(key);
    }
}
