using System.Net;
using System.Text.RegularExpressions;
using k8s.Models;
using KubeOpsPS.Engine.Validation;
using static KubeOpsPS.Engine.Manifests.Workloads.RbacBuilder;

namespace KubeOpsPS.Engine.Manifests.Storage;

/// <summary>Builds the objects of <see cref="NfsStorageOptions"/> in dependency order, ready for apply or for manifests.</summary>
public static partial class NfsStorageBundle
{
    public const string DefaultNamespace = "kubeops-storage";
    public const string ServerName = "nfs-server";
    public const string CsiDriverName = "nfs.csi.k8s.io";
    /// <summary>Where an in-cluster server keeps its data, written on its StorageClass so a delete can say where data stays.</summary>
    public const string HostPathAnnotation = "storage.kubeops.io/export-host-path";
    public const string NodeAnnotation = "storage.kubeops.io/export-node";
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";
    /// <summary>The directory the Ganesha server exports (its hostPath is mounted here).</summary>
    public const string ExportPath = "/export";

    private const string Rbac = ApiVersion;

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostNameRegex();

    /// <summary>The provisioner name of an in-cluster server: one per namespace, so two installs never race for a claim.</summary>
    public static string GaneshaProvisioner(string ns) => $"nfs.kubeops.io/{ns}";

    public static IReadOnlyList<object> Build(NfsStorageOptions o)
    {
        var ns = Validate.Label(o.Namespace, "-Namespace");
        var className = Validate.Subdomain(o.StorageClassName, "-StorageClassName");
        var mountOptions = (o.MountOptions ?? ["nfsvers=4.1"]).Select(m => MountOption(m)).ToList();
        if (o.Server is null && o.Share is null)
        {
            if (o.SubDir is not null) throw Validate.Invalid("-SubDir", o.SubDir, "-SubDir applies to an external server (-Server and -Share).");
            return InCluster(o, ns, className, mountOptions);
        }
        if (o.HostPath is not null || o.NodeName is not null)
            throw Validate.Invalid(o.HostPath is not null ? "-HostPath" : "-NodeName", o.HostPath ?? o.NodeName, "Give either -HostPath (an NFS server in the cluster) or -Server and -Share (an existing NFS server), not both.");
        return External(o, ns, className, mountOptions);
    }

    // ------------------------------------------------------------------ in-cluster server (NFS Ganesha)

    private static List<object> InCluster(NfsStorageOptions o, string ns, string className, List<string> mountOptions)
    {
        var hostPath = AbsolutePath(o.HostPath, "-HostPath");
        if (hostPath == "/") throw Validate.Invalid("-HostPath", o.HostPath, "-HostPath '/' would export the node's whole file system: give a directory for the NFS data, e.g. /srv/nfs.");
        var node = o.NodeName is null ? null : Validate.Subdomain(o.NodeName, "-NodeName");
        var policy = ReclaimPolicy(o.ReclaimPolicy ?? "Retain");
        var image = o.Image ?? Images.NfsGanesha.Reference;
        var provisioner = GaneshaProvisioner(ns);
        var clusterName = $"{ns}-{ServerName}";
        var labels = Labels(ServerName);
        V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };

        // The NFS protocol and its helpers, TCP and UDP, as the upstream example serves them.
        (string Name, int Port)[] nfsPorts = [("nfs", 2049), ("nlockmgr", 32803), ("mountd", 20048), ("rquotad", 875), ("rpcbind", 111), ("statd", 662)];
        var ports = nfsPorts.SelectMany(p => new[] { (Name: p.Name, p.Port, Protocol: "TCP"), (Name: p.Name + "-udp", p.Port, Protocol: "UDP") }).ToList();

