using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>A resource the fake serves (one row of discovery).</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Singular, string Kind, bool Namespaced, string[] ShortNames, string[] Categories, bool TracksGeneration)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    /// <summary>"deployments.apps" or "configmaps", as error messages name resources.</summary>
    public string Qualified => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
    /// <summary>Kinds that a real cluster serves from CRDs (Gateway API, and every established CRD): no strategic merge patch, no typed validation.</summary>
    public bool IsCustom => Group == "gateway.networking.k8s.io" || Custom is not null;

    /// <summary>For a version served from a CustomResourceDefinition: its schema and subresources.</summary>
    public CustomVersion? Custom { get; init; }
}

/// <summary>One served version of a CRD: the structural schema, the storage version, the status and scale subresources.</summary>
public sealed record CustomVersion(JsonObject? Schema, string StorageVersion, bool Status, JsonObject? Scale, string ListKind);

/// <summary>
/// What the fake serves: the kinds `kubectl api-resources` lists on a v1.32 cluster (the authentication and
/// authorization review APIs excepted) plus Gateway API. A new kind is one row here; kinds without CRUD semantics
/// (reviews) add their handler in Api.RouteAsync beside the service proxy.
/// </summary>
public static class ResourceTypes
{
    private static ResourceType R(string g, string v, string plural, string kind, bool ns, string[]? shorts = null, string[]? cats = null, bool gen = false) =>
        new(g, v, plural, kind.ToLowerInvariant(), kind, ns, shorts ?? [], cats ?? [], gen);

