using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Runtime.Storage;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Storage;

/// <summary>
/// Waits until claims are Bound, by watching, with a progress bar; writes each bound claim. Takes claims by name or
/// from the pipeline (Publish-KoResource results, claim objects); other kinds in the pipeline are passed over.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "KoVolumeClaim", DefaultParameterSetName = "Name")]
[OutputType(typeof(V1PersistentVolumeClaim))]
public sealed class WaitKoVolumeClaimCommand : KoClusterCmdlet
{
    private const int ProgressId = 4301;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string[] Name { get; set; } = [];

    [Parameter(ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Object")]
    public object? InputObject { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Name")
        {
            foreach (var n in Name) Build(() => Validate.Subdomain(n, "-Name"));
            if (Namespace is not null) Build(() => Validate.Label(Namespace, "-Namespace"));
            foreach (var n in Name) WaitFor(Namespace, n);
            return;
        }
        var input = PSObjects.Unwrap(InputObject);
        if (input is ApplySummary) return; // Publish-KoResource's closing count
        if (input is ApplyResult r)
        {
            if (r.Kind == "PersistentVolumeClaim") WaitFor(r.Namespace, r.Name);
            else WriteVerbose($"Passing over {r.Kind} {r.Name}: not a claim.");
            return;
        }
        foreach (var obj in KubernetesObjects([InputObject]))
        {
            var json = KoYaml.ToJsonObject(obj);
            var kind = json["kind"]?.GetValue<string>();
            var name = json["metadata"]?["name"]?.GetValue<string>();
            if (kind != "PersistentVolumeClaim" || name is null)
            {
                WriteVerbose($"Passing over {kind} {name}: not a claim.");
                continue;
            }
            WaitFor(json["metadata"]?["namespace"]?.GetValue<string>(), name);
        }
    }

    private void WaitFor(string? ns, string name)
    {
        var gateway = Connect();
        ns = NamespaceOrDefault(ns);
        var target = $"PersistentVolumeClaim {ns}/{name}";
        var progress = new ProgressRecord(ProgressId, "Wait-KoVolumeClaim", $"{target}: waiting to be bound");
        WriteProgress(progress);
        try
        {
            var (obj, state) = Run(ct => gateway.WaitAsync(VolumeClaimLookup.ClaimKind, ns, name, Check, Timeout, s => Post(() =>
            {
                progress.StatusDescription = $"{target}: {s.Status}";
                WriteProgress(progress);
            }), ct));
            if (state.Failed) WriteFailure(new KoOperationException("ClaimLost", "InvalidResult", $"{target}: {state.Status}", target));
            else WriteObject(obj);
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, target);
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    /// <summary>Bound is done, Lost is a failure, anything else is waiting (with the reason when there is one).</summary>
    private static WaitState Check(object? obj) => obj switch
    {
        null => new WaitState(false, "not found yet"),
        V1PersistentVolumeClaim { Status.Phase: "Bound" } c => new WaitState(true, $"Bound to {c.Spec?.VolumeName}"),
        V1PersistentVolumeClaim { Status.Phase: "Lost" } c => new WaitState(false, $"Lost: its volume {c.Spec?.VolumeName} is gone", Failed: true),
        V1PersistentVolumeClaim c => new WaitState(false, $"{c.Status?.Phase ?? "Pending"} (class {c.Spec?.StorageClassName ?? "default"})"),
        _ => new WaitState(false, "waiting"),
    };
}
