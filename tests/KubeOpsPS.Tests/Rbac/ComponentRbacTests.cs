using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeOpsPS.Engine.Manifests.AppManager;
using KubeOpsPS.Engine.Manifests.CiCd;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Manifests.Logging;
using KubeOpsPS.Engine.Manifests.Monitoring;
using KubeOpsPS.Engine.Manifests.Storage;
using KubeOpsPS.Tests.FakeApiServer;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.Rbac;

/// <summary>
/// Every in-cluster component the module deploys, under the fake's RBAC: the bundle's RBAC objects are applied, a
/// token of the component's ServiceAccount is requested, and each API call the component makes (from its upstream
/// manifests and source, named per table) must be allowed, while calls it has no business making must be refused.
/// Each call is asked as a SelfSubjectAccessReview with that token: the same authorizer decision as the request.
/// </summary>
public sealed class ComponentRbacTests : IClassFixture<FakeClusterFixture>
{
    /// <summary>One API call: verb on group/resource[/subresource] in a scope: "" = all namespaces or cluster-scoped, "own" = the component's namespace, else that namespace; or a non-resource path.</summary>
    public sealed record Call(string Verb, string Group, string Resource, string Scope = "", string Sub = "", string Name = "", string Path = "")
    {
        public override string ToString() => Path.Length > 0 ? $"{Verb} {Path}" : $"{Verb} {(Group.Length == 0 ? "core" : Group)}/{Resource}{(Sub.Length > 0 ? "/" + Sub : "")}{(Name.Length > 0 ? " " + Name : "")} in {(Scope.Length == 0 ? "all namespaces" : Scope)}";
    }

    private static IEnumerable<Call> Each(string verbs, string apiGroup, string resources, string scope = "", string sub = "") =>
        verbs.Split(',').SelectMany(v => resources.Split(',').Select(r => new Call(v, apiGroup, r, scope, sub)));

    private static Call Url(string path) => new("get", "", "", Path: path);

    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;

