using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Runtime.Rollout;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Rollout;

/// <summary>What the rollout cmdlets share: the workload (by name or piped in) and following a rollout with progress.</summary>
public abstract class KoRolloutCmdlet : KoClusterCmdlet
{
    protected const int ProgressId = 4204;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string Name { get; set; } = string.Empty;

    [Parameter(ParameterSetName = "Name")]
    [ValidateSet("Deployment", "StatefulSet", "DaemonSet")]
    public string Kind { get; set; } = "Deployment";

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Object")]
    public object? InputObject { get; set; }

    /// <summary>The workload this call is about.</summary>
    protected (KubeKind Kind, string Namespace, string Name) Target()
    {
        if (InputObject is not null)
        {
            var json = KoYaml.ToJsonObject(PSObjects.AsKubernetesObject(InputObject) ?? throw new PSArgumentException("-InputObject must be a Deployment, StatefulSet or DaemonSet."));
            var kindName = json["kind"]?.GetValue<string>() ?? string.Empty;
            if (kindName is not ("Deployment" or "StatefulSet" or "DaemonSet"))
                Fail(Engine.Validation.Validate.Invalid("-InputObject", kindName, $"A {kindName} has no rollout; pipe a Deployment, StatefulSet or DaemonSet."));
            return (KubeTypes.Find("apps/v1", kindName)!, NamespaceOrDefault(json["metadata"]?["namespace"]?.GetValue<string>()), json["metadata"]!["name"]!.GetValue<string>());
        }
        Build(() => Engine.Validation.Validate.Subdomain(Name, "-Name"));
        if (Namespace is not null) Build(() => Engine.Validation.Validate.Label(Namespace, "-Namespace"));
        return (KubeTypes.Find("apps/v1", Kind)!, NamespaceOrDefault(Namespace), Name);
    }

    /// <summary>Follows a rollout by watching, with a progress bar; returns the final state.</summary>
    protected WaitState Follow(RolloutRunner runner, KubeKind kind, string ns, string name, TimeSpan timeout, string activity) =>
        WithProgress(ProgressId, activity, $"{kind.Kind} {ns}/{name}", report => Run(ct => runner.FollowAsync(kind, ns, name, timeout, s => report(s), ct)));
}
