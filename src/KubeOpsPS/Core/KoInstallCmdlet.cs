using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Rollout;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>
/// Base of the Install-Ko* cmdlets: a builder makes the bundle; this applies it in dependency order with progress
/// and -WhatIf (one ShouldProcess per object), or writes it as manifests with -OutputDirectory and touches no
/// cluster. With -Wait it follows the bundle's workloads until they are rolled out.
/// </summary>
public abstract class KoInstallCmdlet : KoClusterCmdlet
{
    private const int ProgressId = 4201;

    /// <summary>Write the bundle as YAML files here instead of applying it.</summary>
    [Parameter]
    public string? OutputDirectory { get; set; }

    /// <summary>Wait until the bundle's Deployments, StatefulSets and DaemonSets are rolled out.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits for each workload.</summary>
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

        var selected = bundle.Where(o => ShouldProcess(Describe(o), "apply")).ToList();
        if (selected.Count == 0) return;
        var gateway = Connect();
        var progress = new ProgressRecord(ProgressId, activity, "Applying") { PercentComplete = 0 };
        IReadOnlyList<ApplyResult> results;
        try
        {
            results = Run(ct => BatchApplier.ApplyAsync(gateway, selected, new ApplyOptions(), 8, createNamespaces: false, (done, total, r) => Post(() =>
            {
                progress.StatusDescription = $"{done} of {total}: {r.Kind} {r.Name} {r.Outcome.ToString().ToLowerInvariant()}";
                progress.PercentComplete = done * 100 / Math.Max(1, total);
                WriteProgress(progress);
            }), ct));
            var failed = 0;
            foreach (var r in results)
            {
                if (r.Error is not null) { failed++; WriteFailure(r.Error, Describe(r)); }
                else WriteObject(r);
            }
            if (Wait && failed == 0) WaitForWorkloads(gateway, results, progress);
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    private void WaitForWorkloads(ClusterGateway gateway, IReadOnlyList<ApplyResult> results, ProgressRecord progress)
    {
        foreach (var r in results.Where(r => r.Kind is "Deployment" or "StatefulSet" or "DaemonSet"))
        {
            var kind = KubeTypes.Resolve(r.Kind)!;
            progress.StatusDescription = $"Waiting for {r.Kind} {r.Namespace}/{r.Name}";
            WriteProgress(progress);
            try
            {
                var (_, state) = Run(ct => gateway.WaitAsync(kind, r.Namespace, r.Name, RolloutStatus.Evaluate, Timeout, s => Post(() =>
                {
                    progress.StatusDescription = $"{r.Kind} {r.Name}: {s.Status}";
                    WriteProgress(progress);
                }), ct));
                if (state.Failed) WriteFailure(new KoClusterException("RolloutFailed", "InvalidResult", $"{r.Kind} {r.Namespace}/{r.Name}: {state.Status}", Describe(r)));
                else WriteVerbose($"{r.Kind} {r.Namespace}/{r.Name}: {state.Status}");
            }
            catch (KoClusterException e)
            {
                WriteFailure(e, Describe(r));
            }
        }
    }

    /// <summary>"Kind namespace/name" for ShouldProcess and errors.</summary>
    protected static string Describe(object obj)
    {
        var json = KoYaml.ToJsonObject(obj);
        var ns = json["metadata"]?["namespace"]?.GetValue<string>();
        var name = json["metadata"]?["name"]?.GetValue<string>();
        return ns is null ? $"{json["kind"]} {name}" : $"{json["kind"]} {ns}/{name}";
    }

    private static string Describe(ApplyResult r) => r.Namespace is null ? $"{r.Kind} {r.Name}" : $"{r.Kind} {r.Namespace}/{r.Name}";
}
