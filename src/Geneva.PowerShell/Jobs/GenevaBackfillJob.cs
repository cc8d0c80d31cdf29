using System.ComponentModel;
using System.Management.Automation;
using Geneva.Core;
using Geneva.Core.Execution;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Jobs;

/// <summary>
/// A backfill running in the background of this session (-AsJob), in the session's job
/// repository so Get-Job, Wait-Job, Receive-Job, Stop-Job and Remove-Job work on it. Output is
/// the backfill result, progress records go to its progress stream, engine failures become its
/// error records. Stop-Job stops the backfill cleanly: the job is recorded as stopped in the
/// table's database and Resume-GenevaBackfill continues it. Named <c>Geneva:&lt;table&gt;:&lt;column&gt;</c>
/// (<see cref="BackfillJobs.NameFor"/>).
/// </summary>
public sealed class GenevaBackfillJob : Job2
{
    public const string JobTypeName = "GenevaBackfillJob";

    private readonly BackfillLaunch _launch;
    private readonly CancellationTokenSource _stop = new();
    private readonly BackfillProgressReporter _progress;
    private Thread? _thread;
    private string _status = "Not started";

    internal GenevaBackfillJob(BackfillLaunch launch, string name)
        : base(launch.Command, name)
    {
        _launch = launch;
        _progress = new BackfillProgressReporter(Progress.Add, launch.Table);
        PSJobTypeName = JobTypeName;
    }

    /// <summary>The table's path.</summary>
    public override string Location => _launch.Table;

    /// <summary>The backfill job's ID in the table's database (Get-GenevaJob, Resume-GenevaBackfill), once started.</summary>
    public string? GenevaJobId => _progress.JobId;

    public string TablePath => _launch.Table;

    public override string StatusMessage => _status;

    public override bool HasMoreData =>
        Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Verbose.Count > 0 || Warning.Count > 0
        || Debug.Count > 0 || Information.Count > 0;

    public override void StartJob()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The job has already started.");
        }
        SetJobState(JobState.Running);
        _thread = new Thread(Run) { IsBackground = true, Name = $"geneva-job-{Id}" };
        _thread.Start();
    }

    public override void StartJobAsync()
    {
        StartJob();
        OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));
    }

    private void Run()
    {
        var coordinator = new BackfillCoordinator(_launch.Options(_progress, message => Verbose.Add(new VerboseRecord(message)), _stop.Token));
        JobState final;
        try
        {
            var result = _launch.Run(coordinator);
            foreach (var warning in result.Warnings)
            {
                Warning.Add(new WarningRecord(warning));
            }
            Output.Add(PSObject.AsPSObject(result));
            _status = $"{result.Status}: {result.RowsCheckpointed:N0} of {result.RowsPlanned:N0} rows, " +
                      $"{result.RunRowsDone:N0} of them in this run's {result.Elapsed.TotalSeconds:N1} s";
            final = result.Status == Core.Checkpoints.JobStatus.Stopped ? JobState.Stopped : JobState.Completed;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped while planning, before a job was recorded: nothing ran, nothing to resume.
            _status = "Stopped while planning.";
            final = JobState.Stopped;
        }
        catch (Exception e)
        {
            // Never an unhandled exception on a background thread: every failure is the job's error record.
            var record = e is GenevaException g
                ? GenevaErrors.ToErrorRecord(g)
                : new ErrorRecord(e, "BackfillJobFailed", ErrorCategory.NotSpecified, _launch.Table);
            Error.Add(record);
            _status = e.Message;
            final = JobState.Failed;
        }
        // Streams close when the job finishes, so the last progress record goes first.
        _progress.Complete();
        SetJobState(final);
    }

    /// <summary>Asks the backfill to stop and waits until it has recorded itself as stopped.</summary>
    public override void StopJob() => StopJob(force: false, reason: null);

    public override void StopJob(bool force, string? reason)
    {
        if (IsFinished(JobStateInfo.State))
        {
            return;
        }
        if (_thread is null)
        {
            SetJobState(JobState.Stopped);
            return;
        }
        SetJobState(JobState.Stopping);
        _stop.Cancel();
        _thread.Join();
    }

    public override void StopJobAsync() => StopJobAsync(force: false, reason: null);

    public override void StopJobAsync(bool force, string? reason) => ThreadPool.QueueUserWorkItem(_ =>
    {
        Exception? error = null;
        try
        {
            StopJob(force, reason);
        }
        catch (Exception e)
        {
            error = e;
        }
        OnStopJobCompleted(new AsyncCompletedEventArgs(error, false, null));
    });

    private static bool IsFinished(JobState state) => state is JobState.Completed or JobState.Failed or JobState.Stopped;

    private static NotSupportedException NotSupported(string what) =>
        new($"A Geneva backfill job cannot be {what}; use Stop-Job, then Resume-GenevaBackfill -AsJob.");

    public override void SuspendJob() => throw NotSupported("suspended");

    public override void SuspendJobAsync() => throw NotSupported("suspended");

    public override void SuspendJob(bool force, string? reason) => throw NotSupported("suspended");

    public override void SuspendJobAsync(bool force, string? reason) => throw NotSupported("suspended");

    public override void ResumeJob() => throw NotSupported("resumed with Resume-Job");

    public override void ResumeJobAsync() => throw NotSupported("resumed with Resume-Job");

    public override void UnblockJob() => throw NotSupported("unblocked");

    public override void UnblockJobAsync() => throw NotSupported("unblocked");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopJob();
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
