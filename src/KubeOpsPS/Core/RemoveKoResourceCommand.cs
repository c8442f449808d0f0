using System.Management.Automation;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>Deletes objects: piped in, or by kind and name.</summary>
[Cmdlet(VerbsCommon.Remove, "KoResource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Object")]
[OutputType(typeof(void))]
public sealed class RemoveKoResourceCommand : KoClusterCmdlet
{
    private const int ProgressId = 4203;
    private bool _yesToAll, _noToAll;

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Object")]
    public object[] InputObject { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(KindCompleter))]
    public string Kind { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string[] Name { get; set; } = [];

    [Parameter(ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Object")
        {
            foreach (var obj in KubernetesObjects(InputObject))
            {
                var json = KoYaml.ToJsonObject(obj);
                var gateway = Connect();
                try
                {
                    var kind = KubeTypes.Find(json["apiVersion"]?.GetValue<string>(), json["kind"]?.GetValue<string>())
                        ?? Run(ct => gateway.ResolveKindAsync(json["kind"]?.GetValue<string>() ?? string.Empty, ct));
                    Delete(gateway, kind, json["metadata"]?["namespace"]?.GetValue<string>(), json["metadata"]?["name"]?.GetValue<string>() ?? string.Empty);
                }
                catch (KoClusterException e)
                {
                    WriteFailure(e, obj);
                }
            }
            return;
        }
        if (Namespace is not null) Build(() => Engine.Validation.Validate.Label(Namespace, "-Namespace"));
        var g = Connect();
        try
        {
            var k = Run(ct => g.ResolveKindAsync(Kind, ct));
            foreach (var n in Name) Delete(g, k, Namespace, n);
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, Kind);
        }
    }

    private void Delete(ClusterGateway gateway, KubeKind kind, string? ns, string name)
    {
        ns = kind.Namespaced ? ns ?? gateway.DefaultNamespace : null;
        var target = new ObjectRef(kind.Kind, ns, name).ToString();
        try
        {
            // A claim's data may go with it: say what happens, and ask when it is destroyed (unless -Force).
            Engine.Manifests.Storage.VolumeDeleteRisk? risk = null;
            if (kind.Kind == "PersistentVolumeClaim" && kind.Group.Length == 0)
                risk = Run(ct => Engine.Runtime.Storage.VolumeClaimLookup.AssessDeleteAsync(gateway, ns!, name, ct));
            if (!ShouldProcess(target, risk is null ? "delete" : Storage.VolumeDeleteGuard.Action(risk))) return;
            if (risk is not null)
            {
                WriteVerbose(risk.Message);
                if (!Storage.VolumeDeleteGuard.Confirm(this, risk, Force, ref _yesToAll, ref _noToAll)) return;
            }
            var existed = Run(ct => gateway.DeleteAsync(kind, ns, name, ct: ct));
            if (!existed)
            {
                WriteFailure(new KoOperationException("NotFound", "ObjectNotFound", $"{target} was not found; nothing was deleted.", target));
                return;
            }
            WriteVerbose($"Deleted {target}");
            if (!Wait) return;
            WithProgress(ProgressId, "Remove-KoResource", $"Waiting for {target} to be gone", report =>
            {
                report($"Waiting for {target} to be gone", -1);
                return Run(ct => gateway.WaitAsync(kind, ns, name, o => o is null ? new WaitState(true, "gone") : new WaitState(false, "still terminating"), Timeout, null, ct));
            });
        }
        catch (KoClusterException e)
        {
            WriteFailure(e, target);
        }
    }
}
