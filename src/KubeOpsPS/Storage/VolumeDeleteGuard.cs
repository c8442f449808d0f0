using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Manifests.Storage;

namespace KubeOpsPS.Storage;

/// <summary>
/// The one question before a claim is deleted (Remove-KoVolumeClaim and Remove-KoResource): when the data would be
/// destroyed, ask (ShouldContinue) unless -Force; where nobody can answer, stop with an error that says why.
/// </summary>
internal static class VolumeDeleteGuard
{
    public const string ErrorId = "DataWouldBeDestroyed";

    /// <summary>The ShouldProcess action text: what deleting does to the data.</summary>
    public static string Action(VolumeDeleteRisk risk) => risk.Fate switch
    {
        VolumeDataFate.Destroyed => "delete (the volume and its DATA ARE DESTROYED)",
        VolumeDataFate.Unknown => "delete (the volume could not be read: its data may be destroyed)",
        VolumeDataFate.NoVolume => "delete (no volume bound)",
        _ => $"delete (the data stays{(risk.Location is null ? string.Empty : " at " + risk.Location)})",
    };

    /// <summary>True to go on deleting.</summary>
    public static bool Confirm(Cmdlet cmdlet, VolumeDeleteRisk risk, bool force, ref bool yesToAll, ref bool noToAll)
    {
        if (!risk.DestroysData || force) return true;
        try
        {
            return cmdlet.ShouldContinue($"{risk.Message}{Environment.NewLine}Delete the claim anyway?", "The claim's data will be destroyed", ref yesToAll, ref noToAll);
        }
        catch (Exception e) when (HostPrompts.CannotAsk(e))
        {
            // A non-interactive host cannot ask: refuse, and say how to go on.
            var message = $"{risk.Message} Nothing was deleted: deleting this claim needs -Force where nobody can be asked.";
            var target = risk.Namespace is null ? risk.Claim : $"PersistentVolumeClaim {risk.Namespace}/{risk.Claim}";
            cmdlet.WriteError(ErrorRecords.From(new KoOperationException(ErrorId, "InvalidOperation", message, target,
                "Pass -Force to delete the claim together with its data, or keep the data: set the volume's persistentVolumeReclaimPolicy to Retain first.", e), null));
            return false;
        }
    }
}