    public ComponentRbacTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
    }

    /// <summary>Calls no component here should be able to make: secrets elsewhere, cluster-scoped writes, RBAC powers.</summary>
    private static readonly Call[] NoBusiness =
    [
        new("get", "", "secrets", "kube-system", Name: "bootstrap-token-abcdef"),
        new("create", "", "namespaces"),
        new("delete", "", "nodes"),
        new("create", "rbac.authorization.k8s.io", "clusterrolebindings"),
        new("escalate", "rbac.authorization.k8s.io", "clusterroles"),
        new("bind", "rbac.authorization.k8s.io", "clusterroles", Name: "cluster-admin"),
        new("impersonate", "", "users", Name: "kubernetes-admin"),
        new("create", "", "pods", "exec", "kube-system"),
    ];

    /// <summary>ingress-nginx: kubernetes/ingress-nginx charts/ingress-nginx/templates/clusterrole.yaml and role.yaml; informers in internal/ingress/controller/store/store.go, leader election in cmd/nginx (leases), status in internal/ingress/status.</summary>
    private static IEnumerable<Call> IngressNginxCalls() =>
    [
        .. Each("list,watch", "", "configmaps,endpoints,nodes,pods,secrets,namespaces"),
        new("get", "", "nodes"),
        .. Each("get,list,watch", "", "services"),
        .. Each("get,list,watch", "networking.k8s.io", "ingresses,ingressclasses"),
        new("update", "networking.k8s.io", "ingresses", Sub: "status"),
        .. Each("create,patch", "", "events"),
        .. Each("get,list,watch", "discovery.k8s.io", "endpointslices"),
        .. Each("get", "", "configmaps,pods,secrets", "own"),
        // Leader election (--election-id): the lock is read and renewed by name, created when missing.
        new("get", "coordination.k8s.io", "leases", "own", Name: IngressControllerBundle.ElectionId("ingress-nginx")),
        new("update", "coordination.k8s.io", "leases", "own", Name: IngressControllerBundle.ElectionId("ingress-nginx")),
        new("create", "coordination.k8s.io", "leases", "own"),
    ];

    /// <summary>F5 NGINX Ingress Controller: nginx/kubernetes-ingress deployments/rbac/rbac.yaml and charts/nginx-ingress/templates/clusterrole.yaml; -report-ingress-status with -external-service updates that Service.</summary>
    private static IEnumerable<Call> NginxIncCalls() =>
    [
        .. Each("get,list,watch", "", "services"),
        .. Each("list,watch", "", "endpoints,secrets,configmaps,pods,namespaces"),
        .. Each("get,list,watch", "discovery.k8s.io", "endpointslices"),
        .. Each("get,list,watch", "networking.k8s.io", "ingresses,ingressclasses"),
        new("update", "networking.k8s.io", "ingresses", Sub: "status"),
        .. Each("create,patch", "", "events"),
        .. Each("update,patch", "", "services"),
        .. Each("get", "", "configmaps,secrets,pods", "own"),
        .. Each("get,create,update", "coordination.k8s.io", "leases", "own"),
    ];

    public static TheoryData<string> Components => new()
    {
        "ingress-nginx", "nginx-inc", "prometheus", "kube-state-metrics", "node-exporter", "grafana", "alertmanager",
        "fluent-bit", "fluentd", "elasticsearch", "kibana", "nfs-server", "csi-nfs", "jenkins", "app-manager", "app-manager-cluster-wide",
    };

    /// <summary>The bundle, the ServiceAccount (namespace, name) under test, the calls it makes, the calls it must not make.</summary>
    private static (IReadOnlyList<object> Bundle, List<(string Ns, string Sa, Call[] Allowed, Call[] Denied)> Accounts) Component(string component)
    {
        switch (component)
        {
            case "ingress-nginx":
            {
                var b = IngressControllerBundle.Build(new IngressControllerOptions { Controller = IngressController.IngressNginx, Namespace = "ing-community" });
                return (b, [("ing-community", Sa(b), [.. IngressNginxCalls()], [new("update", "", "services"), new("delete", "", "pods", "own"), new("create", "", "secrets", "own"),
                    // Another component's lock, and its own configuration, are not the controller's to change.
                    new("update", "coordination.k8s.io", "leases", "own", Name: "kube-state-metrics"), new("update", "", "configmaps", "own", Name: "ingress-nginx-controller")])]);
            }
            case "nginx-inc":
            {
                var b = IngressControllerBundle.Build(new IngressControllerOptions { Controller = IngressController.NginxInc, Namespace = "ing-f5" });
                return (b, [("ing-f5", Sa(b), [.. NginxIncCalls()], [new("delete", "", "services"), new("create", "", "secrets", "own")])]);
            }
            case "prometheus" or "kube-state-metrics" or "node-exporter" or "grafana" or "alertmanager":
            {
                var b = MonitoringBundle.Build(new MonitoringOptions { Namespace = "mon-rbac" });
                return (b, [("mon-rbac", WorkloadSa(b, component), component switch
                {
                    // prometheus/prometheus documentation/examples/rbac-setup.yml; kubernetes_sd roles node, pod, service,
                    // endpointslice in the module's prometheus.yml (MonitoringConfig: no job uses the deprecated endpoints
                    // role); cAdvisor through the API server's node proxy.
                    "prometheus" => [.. Each("list,watch", "", "nodes,pods,services"), .. Each("list,watch", "discovery.k8s.io", "endpointslices"),
                        new("get", "", "nodes", Sub: "proxy", Name: "node-1"), new("get", "", "nodes", Sub: "metrics", Name: "node-1"), Url("/metrics")],
                    // kubernetes/kube-state-metrics examples/standard/cluster-role.yaml; the default resources of internal/store/builder.go.
                    "kube-state-metrics" => [.. Each("list,watch", "", "configmaps,secrets,nodes,pods,services,serviceaccounts,resourcequotas,replicationcontrollers,limitranges,persistentvolumeclaims,persistentvolumes,namespaces,endpoints"),
                        .. Each("list,watch", "apps", "statefulsets,daemonsets,deployments,replicasets"), .. Each("list,watch", "batch", "cronjobs,jobs"),
                        .. Each("list,watch", "autoscaling", "horizontalpodautoscalers"), .. Each("list,watch", "policy", "poddisruptionbudgets"),
                        .. Each("list,watch", "certificates.k8s.io", "certificatesigningrequests"), .. Each("list,watch", "discovery.k8s.io", "endpointslices"),
                        .. Each("list,watch", "storage.k8s.io", "storageclasses,volumeattachments"), .. Each("list,watch", "networking.k8s.io", "networkpolicies,ingresses,ingressclasses"),
                        .. Each("list,watch", "coordination.k8s.io", "leases"), .. Each("list,watch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations,validatingwebhookconfigurations")],
                    // node-exporter reads /proc and /sys of its node (prometheus/node_exporter README); Grafana reads
                    // provisioned files and talks to Prometheus; Alertmanager talks to SMTP: none calls the API server.
                    _ => [],
                }, component switch
                {
                    "prometheus" => [new("list", "", "endpoints"), new("list", "", "secrets"), new("get", "", "configmaps", "kube-system"), new("create", "", "pods", "own")],
                    "kube-state-metrics" => [new("get", "", "secrets", "own"), new("update", "apps", "deployments", "own"), new("get", "", "nodes", Sub: "proxy", Name: "node-1")],
                    _ => [new("list", "", "pods"), new("get", "", "configmaps", "own"), new("list", "", "nodes")],
                })]);
            }
            case "fluent-bit" or "fluentd" or "elasticsearch" or "kibana":
            {
                var shipper = component == "fluentd" ? LogShipper.Fluentd : LogShipper.FluentBit;
                var b = LoggingBundle.Build(new LoggingOptions { Namespace = "log-rbac", Shipper = shipper });
                var workload = component is "fluent-bit" or "fluentd" ? Workloads(b).Single(w => w.Kind == "DaemonSet").Name : component;
                return (b, [("log-rbac", WorkloadSa(b, workload), component is "fluent-bit" or "fluentd"
                    // Fluent Bit's kubernetes filter (fluent/fluent-bit plugins/filter_kubernetes/kube_meta.c) and fluentd's
                    // kubernetes_metadata filter (fabric8io/fluent-plugin-kubernetes_metadata_filter README, RBAC section): get pods and namespaces, list/watch for the cache.
                    ? [.. Each("get,list,watch", "", "pods,namespaces")]
                    // Elasticsearch and Kibana talk to each other over HTTP only.
                    : [],
                    [new("list", "", "secrets"), new("get", "", "secrets", "log-rbac"), new("update", "", "pods", "log-rbac"), new("get", "", "nodes", Sub: "proxy", Name: "node-1")])]);
            }
            case "nfs-server":
            {
                var b = NfsStorageBundle.Build(new NfsStorageOptions { HostPath = "/srv/nfs", NodeName = "node-1", Namespace = "nfs-rbac" });
                // kubernetes-sigs/nfs-ganesha-server-and-external-provisioner deploy/kubernetes/rbac.yaml (nfs-provisioner-runner
                // and the leader-locking-nfs-provisioner Role: endpoints-based leader election in its namespace).
                return (b, [("nfs-rbac", NfsStorageBundle.ServerName, [.. Each("get,list,watch,create,delete", "", "persistentvolumes"), .. Each("get,list,watch,update", "", "persistentvolumeclaims"),
                    .. Each("get,list,watch", "storage.k8s.io", "storageclasses"), .. Each("create,update,patch", "", "events"), .. Each("get", "", "services,endpoints"),
                    .. Each("get,list,watch,create,update,patch", "", "endpoints", "nfs-rbac")],
                    [new("get", "", "secrets", "nfs-rbac"), new("update", "", "persistentvolumes"), new("create", "", "endpoints", "kube-system")])]);
            }
            case "csi-nfs":
            {
                var b = NfsStorageBundle.Build(new NfsStorageOptions { Server = "nas01.example.com", Share = "/k8s", Namespace = "csi-rbac" });
                var controller = Workloads(b).Single(w => w.Kind == "Deployment");
                var node = Workloads(b).Single(w => w.Kind == "DaemonSet");
                // kubernetes-csi/csi-driver-nfs deploy/rbac-csi-nfs.yaml: the external-provisioner and external-resizer sidecars
                // (kubernetes-csi/external-provisioner and external-resizer deploy/kubernetes/rbac.yaml); the node plugin calls nothing.
                return (b,
                [
                    ("csi-rbac", WorkloadSa(b, controller.Name),
                    [
                        .. Each("get,list,watch,create,patch,delete", "", "persistentvolumes"), .. Each("get,list,watch,update", "", "persistentvolumeclaims"),
                        .. Each("update,patch", "", "persistentvolumeclaims", sub: "status"), .. Each("get,list,watch", "storage.k8s.io", "storageclasses,csinodes"),
                        .. Each("list,watch,create,update,patch", "", "events"), .. Each("get,list,watch", "", "nodes"),
                        .. Each("get,list,watch,create,update,patch", "coordination.k8s.io", "leases", "csi-rbac"),
                    ],
                    // Upstream grants get secrets for StorageClasses that name provisioner secrets; the module's names none.
                    [new("get", "", "secrets", "csi-rbac", Name: "any"), new("list", "", "secrets"), new("delete", "", "persistentvolumeclaims", "default"), new("update", "storage.k8s.io", "storageclasses")]),
                    ("csi-rbac", WorkloadSa(b, node.Name), [], [new("get", "", "persistentvolumes"), new("list", "", "nodes"), new("get", "", "secrets", "csi-rbac")]),
                ]);
            }
            case "jenkins":
            {
                var b = JenkinsBundle.Build(new JenkinsOptions { Namespace = "ci-rbac" });
                // jenkinsci/kubernetes-plugin src/main/kubernetes/service-account.yml and README "Running on Kubernetes": agent
                // pods are created, watched, exec'd into, their logs read and events watched, in the controller's namespace.
                return (b,
                [
                    ("ci-rbac", JenkinsBundle.Name,
                    [.. Each("create,delete,get,list,patch,update,watch", "", "pods", "ci-rbac"), .. Each("create,get", "", "pods", "ci-rbac", "exec"),
                     .. Each("get,list,watch", "", "pods", "ci-rbac", "log"), .. Each("get,list,watch", "", "events", "ci-rbac")],
                    [new("create", "", "pods", "default"), new("list", "", "secrets", "ci-rbac"), new("create", "apps", "deployments", "ci-rbac")]),
                    // Agents get no rights: a pipeline's deploy step is granted rights where it deploys.
                    ("ci-rbac", JenkinsBundle.AgentServiceAccount, [], [new("list", "", "pods", "ci-rbac"), new("get", "", "secrets", "ci-rbac")]),
                ]);
            }
            case "app-manager" or "app-manager-cluster-wide":
            {
                var wide = component == "app-manager-cluster-wide";
                var ns = wide ? "am-wide" : "am-ns";
                // The cluster-wide manager's rights follow its manifests: here a custom kind, a ClusterRole with its
                // binding, and a RoleBinding to the built-in view role.
                var manifests = !wide ? new Dictionary<string, string>() : new Dictionary<string, string>
                {
                    ["widget.yaml"] = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\n",
                    ["node-reader.yaml"] = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: node-reader}\nrules:\n- {apiGroups: [''], resources: [nodes], verbs: [get, list]}\n---\n"
                        + "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: node-reader}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}\nsubjects:\n- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: ops}\n",
                    ["viewers.yaml"] = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: viewers, namespace: default}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: ops}\n",
                };
                var b = AppManagerBundle.Build(new AppManagerOptions { Namespace = ns, Name = "app-manager", ClusterWide = wide, Manifests = manifests });
                // Start-KoAppManager (src/KubeOpsPS.Engine/AppManager): server-side apply (patch), get, list and watch of
                // whatever its manifests contain, delete when pruning; here a Deployment, a ConfigMap and a Secret.
                Call[] own = [.. Each("get,list,watch,patch,create,update,delete", "apps", "deployments", ns), .. Each("get,list,watch,patch,create,update,delete", "", "configmaps,secrets,services", ns)];
                Call[] elsewhere = [.. Each("get,patch,delete", "apps", "deployments", "default"), .. Each("list,watch", "", "configmaps")];
                Call[] manifestKinds = [.. Each("get,list,patch,delete", "example.com", "widgets", "default"), .. Each("get,patch", "rbac.authorization.k8s.io", "clusterroles,clusterrolebindings"),
                    .. Each("get,list", "", "nodes"), new("bind", "rbac.authorization.k8s.io", "clusterroles", Name: "view")];
                Call[] rbacPowers = [new("deletecollection", "", "configmaps", ns)];
                // Nothing its manifests and its prune pass do not name: pods, volumes, other custom groups, other roles to bind.
                Call[] unnamed = [new("create", "", "pods", "default"), new("delete", "", "persistentvolumes"), new("list", "other.example.com", "gadgets"), new("bind", "rbac.authorization.k8s.io", "clusterroles", Name: "admin"), new("delete", "", "nodes")];
                return (b, [(ns, "app-manager", wide ? [.. own, .. elsewhere, .. manifestKinds] : own, wide ? [.. rbacPowers, .. unnamed] : [.. elsewhere, .. rbacPowers])]);
            }
            default:
                throw new ArgumentException(component);
        }
    }

    private static IEnumerable<(string Kind, string Name, V1PodSpec Pod)> Workloads(IReadOnlyList<object> bundle)
    {
        foreach (var o in bundle)
            switch (o)
            {
                case V1Deployment d: yield return ("Deployment", d.Metadata.Name, d.Spec.Template.Spec); break;
                case V1StatefulSet s: yield return ("StatefulSet", s.Metadata.Name, s.Spec.Template.Spec); break;
                case V1DaemonSet ds: yield return ("DaemonSet", ds.Metadata.Name, ds.Spec.Template.Spec); break;
                case V1Job j: yield return ("Job", j.Metadata.Name, j.Spec.Template.Spec); break;
            }
    }

    private static string WorkloadSa(IReadOnlyList<object> bundle, string workload) => Workloads(bundle).Single(w => w.Name == workload).Pod.ServiceAccountName ?? "default";

    private static string Sa(IReadOnlyList<object> bundle) => Workloads(bundle).Select(w => w.Pod.ServiceAccountName ?? "default").Distinct().Single();

    /// <summary>Applies the namespaces, ServiceAccounts and RBAC objects of a bundle as the cluster admin (created once per run).</summary>
    private async Task ApplyRbac(IReadOnlyList<object> bundle)
    {
        foreach (var o in bundle)
        {
            var path = o switch
            {
                V1Namespace => "/api/v1/namespaces",
                V1ServiceAccount sa => $"/api/v1/namespaces/{sa.Metadata.NamespaceProperty}/serviceaccounts",
                V1Role r => $"/apis/rbac.authorization.k8s.io/v1/namespaces/{r.Metadata.NamespaceProperty}/roles",
                V1RoleBinding rb => $"/apis/rbac.authorization.k8s.io/v1/namespaces/{rb.Metadata.NamespaceProperty}/rolebindings",
                V1ClusterRole => "/apis/rbac.authorization.k8s.io/v1/clusterroles",
                V1ClusterRoleBinding => "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
                _ => null,
            };
            if (path is null) continue;
            var r2 = await _h.Post(path, JsonNode.Parse(KubernetesJson.Serialize(o))!);
            Assert.True(r2.Code is 201 or 409, $"{path}: {r2.Text}");
        }
    }

    private static string PathOf(Call c, string ownNs)
    {
        var scope = c.Scope == "own" ? ownNs : c.Scope;
        var prefix = c.Group.Length == 0 ? "/api/v1" : $"/apis/{c.Group}/v1";
        var collection = scope.Length == 0 ? $"{prefix}/{c.Resource}" : $"{prefix}/namespaces/{scope}/{c.Resource}";
        return c.Name.Length > 0 ? $"{collection}/{c.Name}" : collection;
    }

    private async Task<bool> Allowed(HttpClient as_, Call c, string ownNs)
    {
        var ns = c.Scope == "own" ? ownNs : c.Scope;
        var spec = c.Path.Length > 0
            ? new JsonObject { ["nonResourceAttributes"] = new JsonObject { ["path"] = c.Path, ["verb"] = c.Verb } }
            : new JsonObject { ["resourceAttributes"] = new JsonObject { ["namespace"] = ns, ["verb"] = c.Verb, ["group"] = c.Group, ["resource"] = c.Resource, ["subresource"] = c.Sub, ["name"] = c.Name } };
        var r = await as_.Post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SelfSubjectAccessReview", ["spec"] = spec });
        Assert.True(r.Code == 201, r.Text);
        return r.Node("status.allowed")!.GetValue<bool>();
    }

    [Theory]
    [MemberData(nameof(Components))]
    public async Task EachComponentMayMakeItsCallsAndNoOthers(string component)
    {
        var (bundle, accounts) = Component(component);
        await ApplyRbac(bundle);
        var failures = new List<string>();
        // The cluster-wide app-manager prunes Secrets in every namespace and here applies a ClusterRoleBinding: it may read those; the rest stays out of its reach.
        var noBusiness = component == "app-manager-cluster-wide" ? NoBusiness.Where(c => c.Resource is not ("secrets" or "clusterrolebindings")).ToArray() : NoBusiness;
        foreach (var (ns, sa, allowed, denied) in accounts)
        {
            if ((await _h.Get($"/api/v1/namespaces/{ns}/serviceaccounts/{sa}")).Code == 404)
                Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts", J($$$"""{"metadata":{"name":"{{{sa}}}"}}"""))).Code);
            var token = (await _h.Post($"/api/v1/namespaces/{ns}/serviceaccounts/{sa}/token", J("""{"spec":{}}"""))).Str("status.token");
            using var http = FakeHttp.Client(_f.Cluster, token);
            foreach (var c in allowed)
                if (!await Allowed(http, c, ns)) failures.Add($"{ns}/{sa} may not {c} (it needs to)");
            foreach (var c in denied.Concat(noBusiness))
                if (await Allowed(http, c, ns)) failures.Add($"{ns}/{sa} may {c} (it has no business to)");
            // Real requests as well: the first allowed read, and the first refused read with the API server's message.
            if (allowed.FirstOrDefault(c => c.Verb == "list" && c.Path.Length == 0 && c.Sub.Length == 0) is { } read)
            {
                var live = await http.Get(PathOf(read, ns));
                Assert.True(live.Code == 200, $"{read}: {live.Text}");
            }
            if (denied.Concat(noBusiness).FirstOrDefault(c => ((c.Verb == "get" && c.Name.Length > 0) || c.Verb == "list") && c.Path.Length == 0 && c.Sub.Length == 0) is not { } no) continue;
            var refused = await http.Get(PathOf(no, ns));
            var scope = no.Scope == "own" ? ns : no.Scope;
            var qualified = no.Group.Length == 0 ? no.Resource : $"{no.Resource}.{no.Group}";
            Assert.Equal($"{qualified}{(no.Name.Length > 0 ? $" \"{no.Name}\"" : "")} is forbidden: User \"system:serviceaccount:{ns}:{sa}\" cannot {no.Verb} resource \"{no.Resource}\" in API group \"{no.Group}\" "
                + (scope.Length > 0 ? $"in the namespace \"{scope}\"" : "at the cluster scope"), refused.Str("message"));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
