using System.Management.Automation;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>Writes Kubernetes objects as multi-document YAML (KYAML or Kubernetes JSON with -Format), or one file per object with -OutputDirectory.</summary>
[Cmdlet(VerbsData.ConvertTo, "KoYaml", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ConvertToKoYamlCommand : KoCmdlet
{
    private readonly List<object> _objects = [];
    private KoYaml.YamlStream? _stream;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object[] InputObject { get; set; } = [];

    [Parameter]
    public string? OutputDirectory { get; set; }

    [Parameter]
    [ValidateSet("Yaml", "KYaml", "Json")]
    public string Format { get; set; } = "Yaml";

    [Parameter]
    public SwitchParameter IncludeServerFields { get; set; }

    protected override void ProcessRecord()
    {
        // Plain YAML to the pipeline is written as objects arrive, so a long pipeline's objects are not all held.
        if (OutputDirectory is null && Format == "Yaml")
        {
            _stream ??= new KoYaml.YamlStream(IncludeServerFields);
            foreach (var o in KubernetesObjects(InputObject)) _stream.Add(o);
        }
        else _objects.AddRange(KubernetesObjects(InputObject));
    }

    protected override void EndProcessing()
    {
        if (_stream is not null)
        {
            // Empty when no object came (every input was refused): nothing to write.
            if (_stream.Finish() is { Length: > 0 } text) WriteObject(text);
            return;
        }
        if (OutputDirectory is null)
        {
            if (_objects.Count > 0) WriteObject(Render(_objects));
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
                File.WriteAllText(file, Render([obj]));
                WriteVerbose($"Wrote {file}");
                WriteFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteFailure(e, file, "ManifestWriteFailed");
            }
        }
    }

    private string Render(IReadOnlyList<object> objects) => Format switch
    {
        "KYaml" => KoYaml.WriteKYaml(objects, IncludeServerFields),
        "Json" => KoYaml.WriteJson(objects, IncludeServerFields),
        _ => KoYaml.Write(objects, IncludeServerFields),
    };
}