        var objects = new List<object>
        {
            new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } },
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(ServerName) },
            new V1ClusterRole
            {
                ApiVersion = Rbac, Kind = "ClusterRole", Metadata = new V1ObjectMeta { Name = clusterName, Labels = labels },
                Rules =
                [
                    Rule("", ["persistentvolumes"], "get", "list", "watch", "create", "delete"),
                    Rule("", ["persistentvolumeclaims"], "get", "list", "watch", "update"),
                    Rule("storage.k8s.io", ["storageclasses"], "get", "list", "watch"),
                    Rule("", ["events"], "create", "update", "patch"),
                    Rule("", ["services", "endpoints"], "get"),
                ],
            },
            ClusterBinding(clusterName, labels, ServerName, ns),
            // Leader election on an Endpoints lock in its own namespace (upstream's leader-locking-nfs-provisioner Role).
            new V1Role
            {
                ApiVersion = Rbac, Kind = "Role", Metadata = Meta($"{ServerName}-leader-locking"),
                Rules = [Rule("", ["endpoints"], "get", "list", "watch", "create", "update", "patch")],
            },
            new V1RoleBinding
            {
                ApiVersion = Rbac, Kind = "RoleBinding", Metadata = Meta($"{ServerName}-leader-locking"),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = $"{ServerName}-leader-locking" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServerName, NamespaceProperty = ns }],
            },
            new V1Service
            {
                ApiVersion = "v1", Kind = "Service", Metadata = Meta(ServerName),
                Spec = new V1ServiceSpec
                {
                    Selector = new Dictionary<string, string> { [Workloads.PodTemplateBuilder.NameLabel] = ServerName },
                    Ports = ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, TargetPort = p.Port, Protocol = p.Protocol }).ToList(),
                },
            },
            new V1StatefulSet
            {
                ApiVersion = "apps/v1", Kind = "StatefulSet", Metadata = Meta(ServerName),
                Spec = new V1StatefulSetSpec
                {
                    Replicas = 1, // one server per export: Ganesha cannot share a directory between replicas
                    ServiceName = ServerName,
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [Workloads.PodTemplateBuilder.NameLabel] = ServerName } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                        Spec = new V1PodSpec
                        {
                            ServiceAccountName = ServerName,
                            // 10 s beyond Ganesha's 90 s grace period, so clients can reclaim their locks on a restart.
                            TerminationGracePeriodSeconds = 100,
                            NodeSelector = node is null ? null : new Dictionary<string, string> { ["kubernetes.io/hostname"] = node },
                            Containers =
                            [
                                new V1Container
                                {
                                    Name = ServerName,
                                    Image = image,
                                    ImagePullPolicy = "IfNotPresent",
                                    Args =
                                    [
                                        $"-provisioner={provisioner}",
                                        // File handles not tied to the device numbers: clients survive the pod's restart without ESTALE.
                                        "-device-based-fsids=false",
                                    ],
                                    Ports = ports.Select(p => new V1ContainerPort { Name = p.Name, ContainerPort = p.Port, Protocol = p.Protocol }).ToList(),
                                    Env =
                                    [
                                        FieldEnv("POD_IP", "status.podIP"),
                                        new V1EnvVar { Name = "SERVICE_NAME", Value = ServerName },
                                        FieldEnv("POD_NAMESPACE", "metadata.namespace"),
                                    ],
                                    SecurityContext = new V1SecurityContext { Capabilities = new V1Capabilities { Add = ["DAC_READ_SEARCH", "SYS_RESOURCE"] } },
                                    ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 2049 }, PeriodSeconds = 10 },
                                    Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m"), ["memory"] = new("64Mi") } },
                                    VolumeMounts = [new V1VolumeMount { Name = "export", MountPath = ExportPath }],
                                },
                            ],
                            Volumes = [new V1Volume { Name = "export", HostPath = new V1HostPathVolumeSource { Path = hostPath, Type = "DirectoryOrCreate" } }],
                        },
                    },
                },
            },
        };
        var annotations = new Dictionary<string, string> { [HostPathAnnotation] = hostPath };
        if (node is not null) annotations[NodeAnnotation] = node;
        objects.Add(StorageClass(o, className, provisioner, policy, mountOptions, null, annotations, labels));
        return objects;
    }

    // ------------------------------------------------------------------ external server (csi-driver-nfs)

    private static List<object> External(NfsStorageOptions o, string ns, string className, List<string> mountOptions)
    {
        var server = Server(o.Server);
        var share = AbsolutePath(o.Share, "-Share");
        var onDelete = OnDelete(o.OnDelete);
        var policy = ReclaimPolicy(o.ReclaimPolicy ?? "Delete");
        var plugin = o.Image ?? Images.CsiNfsPlugin.Reference;
        var parameters = new Dictionary<string, string> { ["server"] = server, ["share"] = share };
        if (o.SubDir is not null) parameters["subDir"] = SubDir(o.SubDir);
        parameters["onDelete"] = onDelete;
        const string Controller = "csi-nfs-controller", Node = "csi-nfs-node";
        var labels = Labels("csi-driver-nfs");
        V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string>(labels) };
        var provisionerRole = $"{ns}-csi-nfs-provisioner";
        var resizerRole = $"{ns}-csi-nfs-resizer";

        V1Container Plugin(int healthPort) => new()
        {
            Name = "nfs",
            Image = plugin,
            ImagePullPolicy = "IfNotPresent",
            Args = ["-v=2", "--nodeid=$(NODE_ID)", "--endpoint=$(CSI_ENDPOINT)"],
            Env = [FieldEnv("NODE_ID", "spec.nodeName"), new V1EnvVar { Name = "CSI_ENDPOINT", Value = "unix:///csi/csi.sock" }],
            // Mounting NFS shares for pods needs a privileged container with mount propagation back to the host.
            SecurityContext = new V1SecurityContext { Privileged = true, AllowPrivilegeEscalation = true, Capabilities = new V1Capabilities { Add = ["SYS_ADMIN"], Drop = ["ALL"] } },
            LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Host = "localhost", Path = "/healthz", Port = healthPort }, InitialDelaySeconds = 30, TimeoutSeconds = 10, PeriodSeconds = 30, FailureThreshold = 5 },
            VolumeMounts =
            [
                new V1VolumeMount { Name = "socket-dir", MountPath = "/csi" },
                new V1VolumeMount { Name = "pods-mount-dir", MountPath = "/var/lib/kubelet/pods", MountPropagation = "Bidirectional" },
            ],
            Resources = Small("300Mi"),
        };
        V1Container Sidecar(string name, ImageRef image, params string[] args) => new()
        {
            Name = name, Image = image.Reference, Args = args,
            VolumeMounts = [new V1VolumeMount { Name = "socket-dir", MountPath = "/csi" }],
            SecurityContext = new V1SecurityContext { Capabilities = new V1Capabilities { Drop = ["ALL"] } },
            Resources = Small("200Mi"),
        };
        var podNamespaceEnv = new List<V1EnvVar> { new() { Name = "ADDRESS", Value = "/csi/csi.sock" }, FieldEnv("POD_NAMESPACE", "metadata.namespace") };
        var provisioner = Sidecar("csi-provisioner", Images.CsiProvisioner, "-v=2", "--csi-address=$(ADDRESS)", "--leader-election", "--leader-election-namespace=$(POD_NAMESPACE)", "--extra-create-metadata=true", "--timeout=1200s");
        provisioner.Env = podNamespaceEnv;
        var resizer = Sidecar("csi-resizer", Images.CsiResizer, "-v=2", "-csi-address=$(ADDRESS)", "-leader-election", "--leader-election-namespace=$(POD_NAMESPACE)", "-handle-volume-inuse-error=false");
        resizer.Env = podNamespaceEnv.Select(e => e).ToList();
        var registrar = Sidecar("node-driver-registrar", Images.CsiNodeDriverRegistrar, "--v=2", "--csi-address=/csi/csi.sock", "--kubelet-registration-path=$(DRIVER_REG_SOCK_PATH)");
        registrar.Env = [new V1EnvVar { Name = "DRIVER_REG_SOCK_PATH", Value = "/var/lib/kubelet/plugins/csi-nfsplugin/csi.sock" }, FieldEnv("KUBE_NODE_NAME", "spec.nodeName")];
        registrar.VolumeMounts.Add(new V1VolumeMount { Name = "registration-dir", MountPath = "/registration" });
        var podsDir = new V1Volume { Name = "pods-mount-dir", HostPath = new V1HostPathVolumeSource { Path = "/var/lib/kubelet/pods", Type = "Directory" } };
        var linux = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" };
        var seccomp = new V1PodSecurityContext { SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } };

        var objects = new List<object>
        {
            new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } },
            new V1CSIDriver
            {
                ApiVersion = "storage.k8s.io/v1", Kind = "CSIDriver", Metadata = new V1ObjectMeta { Name = CsiDriverName, Labels = labels },
                Spec = new V1CSIDriverSpec { AttachRequired = false, VolumeLifecycleModes = ["Persistent"], FsGroupPolicy = "File" },
            },
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(Controller) },
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = Meta(Node) },
            new V1ClusterRole
            {
                ApiVersion = Rbac, Kind = "ClusterRole", Metadata = new V1ObjectMeta { Name = provisionerRole, Labels = labels },
                Rules =
                [
                    Rule("", ["persistentvolumes"], "get", "list", "watch", "create", "patch", "delete"),
                    Rule("", ["persistentvolumeclaims"], "get", "list", "watch", "update"),
                    Rule("storage.k8s.io", ["storageclasses", "csinodes"], "get", "list", "watch"),
                    Rule("", ["events"], "get", "list", "watch", "create", "update", "patch"),
                    Rule("", ["nodes"], "get", "list", "watch"),
                    Rule("coordination.k8s.io", ["leases"], "get", "list", "watch", "create", "update", "patch"),
                    // No secrets: the provisioner reads one only when a StorageClass names provisioner secrets, and ours does not.
                ],
            },
            ClusterBinding(provisionerRole, labels, Controller, ns),
            new V1ClusterRole
            {
                ApiVersion = Rbac, Kind = "ClusterRole", Metadata = new V1ObjectMeta { Name = resizerRole, Labels = labels },
                Rules =
                [
                    Rule("", ["persistentvolumes"], "get", "list", "watch", "update", "patch"),
                    Rule("", ["persistentvolumeclaims"], "get", "list", "watch"),
                    Rule("", ["persistentvolumeclaims/status"], "update", "patch"),
                    Rule("", ["events"], "list", "watch", "create", "update", "patch"),
                    Rule("coordination.k8s.io", ["leases"], "get", "list", "watch", "create", "update", "patch"),
                ],
            },
            ClusterBinding(resizerRole, labels, Controller, ns),
            new V1Deployment
            {
                ApiVersion = "apps/v1", Kind = "Deployment", Metadata = Meta(Controller),
                Spec = new V1DeploymentSpec
                {
                    Replicas = 1,
                    Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 0, MaxUnavailable = 1 } },
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [Workloads.PodTemplateBuilder.NameLabel] = Controller } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) { [Workloads.PodTemplateBuilder.NameLabel] = Controller } },
                        Spec = new V1PodSpec
                        {
                            HostNetwork = true, // the controller mounts the share itself to create and remove directories
                            DnsPolicy = "ClusterFirstWithHostNet",
                            ServiceAccountName = Controller,
                            NodeSelector = linux,
                            PriorityClassName = "system-cluster-critical",
                            SecurityContext = seccomp,
                            Tolerations =
                            [
                                new V1Toleration { Key = "node-role.kubernetes.io/control-plane", OperatorProperty = "Exists", Effect = "NoSchedule" },
                                new V1Toleration { Key = "CriticalAddonsOnly", OperatorProperty = "Exists", Effect = "NoSchedule" },
                            ],
                            Containers = [provisioner, resizer, Sidecar("liveness-probe", Images.CsiLivenessProbe, "--csi-address=/csi/csi.sock", "--probe-timeout=3s", "--http-endpoint=localhost:29652", "--v=2"), Plugin(29652)],
                            Volumes = [podsDir, new V1Volume { Name = "socket-dir", EmptyDir = new V1EmptyDirVolumeSource() }],
                        },
                    },
                },
            },
            new V1DaemonSet
            {
                ApiVersion = "apps/v1", Kind = "DaemonSet", Metadata = Meta(Node),
                Spec = new V1DaemonSetSpec
                {
                    UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = 1 } },
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [Workloads.PodTemplateBuilder.NameLabel] = Node } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) { [Workloads.PodTemplateBuilder.NameLabel] = Node } },
                        Spec = new V1PodSpec
                        {
                            HostNetwork = true, // NFS connections would break when the pod's network goes away
                            DnsPolicy = "ClusterFirstWithHostNet",
                            ServiceAccountName = Node,
                            NodeSelector = new Dictionary<string, string>(linux),
                            PriorityClassName = "system-node-critical",
                            SecurityContext = seccomp,
                            Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
                            Containers = [Sidecar("liveness-probe", Images.CsiLivenessProbe, "--csi-address=/csi/csi.sock", "--probe-timeout=3s", "--http-endpoint=localhost:29653", "--v=2"), registrar, Plugin(29653)],
                            Volumes =
                            [
                                new V1Volume { Name = "socket-dir", HostPath = new V1HostPathVolumeSource { Path = "/var/lib/kubelet/plugins/csi-nfsplugin", Type = "DirectoryOrCreate" } },
                                podsDir,
                                new V1Volume { Name = "registration-dir", HostPath = new V1HostPathVolumeSource { Path = "/var/lib/kubelet/plugins_registry", Type = "Directory" } },
                            ],
                        },
                    },
                },
            },
        };
        objects.Add(StorageClass(o, className, CsiDriverName, policy, mountOptions, parameters, null, labels));
        return objects;
    }

    // ------------------------------------------------------------------ shared parts and validation

    private static V1StorageClass StorageClass(NfsStorageOptions o, string name, string provisioner, string policy, List<string> mountOptions,
        Dictionary<string, string>? parameters, Dictionary<string, string>? annotations, Dictionary<string, string> labels)
    {
        annotations ??= [];
        if (o.Default) annotations[DefaultClassAnnotation] = "true";
        return new V1StorageClass
        {
            ApiVersion = "storage.k8s.io/v1", Kind = "StorageClass",
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string>(labels), Annotations = annotations.Count == 0 ? null : annotations },
            Provisioner = provisioner,
            Parameters = parameters,
            ReclaimPolicy = policy,
            VolumeBindingMode = "Immediate",
            MountOptions = mountOptions.Count == 0 ? null : mountOptions,
        };
    }

    private static Dictionary<string, string> Labels(string name) => new() { [Workloads.PodTemplateBuilder.NameLabel] = name, ["app.kubernetes.io/part-of"] = "kubeops-storage" };

    private static V1EnvVar FieldEnv(string name, string path) => new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } } };

    private static V1ResourceRequirements Small(string memoryLimit) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("20Mi") },
        Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(memoryLimit) },
    };

    /// <summary>Retain or Delete, in canonical spelling (Recycle is deprecated and scrubs the data).</summary>
    public static string ReclaimPolicy(string? value) => value?.ToLowerInvariant() switch
    {
        "retain" => "Retain",
        "delete" => "Delete",
        _ => throw Validate.Invalid("-ReclaimPolicy", value, $"-ReclaimPolicy '{value}' must be Retain (the volume and its data stay when the claim is deleted) or Delete."),
    };

    /// <summary>csi-driver-nfs onDelete: retain, archive or delete (the driver's spelling is lower case).</summary>
    public static string OnDelete(string? value) => value?.ToLowerInvariant() switch
    {
        "retain" or "archive" or "delete" => value.ToLowerInvariant(),
        _ => throw Validate.Invalid("-OnDelete", value, $"-OnDelete '{value}' must be Retain (keep the directory), Archive (rename it archived-<name>) or Delete (remove it)."),
    };

    /// <summary>An absolute POSIX path without '..' segments or control characters; trailing slashes removed.</summary>
    public static string AbsolutePath(string? value, string field)
    {
        Validate.Required(value, field);
        if (!value!.StartsWith('/'))
            throw Validate.Invalid(field, value, $"{field} '{value}' must be an absolute path on the node, e.g. /srv/nfs.");
        if (value.Any(char.IsControl) || value.Split('/').Any(s => s is ".." or "."))
            throw Validate.Invalid(field, value, $"{field} '{value}' must be a plain absolute path: no '.' or '..' segments and no control characters.");
        var trimmed = value.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    private static string Server(string? value)
    {
        Validate.Required(value, "-Server");
        if (IPAddress.TryParse(value, out _) || HostNameRegex().IsMatch(value!)) return value!;
        throw Validate.Invalid("-Server", value, $"-Server '{value}' is not a host name or an IP address.");
    }

    private static string SubDir(string value)
    {
        if (value.Length == 0 || value.StartsWith('/') || value.Any(char.IsControl) || value.Split('/').Any(s => s is ".." or "." or ""))
            throw Validate.Invalid("-SubDir", value, $"-SubDir '{value}' must be a relative path under the share, e.g. ${{pvc.metadata.namespace}}/${{pvc.metadata.name}}.");
        return value;
    }

    private static string MountOption(string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ','))
            throw Validate.Invalid("-MountOption", value, $"-MountOption '{value}' must be one mount option without spaces or commas, e.g. nfsvers=4.1 or hard.");
        return value;
    }
}
