using System.Management.Automation;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>Writes Kubernetes objects as multi-document YAML (or Kubernetes JSON with -AsJson), or one file per object with -OutputDirectory.</summary>
[Cmdlet(VerbsData.ConvertTo, "KoYaml", SupportsShouldProcess = true, DefaultParameterSetName = "Text")]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ConvertToKoYamlCommand : KoCmdlet
{
    private readonly List<object> _objects = [];

    /// <summary>The objects: anything New-Ko*, Get-KoResource or ConvertFrom-KoYaml returns, or hashtables.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = [];

    /// <summary>Writes one file per object (NN-kind-namespace-name.yaml, NN the apply order) into this folder instead of returning text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Directory")]
    public string? OutputDirectory { get; set; }

    /// <summary>Writes Kubernetes JSON (as kubectl -o json) instead of YAML: one object, or a List of several.</summary>
    [Parameter(ParameterSetName = "Text")]
    public SwitchParameter AsJson { get; set; }

    /// <summary>Keeps status, managedFields, uid, resourceVersion and creationTimestamp.</summary>
    [Parameter]
    public SwitchParameter IncludeServerFields { get; set; }

    protected override void ProcessRecord()
    {
        _objects.AddRange(KubernetesObjects(InputObject));
    }

    protected override void EndProcessing()
    {
        if (OutputDirectory is null)
        {
            if (_objects.Count > 0) WriteObject(AsJson ? KoYaml.WriteJson(_objects, IncludeServerFields) : KoYaml.Write(_objects, IncludeServerFields));
            return;
        }
        var dir = FileSystemPath(OutputDirectory);
        foreach (var obj in _objects)
        {
            string file;
            try
            {
                file = System.IO.Path.Combine(dir, ManifestFiles.FileName(obj));
            }
            catch (KoValidationException e)
            {
                WriteFailure(e, obj);
                continue;
            }
            if (!ShouldProcess(file, "write manifest")) continue;
            try
            {
                Directory.CreateDirectory(dir);
                File.WriteAllText(file, KoYaml.Write([obj], IncludeServerFields));
                WriteVerbose($"Wrote {file}");
                WriteFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteFailure(e, file, "ManifestWriteFailed");
            }
        }
    }
}
