using System.Management.Automation;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Runtime.AppManager;

namespace KubeOpsPS.AppManager;

/// <summary>A background app-manager as a PowerShell job: events go to the job's output.</summary>
public sealed class AppManagerJob : Job
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _task;

    public AppManagerJob(string command, string name) : base(command, name) { }

    public override string StatusMessage => JobStateInfo.State.ToString();
    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0;
    public override string Location => Environment.MachineName;

    public void Add(AppManagerEvent ev) => Output.Add(PSObject.AsPSObject(ev));

    public void Start(Func<CancellationToken, Task> work)
    {
        SetJobState(JobState.Running);
        _task = Task.Run(async () =>
        {
            try
            {
                await work(_stop.Token).ConfigureAwait(false);
                SetJobState(JobState.Completed);
            }
            catch (OperationCanceledException)
            {
                SetJobState(JobState.Stopped);
            }
            catch (Exception e)
            {
                Error.Add(ErrorRecords.From(e, Name));
                SetJobState(JobState.Failed);
            }
        });
    }

    public override void StopJob()
    {
        _stop.Cancel();
        _task?.Wait(TimeSpan.FromSeconds(10));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { _stop.Cancel(); _stop.Dispose(); }
        base.Dispose(disposing);
    }
}
