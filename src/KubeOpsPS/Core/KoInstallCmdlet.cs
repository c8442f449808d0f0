using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Runtime.Install;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>
/// Base of the Install-Ko* cmdlets: a builder makes the bundle; this installs it through the engine's
/// <see cref="BundleInstall"/> (permissions checked up front, applied in dependency order with progress, one
/// ShouldProcess per object; with -Wait the workloads followed until rolled out), or writes it as manifests with
/// -OutputDirectory and touches no cluster.
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

    /// <summary>What looking up an install's Secret (<see cref="SecretExists"/>) and then writing it takes.</summary>
    protected static AccessRequest[] SecretAccess(string ns, string name) =>
        AccessRequest.ForApply(KubeTypes.ForType(typeof(V1Secret))!, ns, name).ToArray();

    private bool Previewing => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
        ? LanguagePrimitives.IsTrue(w)
        : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    private bool _accessChecked;

    /// <summary>
    /// Checks, in one round of access reviews, every permission the install takes: applying <paramref name="bundle"/>
    /// and each of <paramref name="extra"/> (e.g. the Secret it looks up before building the final bundle). Missing
    /// permissions stop the cmdlet with one error that lists them all, before anything is read or written; with
    /// -WhatIf they are a warning. Nothing with -OutputDirectory. <see cref="ApplyBundle"/> checks itself when this was not called.
    /// </summary>
    protected void CheckAccess(IReadOnlyList<object> bundle, string activity, params AccessRequest[] extra)
    {
        if (OutputDirectory is not null || Previewing) return; // -WhatIf checks once, beside the plan, in ApplyBundle
        var install = new BundleInstall(Connect());
        var plan = Call(ct => install.PlanAsync(bundle, extra.Select(r => new AccessNeed(r, activity)).ToList(), ct));
        var (user, missing) = Call(ct => install.CheckAsync(plan, ct));
        if (missing.Count > 0) Fail(BundleInstall.Forbidden(activity, user, missing));
        WriteVerbose($"{user} holds all {plan.Needs.Count} permissions {activity} needs.");
        _accessChecked = true;
    }

    /// <summary>
    /// Writes the bundle as manifests (-OutputDirectory), or installs it as one engine operation
    /// (<see cref="BundleInstall"/>): the permission check (unless <see cref="CheckAccess"/> ran), one ShouldProcess per
    /// object, the apply in dependency order and, with -Wait, the rollouts. -WhatIf shows the plan and the missing permissions.
    /// </summary>
    protected void ApplyBundle(IReadOnlyList<object> bundle, string activity)
    {
        if (OutputDirectory is not null)
        {
            WriteManifests(bundle);
            return;
        }
        if (Previewing)
        {
            Preview(bundle, activity);
            return;
        }
        var install = new BundleInstall(Connect());
        var plan = Call(ct => install.PlanAsync(bundle, [], ct));
        var selected = plan.Objects.Where(o => ShouldProcess(ObjectRef.Of(o).ToString(), "apply")).ToList();
        if (selected.Count == 0) return;
        var (applied, rollouts) = WithProgress(ProgressId, activity, "Planning", report =>
            Call(ct => install.RunAsync(plan with { Objects = selected }, activity, !_accessChecked, Wait ? Timeout : null, (s, p) => report(s, p), ct)));
        foreach (var r in applied)
        {
            if (r.Error is not null) WriteFailure(r.Error, ObjectRef.Of(r).ToString());
            else WriteObject(r);
        }
        foreach (var (workload, state) in rollouts)
        {
            if (state.Failed) WriteFailure(new KoOperationException("RolloutFailed", "InvalidResult", $"{workload}: {state.Status}", workload.ToString()));
            else WriteVerbose($"{workload}: {state.Status}");
        }
    }

    /// <summary>-WhatIf: the plan, one line per object, then what is missing to carry it out (when a cluster is reachable).</summary>
    private void Preview(IReadOnlyList<object> bundle, string activity)
    {
        try
        {
            _ = Gateway;
        }
        catch (KoClusterException e)
        {
            foreach (var o in bundle) ShouldProcess(ObjectRef.Of(o).ToString(), "apply");
            WriteWarning($"Permissions were not checked: no cluster to ask ({e.Message}).");
            return;
        }
        var install = new BundleInstall(Connect());
        var plan = Call(ct => install.PlanAsync(bundle, [], ct));
        foreach (var o in plan.Objects) ShouldProcess(ObjectRef.Of(o).ToString(), "apply");
        var (user, missing) = Call(ct => install.CheckAsync(plan, ct));
        if (missing.Count > 0) WriteWarning(BundleInstall.Forbidden(activity, user, missing).Message);
        else WriteVerbose($"{user} holds all {plan.Needs.Count} permissions {activity} needs.");
    }

    private void WriteManifests(IReadOnlyList<object> bundle)
    {
        var dir = FileSystemPath(OutputDirectory!);
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
    }

    private const int ProgressId = 4201;
}
