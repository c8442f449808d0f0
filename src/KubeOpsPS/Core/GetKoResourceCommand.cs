using System.Management.Automation;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>Gets objects of a kind from the cluster.</summary>
[Cmdlet(VerbsCommon.Get, "KoResource", DefaultParameterSetName = "Namespace")]
[OutputType(typeof(object))]
public sealed class GetKoResourceCommand : KoClusterCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KindCompleter))]
    public string Kind { get; set; } = string.Empty;

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = "Namespace", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "All")]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    [Parameter]
    [Alias("l")]
    public string? LabelSelector { get; set; }

    protected override void ProcessRecord()
    {
        if (Namespace is not null) Build(() => Engine.Validation.Validate.Label(Namespace, "-Namespace"));
        var gateway = Connect();
        try
        {
            var kind = Run(ct => gateway.ResolveKindAsync(Kind, ct));
            var ns = AllNamespaces || !kind.Namespaced ? null : NamespaceOrDefault(Namespace);
            var names = Name ?? [];
            if (names.Length > 0 && names.All(n => !WildcardPattern.ContainsWildcardCharacters(n)) && LabelSelector is null)
            {
                foreach (var n in names)
                {
                    var obj = Run(ct => gateway.GetAsync(kind, ns, n, ct));
                    if (obj is null)
                    {
                        var what = ns is null ? $"{kind.Kind} '{n}'" : $"{kind.Kind} '{n}' in namespace '{ns}'";
                        WriteFailure(new KoOperationException("NotFound", "ObjectNotFound", $"{what} was not found.", n,
                            $"List what exists with Get-KoResource {kind.Kind}{(ns is null ? string.Empty : $" -Namespace {ns}")}."));
                    }
                    else WriteObject(obj);
                }
                return;
            }
            var patterns = names.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            IReadOnlyList<object> items;
            if (ns is null && kind.Namespaced)
            {
                var all = Run(ct => gateway.ListAllNamespacesAsync(kind, LabelSelector, null, ct));
                if (all.Fallback is not null) WriteWarning(all.Fallback);
                items = all.Items;
            }
            else items = Run(ct => gateway.ListAsync(kind, ns, LabelSelector, null, ct)).Items;
            foreach (var item in items)
            {
                var name = Engine.Yaml.KoYaml.ToJsonObject(item)["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
                if (patterns.Count == 0 || patterns.Any(p => p.IsMatch(name))) WriteObject(item);
            }
        }
        catch (KoClusterException e)
        {
            WriteFailure(e);
        }
    }
}
