using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Rollout;

/// <summary>The state of a blue/green pair after a switch.</summary>
public sealed record BlueGreenResult(string Service, string Namespace, string Active, string? Previous, string Color, DateTimeOffset? KeepPreviousUntil);

/// <summary>Deploys a new version beside the live one and switches the Service to it once it is ready; or switches back.</summary>
[Cmdlet(VerbsCommon.Switch, "KoBlueGreen", SupportsShouldProcess = true, DefaultParameterSetName = "Deploy")]
[OutputType(typeof(BlueGreenResult))]
public sealed class SwitchKoBlueGreenCommand : KoClusterCmdlet
{
    /// <summary>The Service whose selector switches between the versions.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(ServiceCompleter))]
    public string ServiceName { get; set; } = string.Empty;

    /// <summary>The live Deployment (the first time) or the base name of the pair (name-blue, name-green).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Deploy")]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>The new version's image, or a hashtable of container name → image.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Deploy")]
    public object Image { get; set; } = string.Empty;

    /// <summary>The namespace; default the context's namespace.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>How long the previous version is kept running (recorded on the Service) so -Rollback is instant. Default 1 hour.</summary>
    [Parameter(ParameterSetName = "Deploy")]
    public TimeSpan KeepPrevious { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Delete the previous version right after switching.</summary>
    [Parameter(ParameterSetName = "Deploy")]
    public SwitchParameter RemovePrevious { get; set; }

    /// <summary>Switch the Service back to the previous version (still running).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Rollback")]
    public SwitchParameter Rollback { get; set; }

    /// <summary>How long to wait for the new version to be ready. Default 10 minutes.</summary>
    [Parameter(ParameterSetName = "Deploy")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    protected override void EndProcessing()
    {
        Build(() => Engine.Validation.Validate.Dns1035(ServiceName, "-ServiceName"));
        if (Namespace is not null) Build(() => Engine.Validation.Validate.Label(Namespace, "-Namespace"));
        var gateway = Connect();
        var ns = NamespaceOrDefault(Namespace);
        var svcKind = KubeTypes.Find("v1", "Service")!;
        var deployKind = KubeTypes.Find("apps/v1", "Deployment")!;
        try
        {
            var service = (V1Service?)Run(ct => gateway.GetAsync(svcKind, ns, ServiceName, ct))
                ?? throw new KoClusterException("NotFound", "ObjectNotFound", $"Service {ns}/{ServiceName} was not found.", ServiceName);
            IReadOnlyDictionary<string, string> annotations = new Dictionary<string, string>(service.Metadata.Annotations ?? new Dictionary<string, string>());
            var color = service.Spec.Selector?.TryGetValue(BlueGreen.ColorLabel, out var c) == true ? c : null;
            if (Rollback)
            {
                if (!annotations.TryGetValue(BlueGreen.PreviousAnnotation, out var previous) || string.IsNullOrEmpty(previous))
                    Fail(new KoClusterException("NoPreviousVersion", "ObjectNotFound", $"Service {ns}/{ServiceName} records no previous version to switch back to.", ServiceName));
                var prev = (V1Deployment?)Run(ct => gateway.GetAsync(deployKind, ns, annotations[BlueGreen.PreviousAnnotation], ct))
                    ?? throw new KoClusterException("PreviousGone", "ObjectNotFound", $"The previous version {annotations[BlueGreen.PreviousAnnotation]} is gone; deploy it again with Switch-KoBlueGreen.", ServiceName);
                var prevColor = prev.Spec.Template.Metadata.Labels.TryGetValue(BlueGreen.ColorLabel, out var pc) ? pc : null;
                if (!ShouldProcess($"Service {ns}/{ServiceName}", $"switch back to {prev.Metadata.Name}")) return;
                var back = Build(() => BlueGreen.SwitchPatch(service, prevColor, prev.Metadata.Name, annotations.GetValueOrDefault(BlueGreen.ActiveAnnotation), null));
                Run(ct => gateway.MergePatchAsync(svcKind, ns, ServiceName, back, ct));
                if (prevColor is null && annotations.GetValueOrDefault(BlueGreen.ActiveAnnotation) is { } newer)
                {
                    // The original version has no colour label, so the Service's selector now also matches the newer
                    // copy's pods: scale the copy to zero (it stays for inspection) so only the original serves.
                    Run(ct => gateway.MergePatchAsync(deployKind, ns, newer, new System.Text.Json.Nodes.JsonObject { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["replicas"] = 0 } }, ct));
                    WriteVerbose($"Scaled {newer} to 0: the original version's pods carry no colour label.");
                }
                WriteObject(new BlueGreenResult(ServiceName, ns, prev.Metadata.Name, annotations.GetValueOrDefault(BlueGreen.ActiveAnnotation), prevColor ?? "(original)", null));
                return;
            }
            Build(() => Engine.Validation.Validate.Subdomain(Name, "-Name"));
            var baseName = Name.EndsWith("-blue", StringComparison.Ordinal) ? Name[..^5] : Name.EndsWith("-green", StringComparison.Ordinal) ? Name[..^6] : Name;
            var liveName = annotations.GetValueOrDefault(BlueGreen.ActiveAnnotation) ?? Name;
            var live = Run(ct => gateway.GetAsync(deployKind, ns, liveName, ct))
                ?? throw new KoClusterException("NotFound", "ObjectNotFound", $"Deployment {ns}/{liveName} was not found.", liveName);
            var next = BlueGreen.Other(color);
            var (single, map) = PSObjects.StringOrMap(Image);
            var copy = Build(() => BlueGreen.NextDeployment(live, baseName, next, map, single));
            var nextName = copy["metadata"]!["name"]!.GetValue<string>();
            if (!ShouldProcess($"Service {ns}/{ServiceName}", $"deploy {nextName} ({Image}) and switch to it")) return;
            Run(ct => gateway.ApplyAsync(copy, new ApplyOptions(Force: true), ct));
            var progress = new ProgressRecord(4205, "Switch-KoBlueGreen", $"Waiting for {nextName}");
            WaitState state;
            try
            {
                (_, state) = Run(ct => gateway.WaitAsync(deployKind, ns, nextName, RolloutStatus.Evaluate, Timeout, st => Post(() => { progress.StatusDescription = $"{nextName}: {st.Status}"; WriteProgress(progress); }), ct));
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
            if (!state.Done)
            {
                Fail(new KoClusterException("NewVersionNotReady", "InvalidResult", $"{nextName} did not become ready ({state.Status}); the Service still points at {liveName}.", nextName, $"Look at its pods (Get-KoResource Pod -LabelSelector {BlueGreen.ColorLabel}={next}) and remove it with Remove-KoResource Deployment {nextName}."));
            }
            var keepUntil = DateTimeOffset.UtcNow + KeepPrevious;
            var patch = Build(() => BlueGreen.SwitchPatch(service, next, nextName, RemovePrevious ? null : liveName, RemovePrevious ? null : keepUntil));
            Run(ct => gateway.MergePatchAsync(svcKind, ns, ServiceName, patch, ct));
            if (RemovePrevious) Run(ct => gateway.DeleteAsync(deployKind, ns, liveName, ct: ct));
            WriteObject(new BlueGreenResult(ServiceName, ns, nextName, RemovePrevious ? null : liveName, next, RemovePrevious ? null : keepUntil));
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, $"Service {ns}/{ServiceName}");
        }
    }
}
