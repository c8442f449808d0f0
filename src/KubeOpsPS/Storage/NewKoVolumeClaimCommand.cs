using System.Collections;
using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.Storage;
using KubeOpsPS.Engine.Runtime.Storage;

namespace KubeOpsPS.Storage;

/// <summary>
/// Builds a PersistentVolumeClaim. Touches no cluster, except that when a connection is open (Connect-KoCluster,
/// -Context or -KubeConfig) it checks the storage class exists and warns with the classes there are.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoVolumeClaim")]
[OutputType(typeof(V1PersistentVolumeClaim))]
public sealed class NewKoVolumeClaimCommand : KoClusterCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    public string Size { get; set; } = string.Empty;

    [Parameter]
    [ArgumentCompleter(typeof(AccessModeCompleter))]
    public string AccessMode { get; set; } = "ReadWriteOnce";

    [Parameter]
    [ArgumentCompleter(typeof(StorageClassCompleter))]
    public string? StorageClass { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter]
    public Hashtable? Label { get; set; }

    protected override void EndProcessing()
    {
        var labels = PSObjects.Strings(Label);
        var claim = Build(() => VolumeClaimBuilder.Build(new VolumeClaimOptions
        {
            Name = Name, Namespace = Namespace, Size = Size, AccessMode = AccessMode, StorageClass = StorageClass, Labels = labels,
        }));
        if (ClusterSession.Current is not null || Context is not null || KubeConfig is not null) CheckClass(claim);
        WriteObject(claim);
    }

    private void CheckClass(V1PersistentVolumeClaim claim)
    {
        if (claim.Spec.StorageClassName is "") return;
        try
        {
            var gateway = Connect();
            var classes = Run(ct => VolumeClaimLookup.StorageClassNamesAsync(gateway, ct));
            if (classes is null) return;
            var list = classes.Count == 0 ? "none" : string.Join(", ", classes.Order(StringComparer.Ordinal));
            if (claim.Spec.StorageClassName is { } wanted && !classes.Contains(wanted))
                WriteWarning($"Storage class '{wanted}' does not exist in this cluster, so claim {Name} will stay Pending. Classes: {list}.");
            else if (claim.Spec.StorageClassName is null && !Run(ct => HasDefaultClassAsync(gateway, ct)))
                WriteWarning($"This cluster has no default storage class, so claim {Name} without -StorageClass will stay Pending. Classes: {list}.");
        }
        catch (KoClusterException e)
        {
            WriteVerbose($"Could not check the storage class: {e.Message}");
        }
    }

    private static async Task<bool> HasDefaultClassAsync(ClusterGateway gateway, CancellationToken ct)
    {
        var (items, _) = await gateway.ListAsync(VolumeClaimLookup.ClassKind, null, ct: ct).ConfigureAwait(false);
        return items.OfType<V1StorageClass>().Any(c => c.Metadata.Annotations?.TryGetValue(NfsStorageBundle.DefaultClassAnnotation, out var v) == true && v == "true");
    }
}

/// <summary>Completes access modes.</summary>
public sealed class AccessModeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters) =>
        VolumeClaimBuilder.AccessModes.Where(m => m.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase)).Select(m => new CompletionResult(m));
}
