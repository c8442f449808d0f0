using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Manifests.Rollout;

/// <summary>
/// Blue/green without a second load balancer: the new version runs beside the live one as a copy of its Deployment
/// with a colour label, and the Service's selector switches colour in one write once the new copy is ready.
/// </summary>
public static class BlueGreen
{
    public const string ColorLabel = "kubeops.io/color";
    public const string ActiveAnnotation = "kubeops.io/active-deployment";
    public const string PreviousAnnotation = "kubeops.io/previous-deployment";
    public const string KeepUntilAnnotation = "kubeops.io/keep-previous-until";

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
    /// The merge patch that points the Service at a colour (null: the original, uncoloured version) and records which
    /// Deployment is live and which is kept.
    /// </summary>
    public static JsonObject SwitchPatch(object service, string? color, string active, string? previous, DateTimeOffset? keepUntil)
    {
        var svc = KoYaml.ToJsonObject(service);
        if (svc["spec"]?["selector"] is not JsonObject selector || selector.Count == 0)
            throw Validate.Invalid("-ServiceName", svc["metadata"]?["name"]?.GetValue<string>(), "The Service has no selector to switch.");
        var newSelector = (JsonObject)selector.DeepClone();
        newSelector[ColorLabel] = color;
        var annotations = new JsonObject { [ActiveAnnotation] = active, [PreviousAnnotation] = previous, [KeepUntilAnnotation] = keepUntil?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) };
        return new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations }, ["spec"] = new JsonObject { ["selector"] = newSelector } };
    }
}
