using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// What a fresh control plane has besides namespaces and the node: service/kubernetes in default with its Endpoints
/// and EndpointSlice (kept by the API server itself), the two system PriorityClasses and the node's Lease; and the
/// two controllers that fill every active namespace: the service account controller (a `default` ServiceAccount)
/// and the root CA publisher (the kube-root-ca.crt ConfigMap with the cluster's CA, restored when changed).
/// </summary>
internal sealed partial class Controllers
{
    public const string RootCaConfigMap = "kube-root-ca.crt";
    private const string ApiServerIp = "10.0.0.10";
    private readonly Lazy<string> _rootCa = new(NewRootCa);

    private static string NewRootCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubernetes", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));
        return cert.ExportCertificatePem() + "\n";
    }

    private void SeedControlPlane()
    {
        var https = new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = 6443 };
        _api.Commit(T("", "services"), "default", "kubernetes", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" } },
            ["spec"] = new JsonObject { ["clusterIP"] = "10.96.0.1", ["clusterIPs"] = new JsonArray("10.96.0.1"), ["ports"] = new JsonArray(https) },
        }, null, Ctx(), null);
        _api.Commit(T("", "endpoints"), "default", "kubernetes", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["endpointslice.kubernetes.io/skip-mirror"] = "true" } },
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["ip"] = ApiServerIp }),
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 6443, ["protocol"] = "TCP" }),
            }),
        }, null, Ctx(), null);
        _api.Commit(T("discovery.k8s.io", "endpointslices"), "default", "kubernetes", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = "kubernetes" } },
            ["addressType"] = "IPv4",
            ["endpoints"] = new JsonArray(new JsonObject { ["addresses"] = new JsonArray(ApiServerIp), ["conditions"] = new JsonObject { ["ready"] = true } }),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 6443, ["protocol"] = "TCP" }),
        }, null, Ctx(), null);
        foreach (var (name, value, description) in new[]
        {
            ("system-cluster-critical", 2000000000L, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
            ("system-node-critical", 2000001000L, "Used for system critical pods that must not be moved from their current node."),
        })
            _api.Commit(T("scheduling.k8s.io", "priorityclasses"), null, name, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["value"] = value, ["description"] = description }, null, Ctx(), null);
        _api.Commit(T("coordination.k8s.io", "leases"), "kube-node-lease", "node-1", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "node-1" },
            ["spec"] = new JsonObject { ["holderIdentity"] = "node-1", ["leaseDurationSeconds"] = 40, ["renewTime"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture) },
        }, null, Ctx(), null);
        NamespaceContents();
    }

    /// <summary>The service account controller and the root CA publisher, for every namespace that is not terminating.</summary>
    private void NamespaceContents()
    {
        var saType = T("", "serviceaccounts");
        var cmType = T("", "configmaps");
        foreach (var ns in _store.List(T("", "namespaces"), null).Where(n => n.Object["metadata"]?["deletionTimestamp"] is null))
        {
            if (_store.Get(saType, ns.Name, "default") is null)
                _api.Commit(saType, ns.Name, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } }, null, Ctx(), null);
            var data = new JsonObject { ["ca.crt"] = _rootCa.Value };
            var cm = _store.Get(cmType, ns.Name, RootCaConfigMap);
            if (cm is null)
                _api.Commit(cmType, ns.Name, RootCaConfigMap, new JsonObject
                {
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = RootCaConfigMap,
                        ["annotations"] = new JsonObject { ["kubernetes.io/description"] = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." },
                    },
                    ["data"] = data,
                }, null, Ctx(), null);
            else if (!JsonNode.DeepEquals(cm.Object["data"], data))
                Update(cm, o => o["data"] = data.DeepClone());
        }
    }
}
