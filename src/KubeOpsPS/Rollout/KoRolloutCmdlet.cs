using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Rollout;

/// <summary>What the rollout cmdlets share: the workload (by name or piped in) and following a rollout with progress.</summary>
public abstract class KoRolloutCmdlet : KoClusterCmdlet
{
    private const int ProgressId = 4204;

    /// <summary>The workload's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>Deployment (default), StatefulSet or DaemonSet.</summary>
    [Parameter(ParameterSetName = "Name")]
    [ValidateSet("Deployment", "StatefulSet", "DaemonSet")]
    public string Kind { get; set; } = "Deployment";

    /// <summary>The namespace; default the context's namespace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>A Deployment, StatefulSet or DaemonSet object (from Get-KoResource or New-KoDeployment).</summary>
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
    protected WaitState Follow(ClusterGateway gateway, KubeKind kind, string ns, string name, TimeSpan timeout, string activity)
    {
        var progress = new ProgressRecord(ProgressId, activity, $"{kind.Kind} {ns}/{name}");
        string status = "waiting", why = string.Empty;
        void Show()
        {
            progress.StatusDescription = $"{kind.Kind} {ns}/{name}: {status}{(why.Length == 0 ? string.Empty : $" ({why})")}";
            WriteProgress(progress);
        }
        try
        {
            var (_, state) = Run(async ct =>
            {
                // While it waits, the pods say why (ImagePullBackOff, CrashLoopBackOff, unschedulable, failing probes):
                // asked every two seconds beside the watch, shown as soon as it is known.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var reasons = FollowReasons(new RolloutRunner(gateway), kind, ns, name, r => Post(() => { why = r; Show(); }), stop.Token);
                try
                {
                    return await gateway.WaitAsync(kind, ns, name, RolloutStatus.Evaluate, timeout, s => Post(() =>
                    {
                        status = s.Status;
                        Show();
                        WriteDebug($"{DateTime.Now:HH:mm:ss.fff} {s.Status}");
                    }), ct).ConfigureAwait(false);
                }
                finally
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    await reasons.ConfigureAwait(false);
                }
            });
            return state;
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    // Asks the pods why, soon and then less often (after 1, 3, 9, 27 s, then every 30 s): a handful of requests beside the watch.
    private static async Task FollowReasons(RolloutRunner runner, KubeKind kind, string ns, string name, Action<string> show, CancellationToken ct)
    {
        try
        {
            var selector = await runner.PodSelectorAsync(kind, ns, name, ct).ConfigureAwait(false);
            if (string.IsNullOrEmpty(selector)) return;
            var last = string.Empty;
            for (var delay = TimeSpan.FromSeconds(1); !ct.IsCancellationRequested; delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 3)))
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
                var why = await runner.PodReasonsAsync(ns, selector, ct).ConfigureAwait(false);
                if (why != last) show(last = why);
            }
        }
        catch (OperationCanceledException)
        {
            // the wait ended
        }
        catch (KoClusterException)
        {
            // The reasons are a hint beside the wait; the wait itself reports what fails.
        }
    }
}
