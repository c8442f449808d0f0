using System.Management.Automation;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>Shows what applying objects would change, field by field (desired vs live), using a server dry run.</summary>
[Cmdlet(VerbsData.Compare, "KoResource")]
[OutputType(typeof(FieldChange))]
public sealed class CompareKoResourceCommand : KoClusterCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var input in InputObject)
        {
            var obj = PSObjects.AsKubernetesObject(input);
            if (obj is null)
            {
                WriteFailure(new KoOperationException("NotAKubernetesObject", "InvalidType", "Only Kubernetes objects can be compared.", input));
                continue;
            }
            var gateway = Connect();
            try
            {
                var (kind, _, ns, name) = Run(ct => gateway.PrepareAsync(obj, ct));
                var live = Run(ct => gateway.GetAsync(kind, ns, name, ct));
                var after = Run(ct => gateway.ApplyAsync(obj, new ApplyOptions(DryRun: true), ct));
                var changes = ObjectDiff.Compare(kind.Kind, ns, name, live is null ? null : KoYaml.ToJsonObject(live, true), KoYaml.ToJsonObject(after.Object!, true));
                if (changes.Count == 0) WriteVerbose($"{kind.Kind} {ns}/{name}: no changes");
                WriteObject(changes, enumerateCollection: true);
            }
            catch (Exception e) when (e is KoClusterException or Engine.Validation.KoValidationException)
            {
                WriteFailure(e, obj);
            }
        }
    }
}
