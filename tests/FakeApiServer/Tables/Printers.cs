using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Tables;

/// <summary>A column of a server-side Table: priority 0 columns are printed by default, priority 1 with -o wide.</summary>
internal sealed record Column(string Name, string Type, int Priority = 0, string Format = "");

/// <summary>The columns and cells of one kind's table, as the API server's printers produce them.</summary>
internal sealed record Printer(Column[] Columns, Func<JsonObject, DateTime, JsonNode?[]> Cells);

/// <summary>
/// The server-side printers of the built-in kinds (kube-apiserver prints every column, wide ones included; kubectl
/// hides priority 1 columns unless -o wide). Kinds without a printer get the default Name / Created At table.
/// </summary>
internal static class Printers
{
    private static readonly Column Name = new("Name", "string", 0, "name");
    private static readonly Column Age = new("Age", "string");
    private static Column Wide(string name) => new(name, "string", 1);
    private static Column S(string name) => new(name, "string");
    private static Column I(string name) => new(name, "integer");
    private static Column B(string name) => new(name, "boolean");

    /// <summary>The printer of a kind, or null for the default table.</summary>
    public static Printer? For(string kind) => kind switch
    {
        "Pod" => new([Name, S("Ready"), S("Status"), S("Restarts"), Age, Wide("IP"), Wide("Node"), Wide("Nominated Node"), Wide("Readiness Gates")], Pod),
        "Deployment" => new([Name, S("Ready"), S("Up-to-date"), S("Available"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")], (o, now) =>
            [NameOf(o), $"{Long(o, "status.readyReplicas")}/{Long(o, "spec.replicas")}", Long(o, "status.updatedReplicas"), Long(o, "status.availableReplicas"), AgeOf(o, now), .. Containers(o["spec"]?["template"]), Selector(o["spec"]?["selector"])]),
        "ReplicaSet" => new([Name, I("Desired"), I("Current"), I("Ready"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")], (o, now) =>
            [NameOf(o), Long(o, "spec.replicas"), Long(o, "status.replicas"), Long(o, "status.readyReplicas"), AgeOf(o, now), .. Containers(o["spec"]?["template"]), Selector(o["spec"]?["selector"])]),
        "StatefulSet" => new([Name, S("Ready"), Age, Wide("Containers"), Wide("Images")], (o, now) =>
            [NameOf(o), $"{Long(o, "status.readyReplicas")}/{Long(o, "spec.replicas")}", AgeOf(o, now), .. Containers(o["spec"]?["template"])]),
        "DaemonSet" => new([Name, I("Desired"), I("Current"), I("Ready"), I("Up-to-date"), I("Available"), S("Node Selector"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")], (o, now) =>
            [NameOf(o), Long(o, "status.desiredNumberScheduled"), Long(o, "status.currentNumberScheduled"), Long(o, "status.numberReady"), Long(o, "status.updatedNumberScheduled"), Long(o, "status.numberAvailable"),
             Labels(o["spec"]?["template"]?["spec"]?["nodeSelector"]), AgeOf(o, now), .. Containers(o["spec"]?["template"]), Selector(o["spec"]?["selector"])]),
        "Job" => new([Name, S("Status"), S("Completions"), S("Duration"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")], Job),
        // SUSPEND is a string column ("True", "False", "<unset>"), not a boolean one.
        "CronJob" => new([Name, S("Schedule"), S("Timezone"), S("Suspend"), I("Active"), S("Last Schedule"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")], (o, now) =>
            [NameOf(o), Str(o, "spec.schedule"), Str(o, "spec.timeZone") ?? "<none>", o["spec"]?["suspend"] is { } su ? (su.GetValue<bool>() ? "True" : "False") : "<unset>",
             (long)((o["status"]?["active"] as JsonArray)?.Count ?? 0), Str(o, "status.lastScheduleTime") is { } last ? Since(last, now) : "<none>", AgeOf(o, now),
             .. Containers(o["spec"]?["jobTemplate"]?["spec"]?["template"]), Selector(o["spec"]?["jobTemplate"]?["spec"]?["selector"])]),
        "Service" => new([Name, S("Type"), S("Cluster-IP"), S("External-IP"), S("Port(s)"), Age, Wide("Selector")], Service),
        "Endpoints" => new([Name, S("Endpoints"), Age], (o, now) => [NameOf(o), EndpointsOf(o), AgeOf(o, now)]),
        "Ingress" => new([Name, S("Class"), S("Hosts"), S("Address"), S("Ports"), Age], (o, now) =>
            [NameOf(o), Str(o, "spec.ingressClassName") ?? "<none>", Hosts(o), LoadBalancer(o), (o["spec"]?["tls"] as JsonArray)?.Count > 0 ? "80, 443" : "80", AgeOf(o, now)]),
        "IngressClass" => new([Name, S("Controller"), S("Parameters"), Age], (o, now) =>
            [NameOf(o), Str(o, "spec.controller") ?? "", o["spec"]?["parameters"] is JsonObject p ? $"{p["kind"]}{(p["apiGroup"] is { } g ? "." + g : "")}/{p["name"]}" : "<none>", AgeOf(o, now)]),
        "ConfigMap" => new([Name, I("Data"), Age], (o, now) =>
            [NameOf(o), (long)(((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0)), AgeOf(o, now)]),
        "Secret" => new([Name, S("Type"), I("Data"), Age], (o, now) => [NameOf(o), Str(o, "type") ?? "", (long)((o["data"] as JsonObject)?.Count ?? 0), AgeOf(o, now)]),
        "ServiceAccount" => new([Name, I("Secrets"), Age], (o, now) => [NameOf(o), (long)((o["secrets"] as JsonArray)?.Count ?? 0), AgeOf(o, now)]),
        "Namespace" => new([Name, S("Status"), Age], (o, now) => [NameOf(o), Str(o, "status.phase") ?? "", AgeOf(o, now)]),
        "Node" => new([Name, S("Status"), S("Roles"), Age, S("Version"), Wide("Internal-IP"), Wide("External-IP"), Wide("OS-Image"), Wide("Kernel-Version"), Wide("Container-Runtime")], Node),
        "PersistentVolume" => new([Name, S("Capacity"), S("Access Modes"), S("Reclaim Policy"), S("Status"), S("Claim"), S("StorageClass"), S("VolumeAttributesClass"), S("Reason"), Age, Wide("VolumeMode")], (o, now) =>
            [NameOf(o), Str(o, "spec.capacity.storage") ?? "0", AccessModes(o["spec"]?["accessModes"]), Str(o, "spec.persistentVolumeReclaimPolicy") ?? "",
             o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : Str(o, "status.phase") ?? "",
             o["spec"]?["claimRef"] is JsonObject cr ? $"{cr["namespace"]}/{cr["name"]}" : "", StorageClass(o), Str(o, "spec.volumeAttributesClassName") ?? "<unset>",
             Str(o, "status.reason") ?? "", AgeOf(o, now), Str(o, "spec.volumeMode") ?? "<unset>"]),
        "PersistentVolumeClaim" => new([Name, S("Status"), S("Volume"), S("Capacity"), S("Access Modes"), S("StorageClass"), S("VolumeAttributesClass"), Age, Wide("VolumeMode")], (o, now) =>
        {
            var bound = !string.IsNullOrEmpty(Str(o, "spec.volumeName"));
            return [NameOf(o), o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : Str(o, "status.phase") ?? "", Str(o, "spec.volumeName") ?? "",
                bound ? Str(o, "status.capacity.storage") ?? "0" : "", bound ? AccessModes(o["status"]?["accessModes"]) : "", StorageClass(o),
                Str(o, "spec.volumeAttributesClassName") ?? "<unset>", AgeOf(o, now), Str(o, "spec.volumeMode") ?? "<unset>"];
        }),
        "StorageClass" => new([Name, S("Provisioner"), S("ReclaimPolicy"), S("VolumeBindingMode"), S("AllowVolumeExpansion"), Age], (o, now) =>
            [NameOf(o) + (IsDefaultClass(o) ? " (default)" : ""), Str(o, "provisioner") ?? "", Str(o, "reclaimPolicy") ?? "Delete", Str(o, "volumeBindingMode") ?? "Immediate",
             o["allowVolumeExpansion"]?.GetValue<bool>() ?? false, AgeOf(o, now)]),
        "Event" => new([S("Last Seen"), S("Type"), S("Reason"), S("Object"), Wide("Subobject"), Wide("Source"), S("Message"), Wide("First Seen"), new("Count", "string", 1), new("Name", "string", 1, "name")], Event),
        "RoleBinding" or "ClusterRoleBinding" => new([Name, S("Role"), Age, Wide("Users"), Wide("Groups"), Wide("ServiceAccounts")], (o, now) =>
            [NameOf(o), $"{Str(o, "roleRef.kind")}/{Str(o, "roleRef.name")}", AgeOf(o, now), .. Subjects(o)]),
        "HorizontalPodAutoscaler" => new([Name, S("Reference"), S("Targets"), S("MinPods"), S("MaxPods"), S("Replicas"), Age], (o, now) =>
            [NameOf(o), $"{Str(o, "spec.scaleTargetRef.kind")}/{Str(o, "spec.scaleTargetRef.name")}", HpaTargets(o), o["spec"]?["minReplicas"] is { } min ? min.ToJsonString() : "<unset>",
             Long(o, "spec.maxReplicas"), Long(o, "status.currentReplicas"), AgeOf(o, now)]),
        "CertificateSigningRequest" => new([Name, Age, S("SignerName"), S("Requestor"), S("RequestedDuration"), S("Condition")], (o, now) =>
            [NameOf(o), AgeOf(o, now), Str(o, "spec.signerName") is { Length: > 0 } signer ? signer : "<none>", Str(o, "spec.username") ?? "",
             Long(o, "spec.expirationSeconds") is > 0 and var secs ? HumanDuration(TimeSpan.FromSeconds(secs)) : "<none>", CsrCondition(o)]),
        "Lease" => new([Name, S("Holder"), Age], (o, now) => [NameOf(o), Str(o, "spec.holderIdentity") ?? "", AgeOf(o, now)]),
        "PodDisruptionBudget" => new([Name, S("Min Available"), S("Max Unavailable"), I("Allowed Disruptions"), Age], (o, now) =>
            [NameOf(o), o["spec"]?["minAvailable"] is { } mn ? Text(mn) : "N/A", o["spec"]?["maxUnavailable"] is { } mx ? Text(mx) : "N/A", Long(o, "status.disruptionsAllowed"), AgeOf(o, now)]),
        "NetworkPolicy" => new([Name, S("Pod-Selector"), Age], (o, now) => [NameOf(o), Selector(o["spec"]?["podSelector"]), AgeOf(o, now)]),
        "ControllerRevision" => new([Name, S("Controller"), S("Revision"), Age], (o, now) =>
            [NameOf(o), ControllerOf(o), Long(o, "revision"), AgeOf(o, now)]),
        "ResourceQuota" => new([Name, S("Request"), S("Limit"), Age], Quota),
        "PriorityClass" => new([Name, I("Value"), B("Global-Default"), Age, S("PreemptionPolicy")], (o, now) =>
            [NameOf(o), Long(o, "value"), o["globalDefault"]?.GetValue<bool>() ?? false, AgeOf(o, now), Str(o, "preemptionPolicy") ?? ""]),
        "EndpointSlice" => new([Name, S("AddressType"), S("Ports"), S("Endpoints"), Age], (o, now) =>
            [NameOf(o), Str(o, "addressType") ?? "", SliceList((o["ports"] as JsonArray ?? []).Select(p => p?["port"]?.ToJsonString() ?? Str(p, "name") ?? "*")),
             SliceList((o["endpoints"] as JsonArray ?? []).SelectMany(e => e?["addresses"] as JsonArray ?? []).Select(a => a?.GetValue<string>() ?? "")), AgeOf(o, now)]),
        "CSIDriver" => new([Name, B("AttachRequired"), B("PodInfoOnMount"), B("StorageCapacity"), S("TokenRequests"), B("RequiresRepublish"), S("Modes"), Age], (o, now) =>
            [NameOf(o), o["spec"]?["attachRequired"]?.GetValue<bool>() ?? true, o["spec"]?["podInfoOnMount"]?.GetValue<bool>() ?? false, o["spec"]?["storageCapacity"]?.GetValue<bool>() ?? false,
             o["spec"]?["tokenRequests"] is JsonArray tr ? string.Join(",", tr.Select(t => Str(t, "audience"))) : "<unset>", o["spec"]?["requiresRepublish"]?.GetValue<bool>() ?? false,
             o["spec"]?["volumeLifecycleModes"] is JsonArray { Count: > 0 } m ? string.Join(",", m.Select(x => x?.GetValue<string>())) : "<none>", AgeOf(o, now)]),
        _ => null,
    };

    // ------------------------------------------------------------------ per-kind cells

    /// <summary>
    /// The pod row as the upstream printer builds it: init containers first (Init:N/M, Init:REASON, Init:ExitCode:N;
    /// restartable init containers, i.e. sidecars, count as containers once started), then the app containers
    /// unless initialization is still going on; restarts with the time of the last one.
    /// </summary>
    private static JsonNode?[] Pod(JsonObject o, DateTime now)
    {
        var containers = o["spec"]?["containers"] as JsonArray ?? [];
        var initSpecs = (o["spec"]?["initContainers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        bool Sidecar(string? name) => initSpecs.Any(c => Str(c, "name") == name && Str(c, "restartPolicy") == "Always");
        var total = containers.Count + initSpecs.Count(c => Str(c, "restartPolicy") == "Always");
        var reason = Str(o, "status.reason") ?? Str(o, "status.phase") ?? "";
        long restarts = 0, ready = 0, sidecarRestarts = 0;
        DateTime? lastRestart = null, lastSidecarRestart = null;
        static DateTime? Later(DateTime? a, JsonObject c) =>
            Str(c, "lastState.terminated.finishedAt") is { } f && (a is null || Parse(f) > a) ? Parse(f) : a;
        var initializing = false;
        var initStatuses = (o["status"]?["initContainerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var c = initStatuses[i];
            var sidecar = Sidecar(Str(c, "name"));
            restarts += c["restartCount"]?.AsLong() ?? 0;
            lastRestart = Later(lastRestart, c);
            if (sidecar)
            {
                sidecarRestarts += c["restartCount"]?.AsLong() ?? 0;
                lastSidecarRestart = Later(lastSidecarRestart, c);
            }
            var terminated = c["state"]?["terminated"] as JsonObject;
            if (terminated is not null && (terminated["exitCode"]?.AsLong() ?? 0) == 0) continue;
            if (sidecar && c["started"]?.GetValue<bool>() == true)
            {
                if (c["ready"]?.GetValue<bool>() == true) ready++;
                continue;
            }
            if (terminated is not null)
                reason = Str(terminated, "reason") is { Length: > 0 } r ? "Init:" + r
                    : terminated["signal"] is { } sig && sig.AsLong() != 0 ? $"Init:Signal:{sig}" : $"Init:ExitCode:{terminated["exitCode"]?.AsLong() ?? 0}";
            else if (Str(c, "state.waiting.reason") is { Length: > 0 } w && w != "PodInitializing") reason = "Init:" + w;
            else reason = $"Init:{i}/{initSpecs.Count}";
            initializing = true;
            break;
        }
        bool Condition(string type) => (o["status"]?["conditions"] as JsonArray ?? []).Any(c => Str(c, "type") == type && Str(c, "status") == "True");
        if (!initializing || Condition("Initialized"))
        {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            var statuses = (o["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var c = statuses[i];
                restarts += c["restartCount"]?.AsLong() ?? 0;
                lastRestart = Later(lastRestart, c);
                if (Str(c, "state.waiting.reason") is { Length: > 0 } waiting) reason = waiting;
                else if (Str(c, "state.terminated.reason") is { Length: > 0 } terminated) reason = terminated;
                else if (c["state"]?["terminated"] is JsonObject t)
                    reason = t["signal"] is { } sig && sig.AsLong() != 0 ? $"Signal:{sig}" : $"ExitCode:{t["exitCode"]?.AsLong() ?? 0}";
                else if (c["ready"]?.GetValue<bool>() == true && c["state"]?["running"] is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }
            if (reason == "Completed" && hasRunning) reason = Condition("Ready") ? "Running" : "NotReady";
        }
        if (o["metadata"]?["deletionTimestamp"] is not null && Str(o, "status.reason") == "NodeLost") reason = "Unknown";
        else if (o["metadata"]?["deletionTimestamp"] is not null && Str(o, "status.phase") is not ("Succeeded" or "Failed")) reason = "Terminating";
        var gates = o["spec"]?["readinessGates"] as JsonArray ?? [];
        var gatesCell = gates.Count == 0 ? "<none>"
            : $"{gates.Count(g => (o["status"]?["conditions"] as JsonArray ?? []).Any(c => Str(c, "type") == Str(g, "conditionType") && Str(c, "status") == "True"))}/{gates.Count}";
        var restartsCell = restarts.ToString(CultureInfo.InvariantCulture) + (restarts != 0 && lastRestart is { } last ? $" ({HumanDuration(now - last)} ago)" : "");
        return [NameOf(o), $"{ready}/{total}", reason, restartsCell, AgeOf(o, now),
            Str(o, "status.podIPs.0.ip") ?? Str(o, "status.podIP") ?? "<none>", Str(o, "spec.nodeName") ?? "<none>", Str(o, "status.nominatedNodeName") ?? "<none>", gatesCell];
    }

    private static JsonNode?[] Job(JsonObject o, DateTime now)
    {
        var succeeded = Long(o, "status.succeeded");
        var completions = o["spec"]?["completions"] is { } c ? $"{succeeded}/{c.AsLong()}"
            : Long(o, "spec.parallelism") > 1 ? $"{succeeded}/1 of {Long(o, "spec.parallelism")}" : $"{succeeded}/1";
        var start = Str(o, "status.startTime");
        var done = Str(o, "status.completionTime");
        var duration = start is null ? "" : HumanDuration((done is null ? now : Parse(done)) - Parse(start));
        bool Has(string type) => (o["status"]?["conditions"] as JsonArray ?? []).FirstOrDefault(x => Str(x, "type") == type) is { } cond && Str(cond, "status") == "True";
        var status = Has("Complete") ? "Complete" : Has("Failed") ? "Failed" : o["metadata"]?["deletionTimestamp"] is not null ? "Terminating"
            : Has("Suspended") ? "Suspended" : Has("FailureTarget") ? "FailureTarget" : "Running";
        return [NameOf(o), status, completions, duration, AgeOf(o, now), .. Containers(o["spec"]?["template"]), Selector(o["spec"]?["selector"])];
    }

    private static JsonNode?[] Service(JsonObject o, DateTime now)
    {
        var type = Str(o, "spec.type") ?? "";
        var externalIps = (o["spec"]?["externalIPs"] as JsonArray ?? []).Select(x => x?.GetValue<string>() ?? "").ToList();
        var lb = string.Join(",", (o["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => Str(i, "ip") ?? Str(i, "hostname")).Where(s => !string.IsNullOrEmpty(s)).Distinct().Order(StringComparer.Ordinal));
        var external = type switch
        {
            "ClusterIP" or "NodePort" => externalIps.Count > 0 ? string.Join(",", externalIps) : "<none>",
            "LoadBalancer" => externalIps.Count > 0 ? string.Join(",", (lb.Length > 0 ? lb.Split(',') : []).Concat(externalIps)) : lb.Length > 0 ? lb : "<pending>",
            "ExternalName" => Str(o, "spec.externalName") ?? "",
            _ => "<unknown>",
        };
        var ports = string.Join(",", (o["spec"]?["ports"] as JsonArray ?? []).Select(p =>
            p?["nodePort"] is { } np && np.AsLong() > 0 ? $"{p["port"]}:{np}/{Str(p, "protocol")}" : $"{p?["port"]}/{Str(p, "protocol")}"));
        return [NameOf(o), type, Str(o, "spec.clusterIPs.0") ?? "<none>", external, ports.Length == 0 ? "<none>" : ports, AgeOf(o, now), Labels(o["spec"]?["selector"])];
    }

    private static JsonNode?[] Node(JsonObject o, DateTime now)
    {
        var status = new List<string>();
        if ((o["status"]?["conditions"] as JsonArray ?? []).FirstOrDefault(c => Str(c, "type") == "Ready") is { } readyCond)
            status.Add(Str(readyCond, "status") == "True" ? "Ready" : "NotReady");
        if (status.Count == 0) status.Add("Unknown");
        if (o["spec"]?["unschedulable"]?.GetValue<bool>() == true) status.Add("SchedulingDisabled");
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in o["metadata"]?["labels"] as JsonObject ?? [])
        {
            if (k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal) && k.Length > "node-role.kubernetes.io/".Length) roles.Add(k["node-role.kubernetes.io/".Length..]);
            else if (k == "kubernetes.io/role" && v?.GetValue<string>() is { Length: > 0 } role) roles.Add(role);
        }
        string Address(string type) => (o["status"]?["addresses"] as JsonArray ?? []).FirstOrDefault(a => Str(a, "type") == type) is { } a ? Str(a, "address") ?? "" : "<none>";
        string Info(string key) => Str(o, "status.nodeInfo." + key) is { Length: > 0 } s ? s : "<unknown>";
        return [NameOf(o), string.Join(",", status), roles.Count == 0 ? "<none>" : string.Join(",", roles), AgeOf(o, now), Str(o, "status.nodeInfo.kubeletVersion") ?? "",
            Address("InternalIP"), Address("ExternalIP"), Info("osImage"), Info("kernelVersion"), Info("containerRuntimeVersion")];
    }

    private static JsonNode?[] Event(JsonObject o, DateTime now)
    {
        var first = Str(o, "firstTimestamp") is { } ft ? Since(ft, now) : Str(o, "eventTime") is { } et ? Since(et, now) : "<unknown>";
        var last = Str(o, "lastTimestamp") is { } lt ? Since(lt, now) : first;
        var count = o["count"]?.AsLong() ?? 0;
        if (o["series"] is JsonObject series)
        {
            last = Str(series, "lastObservedTime") is { } lo ? Since(lo, now) : "<unknown>";
            count = series["count"]?.AsLong() ?? 0;
        }
        else if (count == 0) count = 1;
        var kind = (Str(o, "involvedObject.kind") ?? "").ToLowerInvariant();
        var target = Str(o, "involvedObject.name") is { Length: > 0 } n ? $"{kind}/{n}" : kind;
        var component = FirstNonEmpty(Str(o, "source.component"), Str(o, "reportingComponent"));
        var host = FirstNonEmpty(Str(o, "source.host"), Str(o, "reportingInstance"));
        return [last, Str(o, "type") ?? "", Str(o, "reason") ?? "", target, Str(o, "involvedObject.fieldPath") ?? "", host.Length == 0 ? component : $"{component}, {host}",
            (Str(o, "message") ?? "").Trim(), first, count, NameOf(o)];
    }

    private static JsonNode?[] Quota(JsonObject o, DateTime now)
    {
        var hard = o["status"]?["hard"] as JsonObject ?? [];
        var used = o["status"]?["used"] as JsonObject;
        var requests = new List<string>();
        var limits = new List<string>();
        foreach (var (resource, value) in hard.OrderBy(p => p.Key, StringComparer.Ordinal))
            (resource.StartsWith("limits.", StringComparison.Ordinal) ? limits : requests).Add($"{resource}: {used?[resource]?.GetValue<string>() ?? "0"}/{value?.GetValue<string>()}");
        return [NameOf(o), string.Join(", ", requests), string.Join(", ", limits), AgeOf(o, now)];
    }

    private static string HpaTargets(JsonObject o)
    {
        // A real server prints from the internal (v2-shaped) object whatever version was asked for.
        if (o["spec"]?["targetCPUUtilizationPercentage"] is not null || o["status"]?["currentCPUUtilizationPercentage"] is not null) o = HpaV1View.ToV2(o);
        var specs = o["spec"]?["metrics"] as JsonArray ?? [];
        if (specs.Count == 0) return "<none>";
        var statuses = o["status"]?["currentMetrics"] as JsonArray ?? [];
        var list = new List<string>();
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var type = Str(spec, "type") ?? "";
            var key = char.ToLowerInvariant(type[0]) + type[1..];
            var target = spec?[key]?["target"];
            var current = i < statuses.Count ? statuses[i]?[key]?["current"] : null;
            var currentAverage = Str(current, "averageValue") ?? "<unknown>";
            var targetAverage = target?["averageValue"];
            switch (type)
            {
                case "Resource" or "ContainerResource" when targetAverage is not null:
                    list.Add($"{Str(spec, key + ".name")}: {currentAverage}/{Text(targetAverage)}");
                    break;
                case "Resource" or "ContainerResource":
                    list.Add($"{Str(spec, key + ".name")}: {(current?["averageUtilization"] is { } cu ? $"{cu}%" : "<unknown>")}/{(target?["averageUtilization"] is { } tu ? $"{tu}%" : "<auto>")}");
                    break;
                case "Pods":
                    list.Add($"{currentAverage}/{Str(target, "averageValue")}");
                    break;
                case "Object" or "External" when targetAverage is not null:
                    list.Add($"{currentAverage}/{Text(targetAverage)} (avg)");
                    break;
                case "Object" or "External":
                    var currentValue = Str(current, "value") ?? "<unknown>";
                    list.Add($"{currentValue}/{Str(target, "value")}");
                    break;
                default:
                    list.Add("<unknown type>");
                    break;
            }
        }
        return list.Count > 2 ? $"{string.Join(", ", list.Take(2))} + {list.Count - 2} more..." : string.Join(", ", list);
    }

    // ------------------------------------------------------------------ helpers

    internal static string? Str(JsonNode? o, string path)
    {
        var n = o;
        foreach (var seg in path.Split('.'))
            n = n switch
            {
                JsonArray a when int.TryParse(seg, out var i) => i < a.Count ? a[i] : null,
                JsonObject obj => obj[seg],
                _ => null,
            };
        return n is null ? null : Text(n);
    }

    private static string Text(JsonNode n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n.ToJsonString();

    private static long Long(JsonNode? o, string path) => long.TryParse(Str(o, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string NameOf(JsonObject o) => Str(o, "metadata.name") ?? "";

    internal static DateTime Parse(string timestamp) => DateTime.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static string AgeOf(JsonObject o, DateTime now) => Str(o, "metadata.creationTimestamp") is { } c ? Since(c, now) : "<unknown>";

    internal static string Since(string timestamp, DateTime now) => HumanDuration(now - Parse(timestamp));

    /// <summary>A duration as kubectl users read it ("45s", "3m12s", "5h", "2d3h").</summary>
    internal static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1) return "<invalid>";
        if (seconds < 0) return "0s";
        if (seconds < 120) return $"{seconds}s";
        var minutes = seconds / 60;
        if (minutes < 10) return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 180) return $"{minutes}m";
        var hours = minutes / 60;
        if (hours < 8) return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48) return $"{hours}h";
        if (hours < 24 * 8) return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8) return (hours / 24) % 365 == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{(hours / 24) % 365}d";
        return $"{hours / 24 / 365}y";
    }

    /// <summary>A CSR's CONDITION cell: Denied over Approved over Pending, then ",Failed" and ",Issued" (a certificate is in the status).</summary>
    private static string CsrCondition(JsonObject o)
    {
        var types = (o["status"]?["conditions"] as JsonArray ?? []).Select(c => c?["type"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var s = types.Contains("Denied") ? "Denied" : types.Contains("Approved") ? "Approved" : "Pending";
        if (types.Contains("Failed")) s += ",Failed";
        if (Str(o, "status.certificate") is { Length: > 0 }) s += ",Issued";
        return s;
    }

    /// <summary>Container names and images of a pod template, comma separated.</summary>
    private static JsonNode?[] Containers(JsonNode? template)
    {
        var cs = template?["spec"]?["containers"] as JsonArray ?? [];
        return [string.Join(",", cs.Select(c => Str(c, "name"))), string.Join(",", cs.Select(c => Str(c, "image")))];
    }

    private static string Labels(JsonNode? map) =>
        map is JsonObject { Count: > 0 } o ? string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) : "<none>";

    /// <summary>A LabelSelector as the selector string ("app=web,tier in (a,b)"); "&lt;none&gt;" when empty.</summary>
    private static string Selector(JsonNode? selector)
    {
        var parts = new List<(string Key, string Text)>();
        foreach (var (k, v) in selector?["matchLabels"] as JsonObject ?? []) parts.Add((k, $"{k}={v}"));
        foreach (var e in selector?["matchExpressions"] as JsonArray ?? [])
        {
            var key = Str(e, "key") ?? "";
            var values = string.Join(",", (e?["values"] as JsonArray ?? []).Select(x => x?.GetValue<string>()).Order(StringComparer.Ordinal));
            parts.Add((key, Str(e, "operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                _ => "!" + key,
            }));
        }
        return parts.Count == 0 ? "<none>" : string.Join(",", parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Text));
    }

    private static string AccessModes(JsonNode? modes)
    {
        var set = (modes as JsonArray ?? []).Select(m => m?.GetValue<string>()).ToHashSet();
        return string.Join(",", new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") }.Where(m => set.Contains(m.Item1)).Select(m => m.Item2));
    }

    /// <summary>The class of a volume or claim: the beta annotation wins over spec.storageClassName.</summary>
    private static string StorageClass(JsonObject o) => Annotation(o, "volume.beta.kubernetes.io/storage-class") ?? Str(o, "spec.storageClassName") ?? "";

    private static string? Annotation(JsonObject o, string key) => o["metadata"]?["annotations"]?[key]?.GetValue<string>();

    private static bool IsDefaultClass(JsonObject o) =>
        Annotation(o, "storageclass.kubernetes.io/is-default-class") == "true" || Annotation(o, "storageclass.beta.kubernetes.io/is-default-class") == "true";

    private static string Hosts(JsonObject o)
    {
        var rules = o["spec"]?["rules"] as JsonArray ?? [];
        var hosts = rules.Select(r => Str(r, "host")).Where(h => !string.IsNullOrEmpty(h)).Take(3).ToList();
        if (hosts.Count == 0) return "*";
        return rules.Count > 3 ? $"{string.Join(",", hosts)} + {rules.Count - 3} more..." : string.Join(",", hosts);
    }

    private static string LoadBalancer(JsonObject o) =>
        string.Join(",", (o["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => Str(i, "ip") ?? Str(i, "hostname")).Where(s => !string.IsNullOrEmpty(s)).Distinct().Order(StringComparer.Ordinal));

    private static string EndpointsOf(JsonObject o)
    {
        var subsets = o["subsets"] as JsonArray ?? [];
        if (subsets.Count == 0) return "<none>";
        var list = new List<string>();
        var count = 0;
        foreach (var ss in subsets)
        {
            var addresses = (ss?["addresses"] as JsonArray ?? []).Select(a => Str(a, "ip") ?? "").ToList();
            var ports = ss?["ports"] as JsonArray ?? [];
            if (ports.Count == 0)
            {
                count += addresses.Count;
                list.AddRange(addresses.Take(Math.Max(0, 3 - list.Count)));
                continue;
            }
            foreach (var p in ports)
            {
                count += addresses.Count;
                list.AddRange(addresses.Take(Math.Max(0, 3 - list.Count)).Select(ip => (ip.Contains(':') ? $"[{ip}]" : ip) + ":" + p?["port"]));
            }
        }
        return count > 3 ? $"{string.Join(",", list)} + {count - 3} more..." : string.Join(",", list);
    }

    private static string SliceList(IEnumerable<string> items)
    {
        var all = items.ToList();
        if (all.Count == 0) return "<unset>";
        return all.Count > 3 ? $"{string.Join(",", all.Take(3))} + {all.Count - 3} more..." : string.Join(",", all);
    }

    private static JsonNode?[] Subjects(JsonObject o)
    {
        var subjects = (o["subjects"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        string Of(string kind, Func<JsonObject, string> f) => string.Join(", ", subjects.Where(s => Str(s, "kind") == kind).Select(f));
        return [Of("User", s => Str(s, "name") ?? ""), Of("Group", s => Str(s, "name") ?? ""), Of("ServiceAccount", s => $"{Str(s, "namespace")}/{Str(s, "name")}")];
    }

    private static string ControllerOf(JsonObject o)
    {
        var owner = (o["metadata"]?["ownerReferences"] as JsonArray ?? []).FirstOrDefault(r => r?["controller"]?.GetValue<bool>() == true);
        if (owner is null) return "<none>";
        var apiVersion = Str(owner, "apiVersion") ?? "";
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        var kind = Str(owner, "kind") ?? "";
        return (group.Length == 0 ? kind : $"{kind}.{group}").ToLowerInvariant() + "/" + Str(owner, "name");
    }

    private static string FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "";
}
