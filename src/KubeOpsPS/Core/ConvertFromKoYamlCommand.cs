using System.Collections.ObjectModel;
using System.Management.Automation;
using KubeOpsPS.Engine;
using System.Text;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>Reads YAML or JSON manifests (text, files, Get-ChildItem output) into typed Kubernetes objects.</summary>
[Cmdlet(VerbsData.ConvertFrom, "KoYaml", DefaultParameterSetName = "Text")]
[OutputType(typeof(object))]
public sealed class ConvertFromKoYamlCommand : KoCmdlet
{
    private readonly StringBuilder _lines = new();

    /// <summary>YAML text: whole streams, or lines (as Get-Content gives them), which are joined.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Text")]
    [AllowEmptyString]
    public string[] Yaml { get; set; } = [];

    /// <summary>Files to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Files to read, taken literally; binds the files Get-ChildItem pipes in.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case "Text":
                foreach (var text in Yaml)
                {
                    if (text.Contains('\n')) Emit(text, "<input>");
                    else _lines.Append(text).Append('\n');
                }
                break;
            case "Path":
                foreach (var p in Path)
                {
                    Collection<string> files;
                    try
                    {
                        files = GetResolvedProviderPathFromPSPath(p, out _);
                    }
                    catch (ItemNotFoundException e)
                    {
                        WriteFailure(new KoOperationException("FileNotFound", "ObjectNotFound", e.Message, p, inner: e));
                        continue;
                    }
                    foreach (var f in files) ReadFile(f);
                }
                break;
            default:
                foreach (var p in LiteralPath) ReadFile(FileSystemPath(p));
                break;
        }
    }

    protected override void EndProcessing()
    {
        if (_lines.Length > 0) Emit(_lines.ToString(), "<input>");
    }

    private void ReadFile(string file)
    {
        if (Directory.Exists(file))
        {
            WriteFailure(new KoOperationException("PathIsFolder", "InvalidArgument", $"'{file}' is a folder; pipe its files instead (Get-ChildItem '{file}' -Filter *.yaml | ConvertFrom-KoYaml).", file));
            return;
        }
        string text;
        try
        {
            WriteVerbose($"Reading {file}");
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var notFound = e is FileNotFoundException or DirectoryNotFoundException;
            WriteFailure(new KoOperationException(notFound ? "FileNotFound" : "FileReadError", notFound ? "ObjectNotFound" : "ReadError", e.Message, file, inner: e));
            return;
        }
        Emit(text, file);
    }

    private void Emit(string text, string source)
    {
        foreach (var doc in KoYaml.Read(text, source))
        {
            if (doc.Error is not null) WriteFailure(doc.Error);
            else WriteObject(doc.Object);
        }
    }
}
