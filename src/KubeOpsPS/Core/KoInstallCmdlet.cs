using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Runtime.Rollout;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>
/// Base of the Install-Ko* cmdlets: a builder makes the bundle; this applies it in dependency order with progress
/// and -WhatIf (one ShouldProcess per object), or writes it as manifests with -OutputDirectory and touches no
/// cluster. With -Wait it follows the bundle's workloads until they are rolled out.
/// </summary>
public abstract class KoInstallCmdlet : KoClusterCmdlet
{
    [Parameter]
    public string? OutputDirectory { get; set; }

    [Parameter]
    public SwitchParameter Wait { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the install's Secret <paramref name="name"/> already exists, so its passwords are kept. False with
    /// -OutputDirectory or -WhatIf (nothing is written to a cluster, so nothing is looked up). Only a 404 means absent:
    /// any other failure stops the cmdlet before anything is written, with the server's reason.
    /// </summary>
    protected bool SecretExists(string ns, string name)
    {
        if (OutputDirectory is not null || Previewing) return false;
        var gateway = Connect();
        try
        {
            return Run(ct => gateway.ExistingSecretAsync(ns, name, ct)) is not null;
        }
        catch (KoClusterException e)
        {
            Fail(e);
            throw; // unreachable: Fail throws
        }
    }

    private bool Previewing => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
        ? LanguagePrimitives.IsTrue(w)
        : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    /// <summary>Applies or writes a bundle; returns the apply results (none with -OutputDirectory or -WhatIf).</summary>
    protected void ApplyBundle(IReadOnlyList<object> bundle, string activity)
    {
        if (OutputDirectory is not null)
        {
            var dir = FileSystemPath(OutputDirectory);
            foreach (var obj in bundle)
            {
                var file = Path.Combine(dir, Build(() => ManifestFiles.FileName(obj), obj));
                if (!ShouldProcess(file, "write manifest")) continue;
                try
                {
                    Directory.CreateDirectory(dir);
                    // A Secret's manifest holds its values: owner-only, as private keys are written.
                    if (obj is V1Secret) KeyFiles.WritePrivate(file, KoYaml.Write([obj]));
                    else File.WriteAllText(file, KoYaml.Write([obj]));
                    WriteFile(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    WriteFailure(e, file, "ManifestWriteFailed");
                }
            }
            return;
        }

        var selected = bundle.Where(o => ShouldProcess(ObjectRef.Of(o).ToString(), "apply")).ToList();
        if (selected.Count == 0) return;
        var results = ApplyObjects(selected, new ApplyOptions(), 8, createNamespaces: false, activity, WriteObject);
        if (Wait && results.All(r => r.Error is null)) WaitForWorkloads(results);
    }

    private void WaitForWorkloads(IReadOnlyList<ApplyResult> results)
    {
        var runner = new RolloutRunner(Gateway);
        foreach (var r in results.Where(r => r.Kind is "Deployment" or "StatefulSet" or "DaemonSet"))
        {
            var target = ObjectRef.Of(r).ToString();
            try
            {
                var state = WithProgress(WaitProgressId, "Waiting for the workloads", target, report =>
                    Run(ct => runner.FollowAsync(KubeTypes.Resolve(r.Kind)!, r.Namespace!, r.Name, Timeout, s => report(s), ct)));
                if (state.Failed) WriteFailure(new KoOperationException("RolloutFailed", "InvalidResult", $"{target}: {state.Status}", target));
                else WriteVerbose($"{target}: {state.Status}");
            }
            catch (KoClusterException e)
            {
                WriteFailure(e, target);
            }
        }
    }

    private const int WaitProgressId = 4201;
}
