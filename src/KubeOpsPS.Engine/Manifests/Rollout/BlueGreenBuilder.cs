using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Rollout;

/// <summary>
/// Blue/green without a second load balancer: the new version runs beside the live one as a copy of its Deployment
/// with a colour label, and the Service's selector switches colour in one write once the new copy is ready.
/// </summary>
public static class BlueGreenBuilder
{
    public const string ColorLabel = "kubeops.io/color";
    public const string ActiveAnnotation = "kubeops.io/active-deployment";
    public const string PreviousAnnotation = "kubeops.io/previous-deployment";
    public const string PreviousReplicasAnnotation = "kubeops.io/previous-replicas";

    /// <summary>A label's or annotation's value; null when absent.</summary>
    public static string? Value(IDictionary<string, string>? map, string key) => map is not null && map.TryGetValue(key, out var v) ? v : null;

    public static string Other(string? color) => color == "green" ? "blue" : "green";

    /// <summary>The copy of <paramref name="live"/> for the next colour, running <paramref name="image"/> (all containers for a single image, or the named ones).</summary>
    public static JsonObject NextDeployment(object live, string baseName, string color, IReadOnlyDictionary<string, string> images, string? singleImage)
    {
        var src = KoYaml.ToJsonObject(live);
        var name = Validate.Subdomain($"{baseName}-{color}", "-Name");
        var meta = new JsonObject { ["name"] = name, ["namespace"] = src["metadata"]?["namespace"]?.DeepClone() };
        if (src["metadata"]?["labels"] is JsonObject labels) meta["labels"] = labels.DeepClone();
        var spec = (JsonObject)src["spec"]!.DeepClone();
        var matchLabels = spec["selector"]?["matchLabels"] as JsonObject ?? throw Validate.Invalid("-Name", baseName, $"Deployment {baseName} has no matchLabels selector to add a colour to.");
        matchLabels[ColorLabel] = color;
        var tmeta = spec["template"]!["metadata"] as JsonObject ?? new JsonObject();
        spec["template"]!["metadata"] = tmeta;
        var tlabels = tmeta["labels"] as JsonObject ?? new JsonObject();
        tmeta["labels"] = tlabels;
        tlabels[ColorLabel] = color;
        var containers = (spec["template"]!["spec"]!["containers"] as JsonArray)!.OfType<JsonObject>().ToList();
        if (singleImage is not null)
        {
            if (containers.Count != 1) throw Validate.Invalid("-Image", singleImage, $"Deployment {baseName} has {containers.Count} containers; give -Image @{{ name = 'image' }}.");
            containers[0]["image"] = Validate.Image(singleImage, "-Image");
        }
        foreach (var (c, image) in images)
        {
            var target = containers.FirstOrDefault(x => x["name"]?.GetValue<string>() == c) ?? throw Validate.Invalid("-Image", c, $"Deployment {baseName} has no container '{c}'.");
            target["image"] = Validate.Image(image, $"-Image[{c}]");
        }
        return new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = meta, ["spec"] = spec };
    }

    /// <summary>
    /// Refuses a switch when the Service's selector matches none of the live Deployment's pods (it would select zero
    /// pods before and after), naming the labels that differ.
    /// </summary>
    public static void CheckSelects(V1Service service, V1Deployment live)
    {
        var labels = live.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>();
        var selector = service.Spec.Selector ?? new Dictionary<string, string>();
        var missing = selector.Where(p => Value(labels, p.Key) != p.Value).Select(p => $"{p.Key}={p.Value}").ToList();
        if (missing.Count == 0) return;
        var have = string.Join(", ", labels.Select(p => $"{p.Key}={p.Value}"));
        throw new KoOperationException("SelectorMatchesNoPods", "InvalidOperation",
            $"Service {service.Metadata.NamespaceProperty}/{service.Metadata.Name} selects {string.Join(", ", selector.Select(p => $"{p.Key}={p.Value}"))}, but the pods of Deployment {live.Metadata.Name} are labelled {(have.Length == 0 ? "with nothing" : have)} (not matched: {string.Join(", ", missing)}); nothing was changed.",
            service.Metadata.Name, "Make the Service's selector match the Deployment's pod labels (or switch the Deployment the Service really serves), then run Switch-KoBlueGreen again.");
    }

    /// <summary>Whether a Deployment is one of the Service's copies: its pods carry the Service's selector apart from the colour.</summary>
    public static bool IsCopyOf(V1Deployment deployment, V1Service service)
    {
        var labels = deployment.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>();
        return (service.Spec.Selector ?? new Dictionary<string, string>()).Where(p => p.Key != ColorLabel).All(p => Value(labels, p.Key) == p.Value);
    }

    /// <summary>
    /// The merge patch that points the Service at a colour (null: the original, uncoloured version) and records which
    /// Deployment is live, which is kept for a rollback and the replicas that one runs at full size.
    /// </summary>
    public static JsonObject SwitchPatch(object service, string? color, string active, string? previous, int? previousReplicas)
    {
        var svc = KoYaml.ToJsonObject(service);
        if (svc["spec"]?["selector"] is not JsonObject selector || selector.Count == 0)
            throw Validate.Invalid("-ServiceName", svc["metadata"]?["name"]?.GetValue<string>(), "The Service has no selector to switch.");
        var newSelector = (JsonObject)selector.DeepClone();
        newSelector[ColorLabel] = color;
        var annotations = new JsonObject { [ActiveAnnotation] = active, [PreviousAnnotation] = previous, [PreviousReplicasAnnotation] = previousReplicas?.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations }, ["spec"] = new JsonObject { ["selector"] = newSelector } };
    }
}
