using System.Management.Automation;
using System.Management.Automation.Host;

namespace KubeOpsPS.Core;

/// <summary>Where nobody can answer a question: what a host throws when a cmdlet prompts in a script, job or CI.</summary>
internal static class HostPrompts
{
    /// <summary>True when <paramref name="e"/> says the host cannot prompt (NonInteractive mode, a host without a UI).</summary>
    public static bool CannotAsk(Exception e) => e is PSInvalidOperationException or HostException or NotImplementedException;
}
