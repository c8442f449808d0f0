using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
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

    /// <summary>The last state a rollout was seen in (what a progress line said), for the message of a stop.</summary>
    protected string? LastSeen { get; set; }

    /// <summary>Follows a rollout by watching, with a progress bar; returns the final state.</summary>
    protected WaitState Follow(RolloutRunner runner, KubeKind kind, string ns, string name, TimeSpan timeout, string activity) =>
        WithProgress(ProgressId, activity, $"{kind.Kind} {ns}/{name}", report => Run(ct => runner.FollowAsync(kind, ns, name, timeout, s => report(LastSeen = s), ct)));

    /// <summary>
    /// Runs <paramref name="work"/>; when Ctrl+C stops it, first warns what the workload is left in (<paramref name="leftIn"/>)
    /// and the last state seen, then lets the stop go on. A stopped pipeline takes no more writes, so the warning goes
    /// to the host's UI, as a WARNING line, unless warnings are silenced.
    /// </summary>
    protected T SayWhereStopped<T>(KubeKind kind, string ns, string name, Func<string> leftIn, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (PipelineStoppedException)
        {
            var prefix = $"{kind.Kind} {ns}/{name}: ";
            var seen = LastSeen is null ? "no state read yet" : LastSeen.Replace(prefix, string.Empty, StringComparison.Ordinal);
            var silenced = (MyInvocation.BoundParameters.TryGetValue("WarningAction", out var action) ? action : GetVariableValue("WarningPreference"))
                is ActionPreference.SilentlyContinue or ActionPreference.Ignore;
            if (!silenced) Host.UI?.WriteWarningLine($"{leftIn()} Last seen: {seen}.");
            throw;
        }
    }

    /// <summary>The command line of another rollout cmdlet for this workload, naming the cluster when this call named one.</summary>
    protected string CommandFor(string cmdlet, KubeKind kind, string ns, string name)
    {
        static string Quoted(string s) => $"'{System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(s)}'";
        var line = $"{cmdlet} -Name {name}{(kind.Kind == "Deployment" ? string.Empty : $" -Kind {kind.Kind}")} -Namespace {ns}";
        if (Context is not null) line += $" -Context {Quoted(Context)}";
        if (KubeConfig is not null) line += $" -KubeConfig {Quoted(KubeConfig)}";
        return line;
    }
}
