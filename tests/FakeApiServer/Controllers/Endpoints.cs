using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The endpoints and endpointslice controllers: for every Service with a selector, an Endpoints object of the same
/// name (ready pods under addresses, the others under notReadyAddresses) and an EndpointSlice `NAME-xxxxx` owned by the
/// Service (labels kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by), with the Service's ports
/// resolved against the pods' named container ports. Endpoints the controller wrote go when their Service goes.
/// </summary>
internal sealed partial class Controllers
{
    private const string SliceManager = "endpointslice-controller.k8s.io";
    private const string TriggerAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

    private void Endpoints()
    {
        var epType = T("", "endpoints");
        var sliceType = T("discovery.k8s.io", "endpointslices");
        var services = _store.List(T("", "services"), null);
        foreach (var svc in services)
            Reconcile($"endpoints {svc.Namespace}/{svc.Name}", svc, [T("", "pods"), epType, sliceType], ServiceEndpoints);
        // Endpoints the controller wrote go with their Service: looked for in the namespaces where Services or Endpoints changed.
        foreach (var ns in _store.List(T("", "namespaces"), null).Select(n => n.Name))
        {
            var changed = (_store.ChangedAt(T("", "services"), ns), _store.ChangedAt(epType, ns));
            if (_endpointsSwept.TryGetValue(ns, out var swept) && swept == changed) continue;
            var names = _store.List(T("", "services"), ns).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var ep in _store.List(epType, ns))
                if (ep.Object["metadata"]?["annotations"]?[TriggerAnnotation] is not null && !names.Contains(ep.Name)) _api.Delete(ep);
            _endpointsSwept[ns] = changed;
        }
    }

    /// <summary>The change revisions of Services and Endpoints in each namespace when its Endpoints were last checked for a Service that is gone.</summary>
    private readonly Dictionary<string, (long Services, long Endpoints)> _endpointsSwept = new(StringComparer.Ordinal);

    /// <summary>A Service's Endpoints and EndpointSlice, from its ready and not-ready pods.</summary>
    private void ServiceEndpoints(StoredObject svc)
    {
        var epType = T("", "endpoints");
        var sliceType = T("discovery.k8s.io", "endpointslices");
        if (svc.Object["spec"]?["selector"] is not JsonObject { Count: > 0 } selector || svc.Object["spec"]?["type"]?.GetValue<string>() == "ExternalName") return;
        var pods = _store.List(T("", "pods"), svc.Namespace)
            .Where(p => p.Object["metadata"]?["deletionTimestamp"] is null && p.Object["status"]?["podIP"] is not null
                && selector.All(s => p.Object["metadata"]?["labels"]?[s.Key]?.GetValue<string>() == s.Value?.GetValue<string>()))
            .ToList();
        bool Ready(StoredObject p) => (p.Object["status"]?["conditions"] as JsonArray)?.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;
        JsonObject TargetRef(StoredObject p) => new() { ["kind"] = "Pod", ["namespace"] = p.Namespace, ["name"] = p.Name, ["uid"] = p.Uid };
        var ports = new JsonArray();
        foreach (var port in (svc.Object["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var target = port["targetPort"] ?? port["port"];
            int? number = target?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? target.AsInt() : pods.Select(p => NamedPort(p, target?.GetValue<string>())).FirstOrDefault(n => n is not null);
            if (number is null) continue;
            var ep = new JsonObject { ["port"] = number, ["protocol"] = port["protocol"]?.DeepClone() ?? "TCP" };
            if (port["name"] is { } n) ep["name"] = n.DeepClone();
            ports.Add(ep);
        }
        var subset = new JsonObject();
        var ready = pods.Where(Ready).ToList();
        var notReady = pods.Where(p => !Ready(p)).ToList();
        JsonObject WithNode(JsonObject o, StoredObject p)
        {
            if (p.Object["spec"]?["nodeName"] is { } node) o["nodeName"] = node.DeepClone();
            return o;
        }
        JsonArray Addresses(IEnumerable<StoredObject> ps) => new(ps.Select(p => (JsonNode?)WithNode(new JsonObject { ["ip"] = p.Object["status"]!["podIP"]!.DeepClone(), ["targetRef"] = TargetRef(p) }, p)).ToArray());
        if (ready.Count > 0) subset["addresses"] = Addresses(ready);
        if (notReady.Count > 0) subset["notReadyAddresses"] = Addresses(notReady);
        subset["ports"] = ports.DeepClone();
        var subsets = pods.Count > 0 && ports.Count > 0 ? new JsonArray(subset) : null;
        var labels = svc.Object["metadata"]?["labels"]?.DeepClone() as JsonObject ?? new JsonObject();
        var existing = _store.Get(epType, svc.Namespace, svc.Name);
        if (existing is null)
            _api.Commit(epType, svc.Namespace, svc.Name, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = svc.Name, ["labels"] = labels.DeepClone(), ["annotations"] = new JsonObject { [TriggerAnnotation] = Api.Now() } },
                ["subsets"] = subsets,
            }, null, Ctx(), null);
        else if (!JsonNode.DeepEquals(existing.Object["subsets"], subsets?.Normalize()))
            Update(existing, o =>
            {
                o["subsets"] = subsets?.DeepClone();
                ((JsonObject)(o["metadata"]!["annotations"] ??= new JsonObject()))[TriggerAnnotation] = Api.Now();
            });

        var endpoints = new JsonArray(pods.Select(p => (JsonNode?)WithNode(new JsonObject
        {
            ["addresses"] = new JsonArray(p.Object["status"]!["podIP"]!.DeepClone()),
            ["conditions"] = new JsonObject { ["ready"] = Ready(p), ["serving"] = Ready(p), ["terminating"] = false },
            ["targetRef"] = TargetRef(p),
        }, p)).ToArray());
        // The slice controller always sets a port's name (empty for an unnamed Service port), where Endpoints omit it.
        var slicePorts = new JsonArray(ports.Select(p => { var sp = (JsonObject)p!.DeepClone(); sp["name"] ??= ""; return (JsonNode?)sp; }).ToArray());
        var slice = Owned(sliceType, svc).FirstOrDefault();
        if (slice is null)
        {
            labels["kubernetes.io/service-name"] = svc.Name;
            labels["endpointslice.kubernetes.io/managed-by"] = SliceManager;
            var name = $"{svc.Name}-{Hash(JsonValue.Create(svc.Uid))[..5]}";
            _api.Commit(sliceType, svc.Namespace, name, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["generateName"] = svc.Name + "-", ["labels"] = labels, ["ownerReferences"] = OwnerRef(svc) },
                ["addressType"] = "IPv4", ["endpoints"] = endpoints, ["ports"] = slicePorts,
            }, null, Ctx(), null);
        }
        else if (!JsonNode.DeepEquals(slice.Object["endpoints"], endpoints.Normalize()) || !JsonNode.DeepEquals(slice.Object["ports"], slicePorts.Normalize()))
            Update(slice, o =>
            {
                o["endpoints"] = endpoints.DeepClone();
                o["ports"] = slicePorts.DeepClone();
            });
    }

    private static int? NamedPort(StoredObject pod, string? name) =>
        (pod.Object["spec"]?["containers"] as JsonArray ?? []).SelectMany(c => c?["ports"] as JsonArray ?? [])
            .FirstOrDefault(p => p?["name"]?.GetValue<string>() == name)?["containerPort"]?.AsInt();
}
