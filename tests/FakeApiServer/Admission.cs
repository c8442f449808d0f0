using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace FakeApiServer;

/// <summary>Decoding, defaulting (M-5, M-6) and validation (V-1..V-11) of what clients send.</summary>
public static partial class Admission
{
    private static readonly Lazy<JsonSerializerOptions> Lenient = new(() =>
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(o => captured = o);
        return new JsonSerializerOptions(captured!) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    });

    private static readonly Lazy<Dictionary<string, Type>> Models = new(() =>
        typeof(V1Pod).Assembly.GetExportedTypes()
            .Select(t => (t, a: t.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(x => x.a is not null && x.t.GetProperty("Items") is null)
            .GroupBy(x => (string.IsNullOrEmpty(x.a!.Group) ? x.a.ApiVersion : $"{x.a.Group}/{x.a.ApiVersion}") + "|" + x.a!.Kind)
            .ToDictionary(g => g.Key, g => g.First().t));

    /// <summary>
    /// Decodes as the API server decodes into its Go types: the body is checked against the kind's OpenAPI schema
    /// (wrong JSON kinds, unknown fields per fieldValidation, V-11; see <see cref="Structural"/>), then read through
    /// the KubernetesClient model so that quantities come back in canonical form (M-6). Kinds without a model
    /// (Gateway API) are kept as sent.
    /// </summary>
    public static JsonObject Decode(ResourceType t, JsonObject body, string? fieldValidation, List<string> warnings)
    {
        var checkedBody = Structural.Decode(t, body, fieldValidation, warnings);
        if (t.Custom is not null || !Models.Value.TryGetValue(t.GroupVersion + "|" + t.Kind, out var model)) return checkedBody;
        object? typed;
        try
        {
            typed = JsonSerializer.Deserialize(checkedBody.ToJsonString(), model, Lenient.Value);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: {e.Message.Split(". Path", 2)[0]}");
        }
        return JsonNode.Parse(JsonSerializer.Serialize(typed, model, Lenient.Value))!.AsObject();
    }

    // ------------------------------------------------------------------ defaulting (M-5)

    public static void Default(ResourceType t, JsonObject o)
    {
        if (t.Custom is not null) return; // custom resources are defaulted from their schema when decoded
        var spec = o["spec"] as JsonObject;
        switch (t.Kind)
        {
            case "Deployment":
                spec ??= Obj(o, "spec");
                spec["replicas"] ??= 1;
                spec["revisionHistoryLimit"] ??= 10;
                spec["progressDeadlineSeconds"] ??= 600;
                var strategy = Obj(spec, "strategy");
                strategy["type"] ??= "RollingUpdate";
                if (strategy["type"]!.GetValue<string>() == "RollingUpdate")
                {
                    var ru = Obj(strategy, "rollingUpdate");
                    ru["maxSurge"] ??= "25%";
                    ru["maxUnavailable"] ??= "25%";
                }
                DefaultPodTemplate(spec);
                break;
            case "StatefulSet":
                spec ??= Obj(o, "spec");
                spec["replicas"] ??= 1;
                spec["podManagementPolicy"] ??= "OrderedReady";
                spec["revisionHistoryLimit"] ??= 10;
                var us = spec["updateStrategy"] as JsonObject;
                if (us is null || us["type"] is null)
                {
                    us ??= Obj(spec, "updateStrategy");
                    us["type"] = "RollingUpdate";
                    us["rollingUpdate"] ??= new JsonObject { ["partition"] = 0 };
                }
                var pvcp = Obj(spec, "persistentVolumeClaimRetentionPolicy");
                pvcp["whenDeleted"] ??= "Retain";
                pvcp["whenScaled"] ??= "Retain";
                foreach (var vct in (spec["volumeClaimTemplates"] as JsonArray ?? []).OfType<JsonObject>())
                    Obj(vct, "spec")["volumeMode"] ??= "Filesystem";
                DefaultPodTemplate(spec);
                break;
            case "DaemonSet":
                spec ??= Obj(o, "spec");
                spec["revisionHistoryLimit"] ??= 10;
                var ds = Obj(spec, "updateStrategy");
                ds["type"] ??= "RollingUpdate";
                if (ds["type"]!.GetValue<string>() == "RollingUpdate")
                {
                    var ru = Obj(ds, "rollingUpdate");
                    ru["maxUnavailable"] ??= 1;
                    ru["maxSurge"] ??= 0;
                }
                DefaultPodTemplate(spec);
                break;
            case "ReplicaSet":
                spec ??= Obj(o, "spec");
                spec["replicas"] ??= 1;
                DefaultPodTemplate(spec);
                break;
            case "Pod":
                if (spec is not null)
                {
                    DefaultPodSpec(spec);
                    // The ServiceAccount admission plugin: a pod runs as the namespace's default account unless it names one.
                    spec["serviceAccountName"] ??= spec["serviceAccount"]?.DeepClone() ?? "default";
                    spec["serviceAccount"] ??= spec["serviceAccountName"]!.DeepClone();
                }
                break;
            case "Service":
                spec ??= Obj(o, "spec");
                spec["type"] ??= "ClusterIP";
                spec["sessionAffinity"] ??= "None";
                var type = spec["type"]!.GetValue<string>();
                if (type != "ExternalName")
                {
                    spec["ipFamilies"] ??= new JsonArray("IPv4");
                    spec["ipFamilyPolicy"] ??= "SingleStack";
                    spec["internalTrafficPolicy"] ??= "Cluster";
                }
                if (type is "NodePort" or "LoadBalancer") spec["externalTrafficPolicy"] ??= "Cluster";
                foreach (var p in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    p["protocol"] ??= "TCP";
                    p["targetPort"] ??= p["port"]?.DeepClone();
                }
                break;
            case "Secret":
                o["type"] ??= "Opaque";
                if (o["stringData"] is JsonObject sd)
                {
                    var data = Obj(o, "data");
                    foreach (var (k, v) in sd) data[k] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? ""));
                    o.Remove("stringData");
                }
                break;
            case "Namespace":
                Obj(Obj(o, "metadata"), "labels")["kubernetes.io/metadata.name"] = o["metadata"]!["name"]!.GetValue<string>();
                Obj(o, "spec")["finalizers"] ??= new JsonArray("kubernetes");
                break;
            case "PersistentVolumeClaim":
                if (spec is not null) spec["volumeMode"] ??= "Filesystem";
                break;
            case "StorageClass":
                o["reclaimPolicy"] ??= "Delete";
                o["volumeBindingMode"] ??= "Immediate";
                break;
            default:
                DefaultOther(t, o);
                break;
        }
    }

    private static void DefaultPodTemplate(JsonObject? spec)
    {
        if (spec?["template"]?["spec"] is JsonObject ps) DefaultPodSpec(ps);
    }

    private static void DefaultPodSpec(JsonObject ps)
    {
        ps["restartPolicy"] ??= "Always";
        ps["terminationGracePeriodSeconds"] ??= 30;
        ps["dnsPolicy"] ??= "ClusterFirst";
        ps["schedulerName"] ??= "default-scheduler";
        ps["securityContext"] ??= new JsonObject();
        foreach (var c in (ps["containers"] as JsonArray ?? []).Concat(ps["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            c["resources"] ??= new JsonObject();
            c["terminationMessagePath"] ??= "/dev/termination-log";
            c["terminationMessagePolicy"] ??= "File";
            var image = c["image"]?.GetValue<string>() ?? "";
            var tag = image.Contains('@') ? "digest" : image.LastIndexOf(':') > image.LastIndexOf('/') ? image[(image.LastIndexOf(':') + 1)..] : "latest";
            c["imagePullPolicy"] ??= tag == "latest" ? "Always" : "IfNotPresent";
            foreach (var p in (c["ports"] as JsonArray ?? []).OfType<JsonObject>()) p["protocol"] ??= "TCP";
            foreach (var e in (c["env"] as JsonArray ?? []).OfType<JsonObject>())
                if (e["valueFrom"]?["fieldRef"] is JsonObject fieldRef) fieldRef["apiVersion"] ??= "v1";
        }
    }

    private static JsonObject Obj(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject o) return o;
        o = new JsonObject();
        parent[key] = o;
        return o;
    }

    // ------------------------------------------------------------------ validation

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Dns1123Label();
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")] private static partial Regex Dns1123Subdomain();
    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Dns1035Label();
    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")] private static partial Regex QualifiedName();
    [GeneratedRegex("^[-._a-zA-Z0-9]+$")] private static partial Regex ConfigKey();
    [GeneratedRegex("^[0-9]+%$")] private static partial Regex Percent();

    private sealed class Errors : List<(string Field, string Type, string Detail)>
    {
        public void Required(string f, string d = "") => Add((f, "Required value", d));
        public void Invalid(string f, object? v, string d) => Add((f, "Invalid value", $"{Show(v)}: {d}"));
        public void Unsupported(string f, object? v, string supported) => Add((f, "Unsupported value", $"{Show(v)}: supported values: {supported}"));
        public void Forbidden(string f, string d) => Add((f, "Forbidden", d));
        public void Duplicate(string f, object? v) => Add((f, "Duplicate value", Show(v)));
        public void NotFound(string f, object? v) => Add((f, "Not found", Show(v)));
        private static string Show(object? v) => v is string s ? $"\"{s}\"" : v is JsonNode n ? n.ToJsonString() : v?.ToString() ?? "null";
    }

    /// <summary>A custom resource's status write: its schema and x-kubernetes-validations (no ratcheting, as upstream's status strategy).</summary>
    public static void ValidateStatus(ResourceType t, JsonObject o, JsonObject old)
    {
        if (t.Custom is not { } custom) return;
        var e = Structural.Validate(o, custom.Schema);
        Cel.ValidationRules.Validate(custom.Schema, o, old, e, null, ratchet: false);
        if (e.Count > 0) throw ApiError.Invalid(t, o["metadata"]?["name"]?.GetValue<string>() ?? "", e);
    }

    public static void Validate(ResourceType t, JsonObject o, JsonObject? old, List<string>? warnings = null)
    {
        var e = new Errors();
        var meta = o["metadata"] as JsonObject;
        var name = meta?["name"]?.GetValue<string>() ?? "";
        ValidateName(t.Kind, name, "metadata.name", e);
        foreach (var (k, v) in meta?["labels"] as JsonObject ?? [])
        {
            if (!ValidKey(k)) e.Invalid("metadata.labels", k, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
            var lv = v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
            if (lv.Length > 0 && (lv.Length > 63 || !QualifiedName().IsMatch(lv))) e.Invalid("metadata.labels", lv, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
        }
        foreach (var (k, _) in meta?["annotations"] as JsonObject ?? [])
            if (!ValidKey(k)) e.Invalid("metadata.annotations", k, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        var spec = o["spec"] as JsonObject;
        if (t.Custom is { } custom)
        {
            e.AddRange(Structural.Validate(o, custom.Schema));
            Cel.ValidationRules.Validate(custom.Schema, o, old, e, warnings, ratchet: true);
            if (e.Count > 0) throw ApiError.Invalid(t, name, e);
            return;
        }
        switch (t.Kind)
        {
            case "Deployment":
            case "ReplicaSet":
            case "StatefulSet":
            case "DaemonSet":
                ValidateWorkload(t.Kind, spec, old?["spec"] as JsonObject, e);
                break;
            case "Pod":
                ValidatePodSpec(spec, "spec", e, requireAlways: false);
                break;
            case "Service":
                ValidateService(spec, old?["spec"] as JsonObject, e);
                break;
            case "Ingress":
                ValidateIngress(spec, e);
                break;
            case "Secret":
                var stype = o["type"]?.GetValue<string>();
                if (stype == "kubernetes.io/tls")
                {
                    if (o["data"]?["tls.crt"] is null) e.Required("data[tls.crt]");
                    if (o["data"]?["tls.key"] is null) e.Required("data[tls.key]");
                }
                if (stype == "kubernetes.io/basic-auth" && o["data"]?["username"] is null && o["data"]?["password"] is null)
                    e.Required("data[username]", "");
                if (stype == "kubernetes.io/dockerconfigjson")
                {
                    if (o["data"]?[".dockerconfigjson"]?.GetValue<string>() is not { } dcj) e.Required("data[.dockerconfigjson]");
                    else
                    {
                        try { JsonNode.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(dcj))); }
                        catch (Exception x) when (x is JsonException or FormatException) { e.Invalid("data[.dockerconfigjson]", "<secret contents redacted>", x.Message); }
                    }
                }
                if (old is not null && old["type"]?.GetValue<string>() != stype) e.Invalid("type", stype, "field is immutable");
                ValidateData(o, old, e);
                break;
            case "ConfigMap":
                ValidateData(o, old, e);
                break;
            case "PersistentVolumeClaim":
                var modes = spec?["accessModes"] as JsonArray;
                if (modes is null || modes.Count == 0) e.Required("spec.accessModes");
                foreach (var m in modes ?? [])
                    if (m?.GetValue<string>() is not ("ReadWriteOnce" or "ReadOnlyMany" or "ReadWriteMany" or "ReadWriteOncePod")) e.Unsupported("spec.accessModes", m?.GetValue<string>(), "\"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"");
                var storage = spec?["resources"]?["requests"]?["storage"]?.GetValue<string>();
                if (storage is null) e.Required("spec.resources[storage]");
                else if (Quantities.Value(storage) <= 0) e.Invalid("spec.resources[storage]", storage, "must be greater than zero");
                if (old is not null)
                {
                    var a = (JsonObject)old["spec"]!.DeepClone(); var b = (JsonObject)spec!.DeepClone();
                    a.Remove("resources"); b.Remove("resources"); a.Remove("volumeName"); b.Remove("volumeName");
                    if (!JsonNode.DeepEquals(a, b)) e.Forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
                }
                break;
            default:
                ValidateOther(t, o, old, e);
                break;
        }
        if (e.Count > 0) throw ApiError.Invalid(t, name, e);
    }

    /// <summary>ConfigMap and Secret data: keys, total size, and the immutable flag (V-2, V-8).</summary>
    private static void ValidateData(JsonObject o, JsonObject? old, Errors e)
    {
        long size = 0;
        foreach (var field in new[] { "data", "binaryData" })
            foreach (var (k, v) in o[field] as JsonObject ?? [])
            {
                if (k.Length > 253 || !ConfigKey().IsMatch(k)) e.Invalid($"{field}[{k}]", k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
                size += k.Length + (v?.ToJsonString().Length ?? 0);
            }
        if (size > 1024 * 1024) e.Add(("data", "Too long", "must have at most 1048576 bytes"));
        if (old?["immutable"]?.GetValue<bool>() == true)
        {
            if (!JsonNode.DeepEquals(old["data"], o["data"]) || !JsonNode.DeepEquals(old["binaryData"], o["binaryData"])) e.Forbidden("data", "field is immutable when `immutable` is set");
            if (o["immutable"]?.GetValue<bool>() != true) e.Forbidden("immutable", "field is immutable when `immutable` is set");
        }
    }

    private static bool ValidKey(string k)
    {
        var slash = k.IndexOf('/');
        var n = slash < 0 ? k : k[(slash + 1)..];
        if (slash >= 0 && (slash == 0 || slash > 253 || !Dns1123Subdomain().IsMatch(k[..slash]))) return false;
        return n.Length is > 0 and <= 63 && QualifiedName().IsMatch(n);
    }

    /// <summary>IANA_SVC_NAME: at most 15 lowercase alphanumerics and '-', at least one letter, no '-' at either end, no "--".</summary>
    private static bool IanaSvcName(string s) =>
        s.Length is > 0 and <= 15 && Dns1123Label().IsMatch(s) && s.Any(char.IsLetter) && !s.Contains("--", StringComparison.Ordinal);

    private static void ValidateName(string kind, string name, string field, Errors e)
    {
        if (name.Length == 0) { e.Required(field, "name or generateName is required"); return; }
        switch (kind)
        {
            case "Namespace":
                if (name.Length > 63 || !Dns1123Label().IsMatch(name)) e.Invalid(field, name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
                break;
            case "Service":
                if (name.Length > 63 || !Dns1035Label().IsMatch(name)) e.Invalid(field, name, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
                break;
            case "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding":
                // RBAC names are path segments ("system:basic-user" is valid).
                if (name is "." or "..") e.Invalid(field, name, $"may not be '{name}'");
                else if (name.Contains('/') || name.Contains('%')) e.Invalid(field, name, $"may not contain '{(name.Contains('/') ? '/' : '%')}'");
                break;
            default:
                if (name.Length > 253 || !Dns1123Subdomain().IsMatch(name)) e.Invalid(field, name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
                break;
        }
    }

    private static void ValidateWorkload(string kind, JsonObject? spec, JsonObject? oldSpec, Errors e)
    {
        var selector = spec?["selector"]?["matchLabels"] as JsonObject;
        var exprs = spec?["selector"]?["matchExpressions"] as JsonArray;
        if (spec?["selector"] is null || ((selector is null || selector.Count == 0) && (exprs is null || exprs.Count == 0)))
            e.Required("spec.selector");
        var labels = spec?["template"]?["metadata"]?["labels"] as JsonObject;
        if (selector is not null && selector.Any(p => labels?[p.Key]?.GetValue<string>() != p.Value?.GetValue<string>()))
            e.Invalid("spec.template.metadata.labels", labels?.ToJsonString() ?? "map[]", "`selector` does not match template `labels`");
        if (spec?["replicas"]?.AsInt() < 0) e.Invalid("spec.replicas", spec!["replicas"]!.AsInt(), "must be greater than or equal to 0");
        if (kind == "Deployment" && spec is not null)
        {
            var st = spec["strategy"] as JsonObject;
            if (st?["type"]?.GetValue<string>() == "Recreate" && st["rollingUpdate"] is not null) e.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
            if (st?["type"]?.GetValue<string>() is { } ty && ty is not ("Recreate" or "RollingUpdate")) e.Unsupported("spec.strategy.type", ty, "\"Recreate\", \"RollingUpdate\"");
            var ru = st?["rollingUpdate"] as JsonObject;
            var surge = IntOrPercent(ru?["maxSurge"], "spec.strategy.rollingUpdate.maxSurge", e);
            var unavail = IntOrPercent(ru?["maxUnavailable"], "spec.strategy.rollingUpdate.maxUnavailable", e);
            if (ru is not null && surge == 0 && unavail == 0) e.Invalid("spec.strategy.rollingUpdate.maxUnavailable", 0, "may not be 0 when `maxSurge` is 0");
            var pds = spec["progressDeadlineSeconds"]?.AsInt();
            var mrs = spec["minReadySeconds"]?.AsInt() ?? 0;
            if (pds is not null && pds <= mrs) e.Invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds");
        }
        if (oldSpec is not null && kind is "Deployment" or "DaemonSet" or "ReplicaSet" && !JsonNode.DeepEquals(oldSpec["selector"], spec?["selector"]))
            e.Invalid("spec.selector", spec?["selector"]?.ToJsonString(), "field is immutable");
        if (oldSpec is not null && kind == "StatefulSet" && spec is not null)
        {
            var a = (JsonObject)oldSpec.DeepClone(); var b = (JsonObject)spec.DeepClone();
            foreach (var allowed in new[] { "replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds" }) { a.Remove(allowed); b.Remove(allowed); }
            if (!JsonNode.DeepEquals(a, b)) e.Forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
        }
        var claimNames = (spec?["volumeClaimTemplates"] as JsonArray ?? []).Select(v => v?["metadata"]?["name"]?.GetValue<string>() ?? "").ToHashSet();
        ValidatePodSpec(spec?["template"]?["spec"] as JsonObject, "spec.template.spec", e, requireAlways: true, claimNames);
    }

    private static int? IntOrPercent(JsonNode? v, string field, Errors e)
    {
        if (v is null) return null;
        if (v.GetValueKind() == JsonValueKind.Number)
        {
            var n = v.AsInt();
            if (n < 0) e.Invalid(field, n, "must be greater than or equal to 0");
            return n;
        }
        var s = v.GetValue<string>();
        if (!Percent().IsMatch(s)) { e.Invalid(field, s, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"); return null; }
        var p = int.Parse(s.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
        if (p > 100) e.Invalid(field, s, "must not be greater than 100%");
        return p;
    }

    private static void ValidatePodSpec(JsonObject? ps, string f, Errors e, bool requireAlways, HashSet<string>? claimVolumes = null)
    {
        var containers = ps?["containers"] as JsonArray;
        if (containers is null || containers.Count == 0) { e.Required($"{f}.containers"); return; }
        var volumes = new HashSet<string>();
        foreach (var (v, i) in (ps!["volumes"] as JsonArray ?? []).Select((v, i) => (v, i)))
        {
            var vn = v?["name"]?.GetValue<string>() ?? "";
            if (vn.Length == 0 || vn.Length > 63 || !Dns1123Label().IsMatch(vn)) e.Invalid($"{f}.volumes[{i}].name", vn, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'");
            else if (!volumes.Add(vn)) e.Duplicate($"{f}.volumes[{i}].name", vn);
        }
        var names = new HashSet<string>();
        var all = containers.Select((c, i) => (c, i, "containers")).Concat((ps["initContainers"] as JsonArray ?? []).Select((c, i) => (c, i, "initContainers")));
        foreach (var (c, i, list) in all)
        {
            var cf = $"{f}.{list}[{i}]";
            var cn = c?["name"]?.GetValue<string>() ?? "";
            if (cn.Length == 0) e.Required($"{cf}.name");
            else if (cn.Length > 63 || !Dns1123Label().IsMatch(cn)) e.Invalid($"{cf}.name", cn, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
            else if (!names.Add(cn)) e.Duplicate($"{cf}.name", cn);
            if (string.IsNullOrEmpty(c?["image"]?.GetValue<string>())) e.Required($"{cf}.image");
            var portNames = new HashSet<string>();
            foreach (var (p, j) in (c?["ports"] as JsonArray ?? []).Select((p, j) => (p, j)))
            {
                var cp = p?["containerPort"]?.AsInt() ?? 0;
                if (cp is < 1 or > 65535) e.Invalid($"{cf}.ports[{j}].containerPort", cp, "must be between 1 and 65535, inclusive");
                if (p?["name"]?.GetValue<string>() is { } pn && (!IanaSvcName(pn) || !portNames.Add(pn)))
                    e.Invalid($"{cf}.ports[{j}].name", pn, "must be no more than 15 characters, contain only lowercase alphanumerics and '-', contain at least one letter, and be unique");
            }
            foreach (var (m, j) in (c?["volumeMounts"] as JsonArray ?? []).Select((m, j) => (m, j)))
                if (!volumes.Contains(m?["name"]?.GetValue<string>() ?? "") && claimVolumes?.Contains(m?["name"]?.GetValue<string>() ?? "") != true) e.NotFound($"{cf}.volumeMounts[{j}].name", m?["name"]?.GetValue<string>());
        }
        if (requireAlways && ps["restartPolicy"]?.GetValue<string>() is { } rp && rp != "Always") e.Unsupported($"{f}.restartPolicy", rp, "\"Always\"");
    }

    private static void ValidateService(JsonObject? spec, JsonObject? oldSpec, Errors e)
    {
        var type = spec?["type"]?.GetValue<string>() ?? "ClusterIP";
        if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName")) e.Unsupported("spec.type", type, "\"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        var ports = spec?["ports"] as JsonArray;
        var headless = spec?["clusterIP"]?.GetValue<string>() == "None";
        if (type == "ExternalName" && string.IsNullOrEmpty(spec?["externalName"]?.GetValue<string>())) e.Required("spec.externalName");
        if ((ports is null || ports.Count == 0) && type != "ExternalName" && !headless) e.Required("spec.ports");
        var seen = new HashSet<string>();
        var names = new HashSet<string>();
        foreach (var (p, i) in (ports ?? []).Select((p, i) => (p, i)))
        {
            var port = p?["port"]?.AsInt() ?? 0;
            if (port is < 1 or > 65535) e.Invalid($"spec.ports[{i}].port", port, "must be between 1 and 65535, inclusive");
            var proto = p?["protocol"]?.GetValue<string>() ?? "TCP";
            if (proto is not ("TCP" or "UDP" or "SCTP")) e.Unsupported($"spec.ports[{i}].protocol", proto, "\"SCTP\", \"TCP\", \"UDP\"");
            if (!seen.Add($"{port}/{proto}")) e.Duplicate($"spec.ports[{i}]", $"{port}/{proto}");
            var pn = p?["name"]?.GetValue<string>();
            if (ports!.Count > 1 && string.IsNullOrEmpty(pn)) e.Required($"spec.ports[{i}].name");
            if (pn is not null && (!Dns1123Label().IsMatch(pn) || !names.Add(pn))) e.Invalid($"spec.ports[{i}].name", pn, "must be a unique DNS-1123 label");
            if (p?["nodePort"] is { } np)
            {
                if (type is not ("NodePort" or "LoadBalancer")) e.Forbidden($"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'");
                else if (np.AsInt() is < 30000 or > 32767) e.Invalid($"spec.ports[{i}].nodePort", np.AsInt(), "provided port is not in the valid range. The range of valid ports is 30000-32767");
            }
            if (p?["targetPort"] is { } tp && tp.GetValueKind() == JsonValueKind.Number && tp.AsInt() is < 1 or > 65535)
                e.Invalid($"spec.ports[{i}].targetPort", tp.AsInt(), "must be between 1 and 65535, inclusive");
            else if (p?["targetPort"] is { } tps && tps.GetValueKind() == JsonValueKind.String && !IanaSvcName(tps.GetValue<string>()))
                e.Invalid($"spec.ports[{i}].targetPort", tps.GetValue<string>(), "must contain only lowercase alphanumeric characters and '-', at least one letter, no more than 15 characters, and no '-' at either end or '--'");
        }
        if (oldSpec?["clusterIP"] is { } oip && spec?["clusterIP"] is { } nip && oip.GetValue<string>() != nip.GetValue<string>())
            e.Invalid("spec.clusterIPs[0]", nip.GetValue<string>(), "may not change once set");
    }

    private static void ValidateIngress(JsonObject? spec, Errors e)
    {
        var rules = spec?["rules"] as JsonArray;
        if ((rules is null || rules.Count == 0) && spec?["defaultBackend"] is null) e.Required("spec", "either `defaultBackend` or `rules` must be specified");
        foreach (var (r, i) in (rules ?? []).Select((r, i) => (r, i)))
        {
            if (r?["host"]?.GetValue<string>() is { } host)
            {
                var h = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
                if (System.Net.IPAddress.TryParse(host, out _)) e.Invalid($"spec.rules[{i}].host", host, "must be a DNS name, not an IP address");
                else if (!Dns1123Subdomain().IsMatch(h)) e.Invalid($"spec.rules[{i}].host", host, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'");
            }
            if (r?["http"] is JsonObject http)
            {
                if (http["paths"] is not JsonArray paths || paths.Count == 0) { e.Required($"spec.rules[{i}].http.paths"); continue; }
                foreach (var (p, j) in paths.Select((p, j) => (p, j)))
                {
                    var pf = $"spec.rules[{i}].http.paths[{j}]";
                    var pt = p?["pathType"]?.GetValue<string>();
                    if (pt is null) e.Required($"{pf}.pathType", "pathType must be specified");
                    else if (pt is not ("Exact" or "Prefix" or "ImplementationSpecific")) e.Unsupported($"{pf}.pathType", pt, "\"Exact\", \"ImplementationSpecific\", \"Prefix\"");
                    var path = p?["path"]?.GetValue<string>() ?? "";
                    if (pt is "Exact" or "Prefix")
                    {
                        if (!path.StartsWith('/')) e.Invalid($"{pf}.path", path, "must be an absolute path");
                        foreach (var bad in new[] { "//", "/./", "/../", "%2f", "%2F" }) if (path.Contains(bad, StringComparison.Ordinal)) e.Invalid($"{pf}.path", path, $"must not contain '{bad}'");
                        if (path.EndsWith("/..", StringComparison.Ordinal) || path.EndsWith("/.", StringComparison.Ordinal)) e.Invalid($"{pf}.path", path, "must not end with '/..' or '/.'");
                    }
                    var be = p?["backend"] as JsonObject;
                    var svc = be?["service"] as JsonObject;
                    if ((svc is null) == (be?["resource"] is null)) e.Invalid($"{pf}.backend", "", "cannot set both service and resource backends, and one is required");
                    if (svc is not null)
                    {
                        if (string.IsNullOrEmpty(svc["name"]?.GetValue<string>())) e.Required($"{pf}.backend.service.name");
                        var hasName = svc["port"]?["name"] is not null; var hasNum = svc["port"]?["number"] is not null;
                        if (hasName == hasNum) e.Invalid($"{pf}.backend.service.port", "", "must specify exactly one of port name and number");
                    }
                }
            }
        }
    }
}
