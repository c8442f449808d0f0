using System.Management.Automation;
using System.Text;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.Supervisor;

namespace KubeOpsPS.Supervisor;

/// <summary>
/// Writes a supervisord.conf for a container that runs several programs: supervisord in the foreground, program
/// output on the container's stdout/stderr, a UNIX socket for supervisorctl. Returns the text, or writes -Path.
/// </summary>
[Cmdlet(VerbsCommon.New, "KoSupervisorConfig", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class NewKoSupervisorConfigCommand : KoCmdlet
{
    private readonly List<object?> _programs = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object[] Program { get; set; } = [];

    [Parameter(Position = 1)]
    public string? Path { get; set; }

    [Parameter]
    public string SocketPath { get; set; } = "/tmp/supervisor.sock";

    [Parameter]
    public string PidFile { get; set; } = "/tmp/supervisord.pid";

    protected override void ProcessRecord() => _programs.AddRange(Program);

    protected override void EndProcessing()
    {
        var text = Build(() => SupervisorConfig.Render(new SupervisorOptions
        {
            Programs = _programs.Select(p => SupervisorProgram.FromJson(PSObjects.ToJson(p), "-Program")).ToList(),
            SocketPath = SocketPath,
            PidFile = PidFile,
        }));
        if (Path is null)
        {
            WriteObject(text);
            return;
        }
        var file = FileSystemPath(Path);
        if (!ShouldProcess(file, "write supervisord.conf")) return;
        try
        {
            File.WriteAllText(file, text, new UTF8Encoding(false));
            WriteFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e, file, "SupervisorConfigWriteFailed");
        }
    }
}
