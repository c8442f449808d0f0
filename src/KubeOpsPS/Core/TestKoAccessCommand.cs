using System.Management.Automation;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>
/// The permissions applying objects needs (get, create and patch of each, or the verbs given) and whether the current
/// user, or -As a user or ServiceAccount, has them: one access review per permission, all in one round, as objects.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "KoAccess")]
[OutputType(typeof(AccessCheck))]
public sealed class TestKoAccessCommand : KoClusterCmdlet
{
    private readonly List<AccessRequest> _requests = [];

    /// <summary>The objects to check (from ConvertFrom-KoYaml, Get-KoResource or an Install-* cmdlet's -OutputDirectory files).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = [];

    /// <summary>The verbs to check for each object (default: get, create, patch — what an apply needs).</summary>
    [Parameter]
    [ValidateSet("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")]
    public string[] Verb { get; set; } = ["get", "create", "patch"];

    /// <summary>Check for this user instead (a name, or system:serviceaccount:NAMESPACE:NAME); needs the right to create subjectaccessreviews.</summary>
    [Parameter]
    public string? As { get; set; }

    /// <summary>The groups of the -As user (a ServiceAccount gets its usual groups when none are given).</summary>
    [Parameter]
    public string[] AsGroup { get; set; } = [];

    protected override void ProcessRecord()
    {
        var gateway = Connect();
        foreach (var input in InputObject)
        {
            var obj = PSObjects.AsKubernetesObject(input);
            if (obj is null)
            {
                WriteError(new ErrorRecord(new ArgumentException("Only Kubernetes objects can be checked."), "NotAKubernetesObject", ErrorCategory.InvalidType, input));
                continue;
            }
            try
            {
                var (kind, _, ns, name) = Run(ct => gateway.PrepareAsync(obj, ct));
                _requests.AddRange(AccessRequest.ForApply(kind, ns, name, Verb).Where(r => !_requests.Contains(r)));
            }
            catch (Exception e) when (e is KoClusterException or Engine.Validation.KoValidationException)
            {
                WriteFailure(e, obj);
            }
        }
    }

    protected override void EndProcessing()
    {
        if (_requests.Count == 0) return;
        var groups = AsGroup.ToList();
        if (As is not null && groups.Count == 0 && As.Split(':') is ["system", "serviceaccount", { Length: > 0 } ns, { Length: > 0 }])
            groups.AddRange(["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"]);
        else if (As is not null && !groups.Contains("system:authenticated")) groups.Add("system:authenticated");
        var checks = Call(ct => Connect().ReviewAccessAsync(_requests, As, groups, ct));
        var denied = checks.Count(c => !c.Allowed);
        if (denied > 0) WriteVerbose($"{denied} of {checks.Count} permissions are missing for {checks[0].User}.");
        WriteObject(checks, enumerateCollection: true);
    }
}
