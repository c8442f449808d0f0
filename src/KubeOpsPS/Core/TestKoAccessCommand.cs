using System.Management.Automation;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Runtime.Install;

namespace KubeOpsPS.Core;

/// <summary>
/// The permissions applying objects needs (get, create and patch of each and, for Roles and bindings, what they grant
/// or the escalate/bind that would do instead, as an install checks them; or the verbs given) and whether the current
/// user, or -As a user or ServiceAccount, has them: one access review per permission, all in one round, as objects.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "KoAccess")]
[OutputType(typeof(AccessCheck))]
public sealed class TestKoAccessCommand : KoClusterCmdlet
{
    private readonly List<object> _objects = [];

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
        foreach (var input in InputObject)
        {
            var obj = PSObjects.AsKubernetesObject(input);
            if (obj is null) WriteError(new ErrorRecord(new ArgumentException("Only Kubernetes objects can be checked."), "NotAKubernetesObject", ErrorCategory.InvalidType, input));
            else _objects.Add(obj);
        }
    }

    protected override void EndProcessing()
    {
        if (_objects.Count == 0) return;
        var gateway = Connect();
        var requests = new List<AccessRequest>();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Verb)))
        {
            foreach (var obj in _objects)
            {
                try
                {
                    var (kind, _, ns, name) = Run(ct => gateway.PrepareAsync(obj, ct));
                    requests.AddRange(AccessRequest.ForApply(kind, ns, name, Verb).Where(r => !requests.Contains(r)));
                }
                catch (Exception e) when (e is KoClusterException or Engine.Validation.KoValidationException)
                {
                    WriteFailure(e, obj);
                }
            }
        }
        else
        {
            // What an apply takes, as an install checks it: for Roles and bindings also what they grant, and escalate or bind instead.
            requests.AddRange(Call(ct => new BundleInstall(gateway).PlanAsync(_objects, [], ct)).Reviews);
        }
        if (requests.Count == 0) return;
        var groups = AsGroup.ToList();
        if (As is not null && groups.Count == 0 && As.Split(':') is ["system", "serviceaccount", { Length: > 0 } sans, { Length: > 0 }])
            groups.AddRange(["system:serviceaccounts", $"system:serviceaccounts:{sans}", "system:authenticated"]);
        else if (As is not null && !groups.Contains("system:authenticated")) groups.Add("system:authenticated");
        var checks = Call(ct => gateway.ReviewAccessAsync(requests, As, groups, ct));
        var denied = checks.Count(c => !c.Allowed);
        if (denied > 0) WriteVerbose($"{denied} of {checks.Count} permissions are missing for {checks[0].User}.");
        WriteObject(checks, enumerateCollection: true);
    }
}
