using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Text;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>Reads YAML or JSON manifests (text, files, Get-ChildItem output) into typed Kubernetes objects.</summary>
[Cmdlet(VerbsData.ConvertFrom, "KoYaml", DefaultParameterSetName = "Text")]
[OutputType(typeof(object))]
public sealed class ConvertFromKoYamlCommand : KoCmdlet
{
    private readonly StringBuilder _lines = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Text")]
    [AllowEmptyString]
    public string[] Yaml { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case "Text" when !MyInvocation.ExpectingInput && Yaml.Length == 1 && LooksLikePath(Yaml[0]):
                ReadPaths(Yaml, asTextToo: true);
                break;
            case "Text":
                foreach (var text in Yaml)
                {
                    if (text.Contains('\n')) Emit(text, "<input>");
                    else _lines.Append(text).Append('\n');
                }
                break;
            case "Path":
                ReadPaths(Path, asTextToo: false);
                break;
            default:
                foreach (var p in LiteralPath) ReadFile(FileSystemPath(p));
                break;
        }
    }

    // One line with no 'key:' and no flow mapping cannot be a manifest, so it is read as a path.
    private static bool LooksLikePath(string text) =>
        !text.Contains('\n') && !System.Text.RegularExpressions.Regex.IsMatch(text, @"^\s*(\{|\[|---|[^\s:]+:(\s|$))");

    private void ReadPaths(string[] paths, bool asTextToo)
    {
        foreach (var p in paths)
        {
            Collection<string> files;
            try
            {
                files = GetResolvedProviderPathFromPSPath(p, out _);
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                var message = asTextToo
                    ? $"'{p}' is not a file that exists, and it is not YAML either (a manifest has 'key: value' lines). Give an existing file (-Path), or pipe YAML text (Get-Content app.yaml | ConvertFrom-KoYaml)."
                    : e.Message;
                WriteFailure(new KoOperationException("FileNotFound", "ObjectNotFound", message, p, inner: e));
                continue;
            }
            foreach (var f in files) ReadFile(f);
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
