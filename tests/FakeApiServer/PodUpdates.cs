using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The rule for updating a Pod's spec: only container and init container images, activeDeadlineSeconds, added
/// tolerations, removed scheduling gates and a negative terminationGracePeriodSeconds set to 1 may change.
/// </summary>
internal static class PodUpdates
{
    private const string Updatable = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public static void Validate(ResourceType t, string name, JsonObject updated, JsonObject old)
    {
        if (updated["spec"] is not JsonObject spec || old["spec"] is not JsonObject before) return;
        // The old spec with every allowed change of the new one carried over must equal the new spec.
        var munged = (JsonObject)before.DeepClone();
        foreach (var list in new[] { "containers", "initContainers" })
        {
            var now = spec[list] as JsonArray;
            if (munged[list] is not JsonArray was || now is null || was.Count != now.Count) continue;
            for (var i = 0; i < was.Count; i++)
                if (was[i] is JsonObject c && now[i]?["image"] is { } image) c["image"] = image.DeepClone();
        }
        foreach (var f in new[] { "activeDeadlineSeconds", "tolerations", "schedulingGates" })
            if (spec[f] is { } v) munged[f] = v.DeepClone(); else munged.Remove(f);
        if (before["terminationGracePeriodSeconds"]?.AsLong() is < 0 && spec["terminationGracePeriodSeconds"]?.AsLong() == 1) munged["terminationGracePeriodSeconds"] = 1;
        if (!JsonNode.DeepEquals(munged.Normalize(), spec.Normalize()))
            throw ApiError.Invalid(t, name, [("spec", "Forbidden", "pod updates may not change fields other than " + Updatable)]);
    }
}
