using System.Globalization;
using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>
/// The objects of an NGINX Ingress controller, in dependency order: Namespace, ServiceAccount, RBAC, ConfigMap,
/// IngressClass, Deployment or DaemonSet, Service. No admission webhook is installed for ingress-nginx (the path of
/// CVE-2025-1974, and it needs certificate jobs); bad Ingresses show up in the controller's log instead.
/// </summary>
public static class IngressControllerBundle
{
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";
    private const string Rbac = "rbac.authorization.k8s.io/v1";

    public static IReadOnlyList<object> Build(IngressControllerOptions o)
    {
        var profile = IngressControllerProfile.For(o.Controller);
        var ns = Validate.Label(o.Namespace ?? profile.DefaultNamespace, "-Namespace");
        var name = profile.DefaultNamespace; // nginx-ingress / ingress-nginx: the name the upstream manifests use
        Validate.Port(o.HttpPort, "-HttpPort");
        Validate.Port(o.HttpsPort, "-HttpsPort");
        if (o.HttpPort == o.HttpsPort) throw Validate.Invalid("-HttpsPort", o.HttpsPort, $"-HttpPort and -HttpsPort are both {o.HttpPort}: give two different ports.");
        if (o.NodePort is { } np) Validate.Port(np, "-NodePort");
        if (o.HttpsNodePort is { } hnp) Validate.Port(hnp, "-HttpsNodePort");
        if (o.HostNetwork && (o.NodePort is not null || o.HttpsNodePort is not null))
            throw Validate.Invalid("-NodePort", o.NodePort ?? o.HttpsNodePort, "-HostNetwork and -NodePort are two ways to expose the controller: choose one.");
        if (o.Replicas < 1) throw Validate.Invalid("-Replicas", o.Replicas, "-Replicas must be at least 1.");
        if (o.WatchNamespace is not null) Validate.Label(o.WatchNamespace, "-WatchNamespace");
        var className = Validate.Subdomain(o.IngressClassName, "-IngressClassName");
        (string Namespace, string Name)? defaultBackend = o.DefaultBackend is null ? null : BackendReference(o.DefaultBackend, ns);
        var config = o.Config.ToDictionary(e => Validate.ConfigKey(e.Key, "-Config"), e => e.Value);
        var image = o.Image ?? (o.Controller == IngressController.IngressNginx ? Images.IngressNginx : Images.NginxIngress).Reference;
        Validate.Image(image, "-Image");

        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/component"] = "controller", ["app.kubernetes.io/part-of"] = "kubeopsps" };
        var selector = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/component"] = "controller" };
        var configMapName = o.Controller == IngressController.IngressNginx ? "ingress-nginx-controller" : "nginx-config";
        var serviceName = o.Controller == IngressController.IngressNginx ? "ingress-nginx-controller" : name;

        var objects = new List<object>();
        objects.Add(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
        objects.Add(new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(name, ns, labels) });
        objects.Add(new V1ClusterRole { ApiVersion = Rbac, Kind = "ClusterRole", Metadata = Meta(ClusterScopedName(name, ns), null, labels), Rules = ClusterRules(o.Controller) });
        objects.Add(new V1ClusterRoleBinding
        {
            ApiVersion = Rbac, Kind = "ClusterRoleBinding", Metadata = Meta(ClusterScopedName(name, ns), null, labels),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = ClusterScopedName(name, ns) },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns }],
        });
        objects.Add(new V1Role { ApiVersion = Rbac, Kind = "Role", Metadata = Meta(name, ns, labels), Rules = NamespaceRules(o.Controller, name) });
        objects.Add(new V1RoleBinding
        {
            ApiVersion = Rbac, Kind = "RoleBinding", Metadata = Meta(name, ns, labels),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns }],
        });
        objects.Add(new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = Meta(configMapName, ns, labels), Data = config.Count == 0 ? null : config });
        objects.Add(new V1IngressClass
        {
            ApiVersion = "networking.k8s.io/v1", Kind = "IngressClass",
            Metadata = new V1ObjectMeta
            {
                Name = className, Labels = new Dictionary<string, string>(labels),
                Annotations = o.AsDefaultClass ? new Dictionary<string, string> { [DefaultClassAnnotation] = "true" } : null,
            },
            Spec = new V1IngressClassSpec { Controller = profile.ControllerClass },
        });

        var pod = PodSpec(o, name, ns, configMapName, serviceName, className, defaultBackend, image);
        var template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) }, Spec = pod };
        objects.Add(o.DaemonSet
            ? new V1DaemonSet { ApiVersion = "apps/v1", Kind = "DaemonSet", Metadata = Meta(name, ns, labels), Spec = new V1DaemonSetSpec { Selector = new V1LabelSelector { MatchLabels = selector }, Template = template } }
            : new V1Deployment { ApiVersion = "apps/v1", Kind = "Deployment", Metadata = Meta(name, ns, labels), Spec = new V1DeploymentSpec { Replicas = o.Replicas, Selector = new V1LabelSelector { MatchLabels = selector }, Template = template } });

        var externalIps = o.ExternalIPs.Select(ip => Validate.IpAddress(ip, "-ExternalIP")).ToList();
        objects.Add(new V1Service
        {
            ApiVersion = "v1", Kind = "Service", Metadata = Meta(serviceName, ns, labels),
            Spec = new V1ServiceSpec
            {
                Type = o.HostNetwork ? "ClusterIP" : "NodePort",
                Selector = selector,
                ExternalIPs = externalIps.Count == 0 ? null : externalIps,
                Ports =
                [
                    new V1ServicePort { Name = "http", Port = o.HostNetwork ? o.HttpPort : 80, TargetPort = "http", NodePort = o.NodePort, Protocol = "TCP" },
                    new V1ServicePort { Name = "https", Port = o.HostNetwork ? o.HttpsPort : 443, TargetPort = "https", NodePort = o.HttpsNodePort, Protocol = "TCP" },
                ],
            },
        });
        if (defaultBackend is not null && o.Controller == IngressController.NginxInc)
        {
            // F5 NGINX has no default-backend flag: a class-wide Ingress with only spec.defaultBackend catches what no rule matches.
            var (backendNs, backendName) = defaultBackend.Value;
            objects.Add(new V1Ingress
            {
                ApiVersion = "networking.k8s.io/v1", Kind = "Ingress", Metadata = Meta("default-backend", backendNs, labels),
                Spec = new V1IngressSpec
                {
                    IngressClassName = className,
                    DefaultBackend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = backendName, Port = new V1ServiceBackendPort { Number = 80 } } },
                },
            });
        }
        return objects;
    }

    private static V1PodSpec PodSpec(IngressControllerOptions o, string name, string ns, string configMapName, string serviceName, string className,
        (string Namespace, string Name)? defaultBackend, string image)
    {
        var p = (int v) => v.ToString(CultureInfo.InvariantCulture);
        List<string> args;
        V1Probe readiness;
        List<V1ContainerPort> ports =
        [
            new() { Name = "http", ContainerPort = o.HttpPort, HostPort = o.HostNetwork ? o.HttpPort : null, Protocol = "TCP" },
            new() { Name = "https", ContainerPort = o.HttpsPort, HostPort = o.HostNetwork ? o.HttpsPort : null, Protocol = "TCP" },
        ];
        if (o.Controller == IngressController.IngressNginx)
        {
            args =
            [
                "/nginx-ingress-controller",
                $"--election-id={ElectionId(name)}",
                $"--controller-class={IngressControllerProfile.IngressNginx.ControllerClass}",
                $"--ingress-class={className}",
                $"--configmap=$(POD_NAMESPACE)/{configMapName}",
                $"--publish-service=$(POD_NAMESPACE)/{serviceName}",
                $"--http-port={p(o.HttpPort)}",
                $"--https-port={p(o.HttpsPort)}",
            ];
            if (o.WatchNamespace is not null) args.Add($"--watch-namespace={o.WatchNamespace}");
            if (defaultBackend is { } b) args.Add($"--default-backend-service={b.Namespace}/{b.Name}");
            readiness = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 10254, Scheme = "HTTP" }, PeriodSeconds = 10 };
            ports.Add(new V1ContainerPort { Name = "metrics", ContainerPort = 10254, Protocol = "TCP" });
        }
        else
        {
            args =
            [
                $"-nginx-configmaps=$(POD_NAMESPACE)/{configMapName}",
                $"-ingress-class={className}",
                "-enable-custom-resources=false",
                "-report-ingress-status",
                $"-external-service={serviceName}",
                $"-default-http-listener-port={p(o.HttpPort)}",
                $"-default-https-listener-port={p(o.HttpsPort)}",
                "-ready-status",
                "-ready-status-port=8081",
            ];
            if (o.WatchNamespace is not null) args.Add($"-watch-namespace={o.WatchNamespace}");
            readiness = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/nginx-ready", Port = "readiness-port" }, PeriodSeconds = 1 };
            ports.Add(new V1ContainerPort { Name = "readiness-port", ContainerPort = 8081, Protocol = "TCP" });
        }
        return new V1PodSpec
        {
            ServiceAccountName = name,
            HostNetwork = o.HostNetwork ? true : null,
            DnsPolicy = o.HostNetwork ? "ClusterFirstWithHostNet" : null,
            NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" },
            TerminationGracePeriodSeconds = 300,
            SecurityContext = new V1PodSecurityContext { SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
            Containers =
            [
                new V1Container
                {
                    Name = "controller", Image = image, Args = args, Ports = ports, ReadinessProbe = readiness,
                    Env =
                    [
                        new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                        new V1EnvVar { Name = "POD_NAMESPACE", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
                    ],
                    Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") } },
                    SecurityContext = new V1SecurityContext
                    {
                        RunAsUser = 101, RunAsNonRoot = true, AllowPrivilegeEscalation = o.Controller == IngressController.IngressNginx,
                        Capabilities = new V1Capabilities { Drop = ["ALL"], Add = ["NET_BIND_SERVICE"] },
                    },
                },
            ],
        };
    }

    /// <summary>A ClusterRole name that stays unique when the same controller is installed in two namespaces.</summary>
    private static string ClusterScopedName(string name, string ns) => ns == name ? name : $"{name}-{ns}";

    private static (string Namespace, string Name) BackendReference(string value, string ns)
    {
        var parts = value.Split('/');
        return parts.Length switch
        {
            1 => (ns, Validate.Dns1035(parts[0], "-DefaultBackend")),
            2 => (Validate.Label(parts[0], "-DefaultBackend"), Validate.Dns1035(parts[1], "-DefaultBackend")),
            _ => throw Validate.Invalid("-DefaultBackend", value, $"-DefaultBackend '{value}' must be a service name or namespace/name."),
        };
    }

    private static V1ObjectMeta Meta(string name, string? ns, Dictionary<string, string> labels) =>
        new() { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };

    private static V1PolicyRule Rule(string group, string[] resources, params string[] verbs) => new() { ApiGroups = [group], Resources = resources, Verbs = verbs };

    private static List<V1PolicyRule> ClusterRules(IngressController controller)
    {
        List<V1PolicyRule> rules =
        [
            Rule("", ["configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"], "list", "watch"),
            Rule("", ["nodes"], "get"),
            Rule("", ["services"], "get", "list", "watch"),
            Rule("", ["events"], "create", "patch"),
            Rule("discovery.k8s.io", ["endpointslices"], "get", "list", "watch"),
            Rule("networking.k8s.io", ["ingresses", "ingressclasses"], "get", "list", "watch"),
            Rule("networking.k8s.io", ["ingresses/status"], "update"),
        ];
        if (controller == IngressController.NginxInc) rules.Add(Rule("", ["services"], "update", "patch")); // -report-ingress-status via -external-service
        return rules;
    }

    /// <summary>The lock ingress-nginx's leader election holds (--election-id).</summary>
    public static string ElectionId(string name) => name + "-leader";

    /// <summary>
    /// The controller's rights in its own namespace. ingress-nginx, as its chart's controller-role.yaml grants them
    /// (kubernetes/ingress-nginx charts/ingress-nginx/templates/controller-role.yaml): its election lock, a Lease (and
    /// the ConfigMap of the same name older releases used), read and updated by name only; create cannot be limited to
    /// a name. F5 NGINX (nginx/kubernetes-ingress deployments/rbac/rbac.yaml) grants leases and configmaps without names.
    /// </summary>
    private static List<V1PolicyRule> NamespaceRules(IngressController controller, string name)
    {
        List<V1PolicyRule> rules = [Rule("", ["configmaps", "pods", "secrets"], "get")];
        if (controller == IngressController.IngressNginx)
            rules.AddRange(
            [
                new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps"], ResourceNames = [ElectionId(name)], Verbs = ["get", "update"] },
                Rule("", ["configmaps"], "create"),
                new V1PolicyRule { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], ResourceNames = [ElectionId(name)], Verbs = ["get", "update"] },
                Rule("coordination.k8s.io", ["leases"], "create"),
            ]);
        else
            rules.AddRange([Rule("", ["configmaps"], "create", "update"), Rule("coordination.k8s.io", ["leases"], "get", "create", "update")]);
        return rules;
    }
}
