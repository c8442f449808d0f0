using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.Rollout;

/// <summary>The state of a blue/green pair after a switch: the Service, the live copy, and the previous one kept for a rollback.</summary>
public sealed record BlueGreenResult(string Service, string Namespace, string Active, string? Previous, string Color, int? PreviousReplicas);

/// <summary>What a switch will do, read and checked before anything changes (for ShouldProcess).</summary>
public sealed record BlueGreenPlan(string Namespace, string Service, string Live, string Next, string? NextColor, JsonObject? Copy, JsonObject Patch, int FullReplicas, IReadOnlyList<string> Remove);

/// <summary>
/// Blue/green through the gateway: plan (read the Service and the live copy, refuse when the Service selects none of
/// its pods), then run (deploy the next colour, wait until it is ready, switch the selector in one write, scale the
/// previous colour as asked and remove older copies). The Service's annotations name every copy that exists.
/// </summary>
public sealed class BlueGreenSwitch(ClusterGateway gateway)
{
    private static readonly KubeKind ServiceKind = KubeTypes.Find("v1", "Service")!;
    private static readonly KubeKind DeploymentKind = KubeTypes.Find("apps/v1", "Deployment")!;

    /// <summary>Plans deploying <paramref name="singleImage"/>/<paramref name="images"/> as the next colour beside the live copy.</summary>
    public async Task<BlueGreenPlan> PlanDeployAsync(string ns, string serviceName, string name, string? singleImage, IReadOnlyDictionary<string, string> images, bool removePrevious, CancellationToken ct)
    {
        var service = await ServiceAsync(ns, serviceName, ct).ConfigureAwait(false);
        var books = Books(service);
        var baseName = name.EndsWith("-blue", StringComparison.Ordinal) ? name[..^5] : name.EndsWith("-green", StringComparison.Ordinal) ? name[..^6] : name;
        var liveName = books.Active ?? name;
        var live = await DeploymentAsync(ns, liveName, ct).ConfigureAwait(false)
            ?? throw new KoOperationException("NotFound", "ObjectNotFound", $"Deployment {ns}/{liveName} was not found.", liveName, $"List them with Get-KoResource Deployment -Namespace {ns}.");
        BlueGreenBuilder.CheckSelects(service, live);
        var color = BlueGreenBuilder.Value(service.Spec.Selector, BlueGreenBuilder.ColorLabel);
        var next = BlueGreenBuilder.Other(color);
        var copy = BlueGreenBuilder.NextDeployment(live, baseName, next, images, singleImage);
        var nextName = copy["metadata"]!["name"]!.GetValue<string>();
        var full = live.Spec.Replicas ?? 1;
        // Older copies: the ones of this pair that will be neither active nor previous after the switch.
        var remove = new List<string>();
        foreach (var candidate in new[] { baseName, $"{baseName}-blue", $"{baseName}-green", books.Previous }.Distinct())
        {
            if (candidate is null || candidate == nextName || (candidate == liveName && !removePrevious)) continue;
            if (await DeploymentAsync(ns, candidate, ct).ConfigureAwait(false) is { } old && BlueGreenBuilder.IsCopyOf(old, service)) remove.Add(candidate);
        }
        var patch = BlueGreenBuilder.SwitchPatch(service, next, nextName, removePrevious ? null : liveName, removePrevious ? null : full);
        return new BlueGreenPlan(ns, serviceName, liveName, nextName, next, copy, patch, full, remove);
    }

    /// <summary>Plans switching the Service back to the previous copy the Service records.</summary>
    public async Task<BlueGreenPlan> PlanRollbackAsync(string ns, string serviceName, CancellationToken ct)
    {
        var service = await ServiceAsync(ns, serviceName, ct).ConfigureAwait(false);
        var books = Books(service);
        if (books.Previous is null)
            throw new KoOperationException("NoPreviousVersion", "ObjectNotFound", $"Service {ns}/{serviceName} records no previous version to switch back to.", serviceName);
        var prev = await DeploymentAsync(ns, books.Previous, ct).ConfigureAwait(false)
            ?? throw new KoOperationException("PreviousGone", "ObjectNotFound", $"The previous version {books.Previous} is gone; deploy it again with Switch-KoBlueGreen.", serviceName);
        var prevColor = BlueGreenBuilder.Value(prev.Spec.Template.Metadata?.Labels, BlueGreenBuilder.ColorLabel);
        var full = books.PreviousReplicas ?? (prev.Spec.Replicas is > 0 ? prev.Spec.Replicas.Value : 1);
        var patch = BlueGreenBuilder.SwitchPatch(service, prevColor, books.Previous, books.Active, books.Active is null ? null : full);
        return new BlueGreenPlan(ns, serviceName, books.Active ?? serviceName, books.Previous, prevColor, null, patch, full, []);
    }