    public static readonly IReadOnlyList<ResourceType> All =
    [
        R("", "v1", "namespaces", "Namespace", false, ["ns"]),
        R("", "v1", "configmaps", "ConfigMap", true, ["cm"]),
        R("", "v1", "secrets", "Secret", true),
        R("", "v1", "services", "Service", true, ["svc"], ["all"]),
        R("", "v1", "pods", "Pod", true, ["po"], ["all"]),
        R("", "v1", "serviceaccounts", "ServiceAccount", true, ["sa"]),
        R("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"]),
        R("", "v1", "persistentvolumes", "PersistentVolume", false, ["pv"]),
        R("", "v1", "nodes", "Node", false, ["no"]),
        R("", "v1", "events", "Event", true, ["ev"]),
        R("", "v1", "endpoints", "Endpoints", true, ["ep"]),
        R("", "v1", "limitranges", "LimitRange", true, ["limits"]),
        R("", "v1", "podtemplates", "PodTemplate", true),
        R("", "v1", "replicationcontrollers", "ReplicationController", true, ["rc"], ["all"], true),
        R("", "v1", "resourcequotas", "ResourceQuota", true, ["quota"]),
        R("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false, null, ["api-extensions"], true),
        R("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false, null, ["api-extensions"], true),
        R("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", false, null, ["api-extensions"], true),
        R("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false, null, ["api-extensions"], true),
        R("apiregistration.k8s.io", "v1", "apiservices", "APIService", false, null, ["api-extensions"]),
        R("apps", "v1", "deployments", "Deployment", true, ["deploy"], ["all"], true),
        R("apps", "v1", "replicasets", "ReplicaSet", true, ["rs"], ["all"], true),
        R("apps", "v1", "statefulsets", "StatefulSet", true, ["sts"], ["all"], true),
        R("apps", "v1", "daemonsets", "DaemonSet", true, ["ds"], ["all"], true),
        R("apps", "v1", "controllerrevisions", "ControllerRevision", true),
        R("networking.k8s.io", "v1", "ingresses", "Ingress", true, ["ing"], null, true),
        R("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false),
        R("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, ["netpol"], null, true),
        R("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ["hpa"], ["all"], true),
        R("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ["hpa"], ["all"], true),
        R("batch", "v1", "jobs", "Job", true, null, ["all"], true),
        R("batch", "v1", "cronjobs", "CronJob", true, ["cj"], ["all"], true),
        R("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, ["sc"]),
        R("storage.k8s.io", "v1", "csidrivers", "CSIDriver", false),
        R("storage.k8s.io", "v1", "csinodes", "CSINode", false),
        R("storage.k8s.io", "v1", "csistoragecapacities", "CSIStorageCapacity", true),
        R("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", false),
        R("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", false, ["csr"]),
        R("coordination.k8s.io", "v1", "leases", "Lease", true),
        R("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
        R("events.k8s.io", "v1", "events", "Event", true, ["ev"]),
        R("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "FlowSchema", false, null, null, true),
        R("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", "PriorityLevelConfiguration", false, null, null, true),
        R("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false),
        R("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, ["pc"]),
        R("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
        R("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
        R("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
        R("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
        R("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, ["pdb"], null, true),
        R("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"], null, true),
        R("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true, null, null, true),
        R("gateway.networking.k8s.io", "v1", "gateways", "Gateway", true, ["gtw"], null, true),
        R("gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass", false, ["gc"], null, true),
        R("gateway.networking.k8s.io", "v1", "listenersets", "ListenerSet", true, ["lset"], null, true),
        // Create-only APIs served by Auth/AccessApis.cs.
        R("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
        R("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
        R("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false),
        R("authorization.k8s.io", "v1", "localsubjectaccessreviews", "LocalSubjectAccessReview", true),
        R("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", false),
        R("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false),
    ];

    /// <summary>The access reviews and TokenReview: POST only, nothing stored.</summary>
    public static bool IsCreateOnly(ResourceType r) => r.Group is "authorization.k8s.io" or "authentication.k8s.io";

    /// <summary>The subresources served: status for workloads and a few core kinds, scale for the scalable workloads, finalize for namespaces.</summary>
    public static bool HasSubresource(ResourceType r, string sub) => r.Custom is { } c ? (sub == "status" && c.Status) || (sub == "scale" && c.Scale is not null) : sub switch
    {
        "status" => r.Kind is "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Pod" or "Service" or "PersistentVolumeClaim" or "Namespace" or "Ingress" or "Job" or "CronJob" or "PersistentVolume" or "Node" or "PodDisruptionBudget" or "CustomResourceDefinition" or "HTTPRoute" or "Gateway" or "GatewayClass" or "ListenerSet"
            or "ReplicationController" or "ResourceQuota" or "HorizontalPodAutoscaler" or "CertificateSigningRequest" or "APIService" or "FlowSchema" or "PriorityLevelConfiguration" or "ValidatingAdmissionPolicy" or "VolumeAttachment",
        "scale" => r.Kind is "Deployment" or "StatefulSet" or "ReplicaSet" or "ReplicationController",
        "finalize" => r.Kind == "Namespace",
        "approval" => r.Kind == "CertificateSigningRequest",
        "eviction" => r.Kind == "Pod" && r.Custom is null,
        _ => false,
    };

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    public static ResourceType? ByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(r => r.GroupVersion == apiVersion && r.Kind == kind);

    private static IEnumerable<string> GroupsOf(IEnumerable<ResourceType> types) => types.Where(r => r.Group.Length > 0).Select(r => r.Group).Distinct();

    public static IEnumerable<string> Groups => GroupsOf(All);

    /// <summary>A group's served versions, the preferred one first.</summary>
    public static IEnumerable<string> VersionsOf(string group, IEnumerable<ResourceType>? types = null) => (types ?? All).Where(r => r.Group == group).Select(r => r.Version).Distinct();

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    /// <summary>The group list, with the groups of the established CRDs (<paramref name="custom"/>) after the built-in ones.</summary>
    public static JsonObject GroupList(IReadOnlyList<ResourceType> custom)
    {
        var groups = new JsonArray();
        var served = All.Concat(custom).ToList();
        foreach (var g in GroupsOf(served))
        {
            var versions = new JsonArray(VersionsOf(g, served).Select(v => (JsonNode?)new JsonObject { ["groupVersion"] = $"{g}/{v}", ["version"] = v }).ToArray());
            groups.Add(new JsonObject { ["name"] = g, ["versions"] = versions, ["preferredVersion"] = versions[0]!.DeepClone() });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject ResourceList(string groupVersion, IReadOnlyList<ResourceType> custom)
    {
        var resources = new JsonArray();
        foreach (var r in All.Concat(custom).Where(r => r.GroupVersion == groupVersion))
        {
            var verbs = IsCreateOnly(r) ? new JsonArray("create")
                : r.Namespaced || r.Kind != "Namespace"
                ? new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
                : new JsonArray("create", "delete", "get", "list", "patch", "update", "watch");
            var entry = new JsonObject { ["name"] = r.Plural, ["singularName"] = r.Singular, ["namespaced"] = r.Namespaced, ["kind"] = r.Kind, ["verbs"] = verbs };
            if (r.ShortNames.Length > 0) entry["shortNames"] = new JsonArray(r.ShortNames.Select(s => (JsonNode?)s).ToArray());
            if (r.Categories.Length > 0) entry["categories"] = new JsonArray(r.Categories.Select(s => (JsonNode?)s).ToArray());
            resources.Add(entry);
            if (HasSubresource(r, "status"))
                resources.Add(new JsonObject { ["name"] = r.Plural + "/status", ["singularName"] = "", ["namespaced"] = r.Namespaced, ["kind"] = r.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            if (HasSubresource(r, "eviction"))
                resources.Add(new JsonObject { ["name"] = "pods/eviction", ["singularName"] = "", ["namespaced"] = true, ["group"] = "policy", ["version"] = "v1", ["kind"] = "Eviction", ["verbs"] = new JsonArray("create") });
            if (HasSubresource(r, "approval"))
                resources.Add(new JsonObject { ["name"] = r.Plural + "/approval", ["singularName"] = "", ["namespaced"] = false, ["kind"] = r.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            if (r.Kind == "ServiceAccount")
                resources.Add(new JsonObject { ["name"] = "serviceaccounts/token", ["singularName"] = "", ["namespaced"] = true, ["group"] = "authentication.k8s.io", ["version"] = "v1", ["kind"] = "TokenRequest", ["verbs"] = new JsonArray("create") });
            if (HasSubresource(r, "scale"))
                resources.Add(new JsonObject { ["name"] = r.Plural + "/scale", ["singularName"] = "", ["namespaced"] = true, ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = new JsonArray("get", "patch", "update") });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = resources };
    }

    public static JsonObject OpenApiRoot()
    {
        var paths = new JsonObject { ["api/v1"] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/api/v1?hash=FAKE1" } };
        foreach (var gv in Groups.SelectMany(g => VersionsOf(g).Select(v => $"{g}/{v}"))) paths[$"apis/{gv}"] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/apis/{gv}?hash=FAKE1" };
        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject OpenApiGroup(string groupVersion)
    {
        var paths = new JsonObject();
        foreach (var r in All.Where(r => r.GroupVersion == groupVersion))
        {
            var prefix = r.Group.Length == 0 ? "/api/v1" : $"/apis/{r.GroupVersion}";
            var path = r.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{r.Plural}/{{name}}" : $"{prefix}/{r.Plural}/{{name}}";
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind },
                    ["parameters"] = new JsonArray(new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                },
            };
        }
        return new JsonObject { ["openapi"] = "3.0.0", ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.4" }, ["paths"] = paths };
    }
}
