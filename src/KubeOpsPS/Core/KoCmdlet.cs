using System.Collections.Concurrent;
using System.Management.Automation;
using KubeOpsPS.Engine;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>
/// The base of every KubeOpsPS cmdlet: a way to run async work (cancelled by PowerShell's PipelineStopToken when the
/// user presses Ctrl+C or the pipeline stops) while Write* calls made from other threads are marshalled back to the
/// pipeline thread, and one translation from engine exceptions to ErrorRecords.
/// </summary>
public abstract class KoCmdlet : PSCmdlet
{
    private BlockingCollection<Action>? _pending;
    private readonly int _pipelineThread = Environment.CurrentManagedThreadId;

    /// <summary>Runs async work to completion on the pipeline thread's behalf, pumping <see cref="Post"/>ed actions.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        using var pending = new BlockingCollection<Action>();
        _pending = pending;
        try
        {
            var stop = PipelineStopToken;
            var task = Task.Run(() => work(stop));
            task.ContinueWith(_ => pending.CompleteAdding(), TaskScheduler.Default);
            foreach (var action in pending.GetConsumingEnumerable()) action();
            if (task.IsCanceled || (stop.IsCancellationRequested && task.IsFaulted && task.Exception!.InnerException is OperationCanceledException))
                throw new PipelineStoppedException();
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            _pending = null;
        }
    }

    protected void Run(Func<CancellationToken, Task> work) => Run<bool>(async ct => { await work(ct).ConfigureAwait(false); return true; });

    /// <summary>
    /// Writes an object to the pipeline. A custom resource (<see cref="GenericResource"/>) goes out with the type name
    /// <c>KubeOpsPS.Engine.Yaml.GenericResource#&lt;group&gt;/&lt;Kind&gt;</c> first, so a kind with columns of its own
    /// (HTTPRoute, Gateway, ...) gets its default view, and every other kind the generic one.
    /// </summary>
    protected new void WriteObject(object? sendToPipeline) => base.WriteObject(WithKindTypeName(sendToPipeline));

    /// <inheritdoc cref="WriteObject(object?)"/>
    protected new void WriteObject(object? sendToPipeline, bool enumerateCollection)
    {
        if (enumerateCollection && LanguagePrimitives.GetEnumerable(sendToPipeline) is { } items)
            foreach (var item in items) base.WriteObject(WithKindTypeName(item));
        else
            base.WriteObject(WithKindTypeName(sendToPipeline));
    }

    private static object? WithKindTypeName(object? value)
    {
        if ((value is PSObject ps ? ps.BaseObject : value) is not GenericResource resource) return value;
        var wrapped = PSObject.AsPSObject(value);
        var group = resource.ApiVersion.Contains('/', StringComparison.Ordinal) ? resource.ApiVersion[..resource.ApiVersion.IndexOf('/', StringComparison.Ordinal)] : string.Empty;
        var name = $"{typeof(GenericResource).FullName}#{group}/{resource.Kind}";
        if (!wrapped.TypeNames.Contains(name)) wrapped.TypeNames.Insert(0, name);
        return wrapped;
    }

    /// <summary>Runs an action on the pipeline thread: directly when called there, queued while <see cref="Run{T}"/> pumps.</summary>
    protected void Post(Action action)
    {
        var pending = _pending;
        if (pending is null)
        {
            // Only the pipeline thread may write; a late call from elsewhere (a background job) has nowhere to go.
            if (Environment.CurrentManagedThreadId == _pipelineThread) action();
        }
        else
        {
            try { pending.Add(action); }
            catch (InvalidOperationException) { /* the work has finished; a late progress update has nowhere to go */ }
        }
    }

    /// <summary>An ErrorRecord for an exception: category, target and recommended action set.</summary>
    protected ErrorRecord ToErrorRecord(Exception e, object? target = null, string? errorId = null)
    {
        var record = ErrorRecords.From(e, target, errorId);
        // The remedy offered exists on this cmdlet: a field conflict is taken over with -Force only where there is one.
        if (e is Engine.Cluster.KoClusterException { RecommendedAction: Engine.Cluster.KoClusterException.ApplyConflictRemedy } && !MyInvocation.MyCommand.Parameters.ContainsKey("Force"))
            record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = Engine.Cluster.KoClusterException.ApplyConflictRemedyWithoutForce };
        return record;
    }

    /// <summary>Reports a failure for one item and goes on with the others.</summary>
    protected void WriteFailure(Exception e, object? target = null, string? errorId = null) => WriteError(ToErrorRecord(e, target, errorId));

    /// <summary>Stops the cmdlet with one error.</summary>
    protected void Fail(Exception e, object? target = null, string? errorId = null) => ThrowTerminatingError(ToErrorRecord(e, target, errorId));

    /// <summary>Runs a builder call; a validation failure becomes a terminating ErrorRecord.</summary>
    protected T Build<T>(Func<T> builder, object? target = null)
    {
        try
        {
            return builder();
        }
        catch (KoValidationException e)
        {
            Fail(e, target);
            throw; // unreachable: ThrowTerminatingError throws
        }
    }

    /// <summary>
    /// Runs an engine operation (<see cref="Run{T}"/>); its failure (an engine exception with a stable id, or bad
    /// input) stops the cmdlet with one ErrorRecord. Per-item work that should go on after a failure catches instead.
    /// </summary>
    protected T Call<T>(Func<CancellationToken, Task<T>> work, object? target = null)
    {
        try
        {
            return Run(work);
        }
        catch (Exception e) when (e is IKoError or KoValidationException)
        {
            Fail(e, target);
            throw; // unreachable: ThrowTerminatingError throws
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress record it updates through the reporter it is given (from any
    /// thread); the record is always completed, however the work ends.
    /// </summary>
    protected T WithProgress<T>(int id, string activity, string status, Func<ProgressReport, T> work)
    {
        var record = new ProgressRecord(id, activity, status);
        try
        {
            return work((text, percent) => Post(() =>
            {
                record.StatusDescription = text;
                if (percent >= 0) record.PercentComplete = percent;
                WriteProgress(record);
            }));
        }
        finally
        {
            record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        }
    }

    /// <summary>
    /// The Kubernetes objects among pipeline values (typed models, hashtables, PSCustomObjects); anything else is
    /// reported as one NotAKubernetesObject error per value and skipped.
    /// </summary>
    protected IEnumerable<object> KubernetesObjects(IEnumerable<object?> inputs)
    {
        foreach (var input in inputs)
        {
            var obj = PSObjects.AsKubernetesObject(input);
            if (obj is not null)
            {
                yield return obj;
                continue;
            }
            var what = PSObjects.Unwrap(input)?.GetType().Name ?? "null";
            WriteFailure(new KoOperationException("NotAKubernetesObject", "InvalidType", $"A {what} is not a Kubernetes object; pipe objects from New-Ko*, Get-KoResource or ConvertFrom-KoYaml, or a hashtable with apiVersion, kind and metadata.", input));
        }
    }

    /// <summary>Writes a file the cmdlet wrote as Get-Item returns it: a FileInfo with PSPath, PSParentPath and the rest, so the default view shows its folder, mode and size.</summary>
    protected void WriteFile(string path) => WriteObject(InvokeProvider.Item.Get([path], false, true), true);

    /// <summary>Resolves a user path (relative to the current PowerShell location, ~ expanded) to a file-system path.</summary>
    protected string FileSystemPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}

/// <summary>A progress update: the status line and, when known, the percentage done.</summary>
public delegate void ProgressReport(string status, int percent = -1);

/// <summary>The one place where engine exceptions become ErrorRecords.</summary>
public static class ErrorRecords
{
    public static ErrorRecord From(Exception e, object? target, string? errorId = null)
    {
        ErrorRecord record;
        switch (e)
        {
            case KoValidationException v:
                // An empty value names the parameter instead, so the target is never blank.
                record = new ErrorRecord(v, errorId ?? "InvalidArgument", ErrorCategory.InvalidArgument, target ?? (v.Value is null or "" ? v.Field : v.Value));
                if (v.Hint is not null) record.ErrorDetails = new ErrorDetails(v.Message) { RecommendedAction = v.Hint };
                return record;
            case KoYamlException y:
                record = new ErrorRecord(y, errorId ?? "InvalidYamlDocument", ErrorCategory.ParserError, target ?? $"{y.Source}:{y.Line}");
                record.ErrorDetails = new ErrorDetails(y.Message) { RecommendedAction = "Fix the document at the line shown; the other documents were read." };
                return record;
            case IKoError k:
                record = new ErrorRecord(e, errorId ?? k.ErrorId, Enum.TryParse<ErrorCategory>(k.Category, out var c) ? c : ErrorCategory.NotSpecified, target ?? k.Target);
                if (k.RecommendedAction is not null) record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = k.RecommendedAction };
                return record;
            case UnauthorizedAccessException or IOException:
                return new ErrorRecord(e, errorId ?? "FileAccess", ErrorCategory.WriteError, target);
            case OperationCanceledException:
                return new ErrorRecord(e, errorId ?? "Stopped", ErrorCategory.OperationStopped, target);
            default:
                return new ErrorRecord(e, errorId ?? "UnexpectedError", ErrorCategory.NotSpecified, target);
        }
    }
}
