using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Rollout;

/// <summary>
/// Builds the server-side apply configuration of a rolling update: only the fields it changes (container images,
/// strategy, change cause), applied under its own field manager so the owner of the rest keeps it.
/// </summary>
public static class RollingUpdateBuilder
{
    public const string FieldManager = "kubeops-rollout";

    public static JsonObject Build(object live, RollingUpdateOptions o)
    {
        var json = KoYaml.ToJsonObject(live);
        var kind = json["kind"]!.GetValue<string>();
        if (kind is not ("Deployment" or "StatefulSet" or "DaemonSet"))
            throw Validate.Invalid("-Kind", kind, $"A rolling update works on Deployments, StatefulSets and DaemonSets, not a {kind}.");
        var name = json["metadata"]!["name"]!.GetValue<string>();
        var containers = (json["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => c["name"]!.GetValue<string>()).ToList();
        var images = new Dictionary<string, string>(o.Images, StringComparer.Ordinal);
        if (o.SingleImage is not null)
        {
            if (containers.Count != 1)
                throw Validate.Invalid("-Image", o.SingleImage, $"{kind} {name} has {containers.Count} containers ({string.Join(", ", containers)}); say which gets the image: -Image @{{ {containers.FirstOrDefault() ?? "name"} = '{o.SingleImage}' }}.");
            images[containers[0]] = o.SingleImage;
        }
        foreach (var (c, image) in images)
        {
            if (!containers.Contains(c)) throw Validate.Invalid("-Image", c, $"{kind} {name} has no container '{c}'; its containers are {string.Join(", ", containers)}.");
            Validate.Image(image, $"-Image[{c}]");
        }
        var spec = new JsonObject();
        if (images.Count > 0)
        {
            var list = new JsonArray();
            foreach (var (c, image) in images) list.Add(new JsonObject { ["name"] = c, ["image"] = image });
            spec["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = list } };
        }
        if (o.MaxSurge is not null || o.MaxUnavailable is not null)
        {
            var ru = new JsonObject();
            if (o.MaxSurge is not null) ru["maxSurge"] = AsJson(Validate.IntOrPercent(o.MaxSurge, "-MaxSurge"));
            if (o.MaxUnavailable is not null) ru["maxUnavailable"] = AsJson(Validate.IntOrPercent(o.MaxUnavailable, "-MaxUnavailable"));
            if (kind == "Deployment") spec["strategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = ru };
            else if (kind == "DaemonSet") spec["updateStrategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = ru };
            else throw Validate.Invalid("-MaxSurge", o.MaxSurge ?? o.MaxUnavailable, "A StatefulSet replaces pods one at a time; -MaxSurge and -MaxUnavailable apply to Deployments and DaemonSets.");
        }
        if (o.MinReadySeconds is { } mrs) spec["minReadySeconds"] = mrs >= 0 ? mrs : throw Validate.Invalid("-MinReadySeconds", mrs, "-MinReadySeconds cannot be negative.");
        if (o.ProgressDeadlineSeconds is { } pds)
        {
            if (kind != "Deployment") throw Validate.Invalid("-ProgressDeadline", pds, "Only Deployments have a progress deadline; use -Timeout.");
            if (pds <= (o.MinReadySeconds ?? 0)) throw Validate.Invalid("-ProgressDeadline", pds, "-ProgressDeadline must be longer than -MinReadySeconds.");
            spec["progressDeadlineSeconds"] = pds;
        }
        if (spec.Count == 0) throw Validate.Invalid("-Image", null, "Nothing to change: give -Image (or a strategy setting).");
        var meta = new JsonObject { ["name"] = name, ["namespace"] = json["metadata"]!["namespace"]?.DeepClone() };
        if (o.ChangeCause is not null) meta["annotations"] = new JsonObject { ["kubernetes.io/change-cause"] = o.ChangeCause };
        return new JsonObject { ["apiVersion"] = json["apiVersion"]!.DeepClone(), ["kind"] = kind, ["metadata"] = meta, ["spec"] = spec };
    }

    private static JsonNode AsJson(k8s.Models.IntOrString v) =>
        int.TryParse(v.Value, out var n) ? JsonValue.Create(n) : JsonValue.Create(v.Value);
}