    /// <summary>
    /// Carries out a plan. <paramref name="keepPrevious"/>: the replicas the previous copy keeps (null: all of them).
    /// <paramref name="progress"/> hears each state of the copy being waited for.
    /// </summary>
    public async Task<BlueGreenResult> RunAsync(BlueGreenPlan plan, int? keepPrevious, TimeSpan timeout, Action<string>? progress, CancellationToken ct)
    {
        var ns = plan.Namespace;
        if (plan.Copy is not null) await gateway.ApplyAsync(plan.Copy, new ApplyOptions(Force: true), ct).ConfigureAwait(false);
        else await ScaleAsync(ns, plan.Next, plan.FullReplicas, ct).ConfigureAwait(false); // a rollback target kept at fewer replicas
        var (_, state) = await gateway.WaitAsync(DeploymentKind, ns, plan.Next, RolloutStatus.Evaluate, timeout, s => progress?.Invoke($"{plan.Next}: {s.Status}"), ct).ConfigureAwait(false);
        if (!state.Done)
            throw new KoOperationException("NewVersionNotReady", "InvalidResult", $"{plan.Next} did not become ready ({state.Status}); the Service still points at {plan.Live}.", plan.Next,
                $"Look at its pods (Get-KoResource Pod -LabelSelector {BlueGreenBuilder.ColorLabel}={plan.NextColor}) and remove it with Remove-KoResource Deployment {plan.Next}.");
        await gateway.MergePatchAsync(ServiceKind, ns, plan.Service, plan.Patch, ct).ConfigureAwait(false);
        var previous = plan.Patch["metadata"]!["annotations"]![BlueGreenBuilder.PreviousAnnotation]?.GetValue<string>();
        int? previousReplicas = null;
        if (previous is not null)
        {
            // The original version has no colour label, so an uncoloured selector also matches the newer copy's pods: scale that copy to zero.
            previousReplicas = plan.Copy is null && plan.NextColor is null ? 0 : keepPrevious ?? plan.FullReplicas;
            if (previousReplicas != plan.FullReplicas) await ScaleAsync(ns, previous, previousReplicas.Value, ct).ConfigureAwait(false);
        }
        foreach (var old in plan.Remove) await gateway.DeleteAsync(DeploymentKind, ns, old, ct: ct).ConfigureAwait(false);
        return new BlueGreenResult(plan.Service, ns, plan.Next, previous, plan.NextColor ?? "(original)", previousReplicas);
    }

    private Task<object> ScaleAsync(string ns, string name, int replicas, CancellationToken ct) =>
        gateway.MergePatchAsync(DeploymentKind, ns, name, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, ct);

    private async Task<V1Service> ServiceAsync(string ns, string name, CancellationToken ct) =>
        (V1Service?)await gateway.GetAsync(ServiceKind, ns, name, ct).ConfigureAwait(false)
        ?? throw new KoOperationException("NotFound", "ObjectNotFound", $"Service {ns}/{name} was not found.", name, $"List them with Get-KoResource Service -Namespace {ns}.");

    private async Task<V1Deployment?> DeploymentAsync(string ns, string name, CancellationToken ct) =>
        (V1Deployment?)await gateway.GetAsync(DeploymentKind, ns, name, ct).ConfigureAwait(false);

    private static (string? Active, string? Previous, int? PreviousReplicas) Books(V1Service service)
    {
        var a = service.Metadata.Annotations;
        var previous = BlueGreenBuilder.Value(a, BlueGreenBuilder.PreviousAnnotation);
        return (BlueGreenBuilder.Value(a, BlueGreenBuilder.ActiveAnnotation), string.IsNullOrEmpty(previous) ? null : previous,
            int.TryParse(BlueGreenBuilder.Value(a, BlueGreenBuilder.PreviousReplicasAnnotation), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null);
    }
}
