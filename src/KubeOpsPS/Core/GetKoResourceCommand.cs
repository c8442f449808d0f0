using System.Management.Automation;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Cluster;

namespace KubeOpsPS.Core;

/// <summary>Gets objects of a kind from the cluster.</summary>
[Cmdlet(VerbsCommon.Get, "KoResource", DefaultParameterSetName = "Namespace")]
[OutputType(typeof(object))]
public sealed class GetKoResourceCommand : KoClusterCmdlet
{
    /// <summary>The kind: Deployment, deployments, deploy, or a CRD's kind.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KindCompleter))]
    public string Kind { get; set; } = string.Empty;

    /// <summary>Names; wildcards allowed. Default all.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>The namespace; default the context's namespace.</summary>
    [Parameter(ParameterSetName = "Namespace", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Objects in every namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "All")]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>A label selector such as app=web,tier!=cache.</summary>
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
            var (items, _) = Run(ct => gateway.ListAsync(kind, ns, LabelSelector, null, ct));
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
