using System.Management.Automation;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>The closing summary of a Publish-KoResource run, as kubectl apply prints it.</summary>
public sealed record ApplySummary(int Created, int Configured, int Unchanged, int Failed, int Skipped = 0)
{
    public override string ToString() => $"{Created} created, {Configured} configured, {Unchanged} unchanged, {Failed} failed{(Skipped > 0 ? $", {Skipped} skipped (read from the cluster)" : string.Empty)}";
}

/// <summary>Applies whatever is piped to it with server-side apply, in dependency order.</summary>
[Cmdlet(VerbsData.Publish, "KoResource", SupportsShouldProcess = true)]
[OutputType(typeof(ApplyResult), typeof(ApplySummary))]
public sealed class PublishKoResourceCommand : KoClusterCmdlet
{
    private readonly List<object> _objects = [];

    /// <summary>Objects from New-Ko* cmdlets, ConvertFrom-KoYaml or Get-KoResource, or hashtables.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = [];

    /// <summary>Take over fields another field manager owns (server-side apply force).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Ask the server to validate and answer without storing anything.</summary>
    [Parameter]
    public SwitchParameter DryRun { get; set; }

    /// <summary>Create the namespaces the objects name when they do not exist.</summary>
    [Parameter]
    public SwitchParameter CreateNamespace { get; set; }

    /// <summary>Apply objects read from the cluster too (Get-KoResource, passed on by New-KoService and the like); without it they pass through unapplied.</summary>
    [Parameter]
    public SwitchParameter Reapply { get; set; }

    /// <summary>Return the server's copy of each object instead of the result records.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>How many objects of one stage are applied at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    protected override void ProcessRecord()
    {
        _objects.AddRange(KubernetesObjects(InputObject));
    }

    protected override void EndProcessing()
    {
        if (_objects.Count == 0) return;
        var selected = new List<object>();
        var skipped = new List<ApplyResult>();
        foreach (var o in _objects)
        {
            string target;
            try
            {
                target = Describe(o);
            }
            catch (Engine.Validation.KoValidationException e)
            {
                WriteFailure(e, o);
                continue;
            }
            if (!Reapply && Engine.Yaml.KoYaml.FromCluster(o))
            {
                WriteVerbose($"{target} was read from the cluster: passed through, not applied again (-Reapply applies it).");
                var at = ObjectRef.Of(o);
                skipped.Add(new ApplyResult(at.Kind, at.Namespace, at.Name, ApplyOutcome.Skipped, o));
                continue;
            }
            if (ShouldProcess(target, DryRun ? "apply (server dry run)" : "apply")) selected.Add(o);
        }
        foreach (var r in skipped) WriteObject(PassThru ? r.Object : r);
        if (selected.Count == 0)
        {
            if (skipped.Count > 0 && !PassThru) WriteObject(new ApplySummary(0, 0, 0, 0, skipped.Count));
            return;
        }
        var results = ApplyObjects(selected, new ApplyOptions(Force, DryRun), ThrottleLimit, CreateNamespace, "Publish-KoResource", r => WriteObject(PassThru ? r.Object : r));
        var summary = new ApplySummary(
            results.Count(r => r.Outcome == ApplyOutcome.Created), results.Count(r => r.Outcome == ApplyOutcome.Configured),
            results.Count(r => r.Outcome == ApplyOutcome.Unchanged), results.Count(r => r.Outcome == ApplyOutcome.Failed), skipped.Count);
        WriteVerbose($"{summary}{(DryRun ? " (server dry run: nothing stored)" : string.Empty)}");
        if (!PassThru) WriteObject(summary);
    }

    private static string Describe(object obj)
    {
        var json = Engine.Yaml.KoYaml.ToJsonObject(obj);
        var kind = json["kind"]?.GetValue<string>();
        var name = json["metadata"]?["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(json["apiVersion"]?.GetValue<string>()) || string.IsNullOrEmpty(name))
            throw Engine.Validation.Validate.Invalid("InputObject", obj, $"An object without {(string.IsNullOrEmpty(kind) ? "kind" : string.IsNullOrEmpty(name) ? "metadata.name" : "apiVersion")} cannot be applied ({kind ?? "no kind"} '{name ?? "no name"}'); nothing was sent for it.", "Give every object apiVersion, kind and metadata.name.");
        return ObjectRef.Of(obj).ToString();
    }
}
