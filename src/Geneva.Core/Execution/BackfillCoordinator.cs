using Geneva.Core.Checkpoints;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Execution;

/// <summary>
/// Runs a backfill job: records it, plans against one pinned version, hands tasks to the worker
/// side (<see cref="TaskRunner"/>), records every receipt (the checkpoint), and commits finished
/// fragments every CommitGranularity fragments and at the end. The only writer of the job's
/// SQLite rows and of table versions. A resume replans the stored request, so only work without
/// a checkpoint is done again.
/// </summary>
public sealed class BackfillCoordinator
{
    private readonly BackfillRunOptions _options;

    public BackfillCoordinator(BackfillRunOptions? options = null)
    {
        _options = options ?? new BackfillRunOptions();
    }

    public static BackfillPlan Plan(GenevaTable table, BackfillRequest request) => Plan(table, request, CancellationToken.None);

    /// <summary>
    /// What a backfill of <paramref name="request"/> would do. Planning reads the filter's (or the
    /// column's) values of every fragment, so it checks <paramref name="cancel"/> as it goes and
    /// throws <see cref="OperationCanceledException"/> when asked to stop.
    /// </summary>
    public static BackfillPlan Plan(GenevaTable table, BackfillRequest request, CancellationToken cancel)
    {
        using var store = CheckpointStore.OpenReadOnly(table.Path);
        return BackfillPlanner.Plan(table, request, store, cancel);
    }

    /// <summary>
    /// Starts a new job for <paramref name="request"/> on <paramref name="table"/>'s version. A stop
    /// (the options' Cancel) while planning throws <see cref="OperationCanceledException"/> and records
    /// no job; a stop once the job runs returns a Stopped result.
    /// </summary>
    /// <param name="waitForLease">Wait while another job computes the column, instead of refusing (JobBusy).</param>
    public BackfillResult Start(GenevaTable table, BackfillRequest request, bool waitForLease = false)
    {
        StartupTrace.Mark("session:start");
        // Waiting for a lease may take long: start workers once it is held, not before.
        var executor = waitForLease ? null : Prestart(table, request);
        try
        {
            using var store = CheckpointStore.Open(table.Path);
            StartupTrace.Mark("session:sqlite-open");
            var jobId = NewJobId();
            using var lease = JobLease.ForColumn(table, request.Column, jobId, _options.Lease, waitForLease, _options.Cancel, _options.Log);
            table = lease.Waited ? GenevaTable.Open(table.Path) : table;
            executor ??= Prestart(table, request);
            var plan = BackfillPlanner.Plan(table, request, store, _options.Cancel, jobId, _options.ConcurrencyOnThisMachine);
            StartupTrace.Mark("session:planned");
            store.CreateJob(new JobRecord
            {
                JobId = jobId,
                Column = plan.Column,
                UdfName = plan.UdfName,
                UdfVersion = plan.UdfVersion,
                Where = plan.Where,
                Status = JobStatus.Pending,
                Request = request,
                TableVersion = table.Version,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            var run = new BackfillRun(_options, store, table, plan, jobId, executor);
            return run.Execute();
        }
        finally
        {
            // No-op once its run ended (that ends or pools the workers); else an empty or failed plan: they go.
            executor?.Discard();
        }
    }

    /// <summary>
    /// Continues a job that was interrupted, stopped or failed, against the table's latest
    /// version (checkpoint identity does not depend on the version, so saved work still counts).
    /// </summary>
    /// <param name="adjust">Changes execution settings of the stored request for this run (workers, timeouts).</param>
    /// <param name="waitForLease">Wait while the job runs elsewhere, instead of refusing (JobBusy).</param>
    /// <param name="column">Without <paramref name="jobId"/>: resume the newest unfinished job of this column, not of any column.</param>
    public BackfillResult Resume(string tablePath, string? jobId, Func<BackfillRequest, BackfillRequest>? adjust = null,
        bool waitForLease = false, string? column = null)
    {
        var table = GenevaTable.Open(tablePath);
        using var store = CheckpointStore.Open(table.Path);
        var job = FindResumable(store, jobId, table.Path, column);
        using var lease = JobLease.ForJob(store, table, job, _options.Lease, waitForLease, _options.Cancel, _options.Log);
        table = lease.Waited ? GenevaTable.Open(table.Path) : table;
        var request = job.Request;
        request = adjust?.Invoke(request) ?? request;
        var executor = Prestart(table, request);
        try
        {
            var plan = BackfillPlanner.Plan(table, request, store, _options.Cancel, job.JobId, _options.ConcurrencyOnThisMachine);
            var run = new BackfillRun(_options, store, table, plan, job.JobId, executor);
            return run.Execute();
        }
        finally
        {
            // No-op once its run ended (that ends or pools the workers); else an empty or failed plan: they go.
            executor?.Discard();
        }
    }

    /// <summary>
    /// The executor the run will use, with its workers already starting, so their start-up (a process, the runtime,
    /// JIT; a pwsh for scriptblocks) overlaps opening SQLite and the plan. Null without a factory, or when the
    /// request does not name a bound column (planning then says why). The caller discards it if no run follows.
    /// </summary>
    private ITaskExecutor? Prestart(GenevaTable table, BackfillRequest request)
    {
        if (_options.Executor is not null || _options.ExecutorFactory is not { } factory)
        {
            return null;
        }
        UdfSpec udf;
        BackfillSettings settings;
        try
        {
            var field = table.Manifest.GetField(request.Column);
            if (table.Manifest.FindBinding(field.Name) is not { } bound)
            {
                return null;
            }
            udf = bound;
            settings = BackfillSettings.Resolve(request, udf, new List<string>(), _options.ConcurrencyOnThisMachine);
        }
        catch (GenevaException)
        {
            return null;
        }
        var executor = factory(udf, settings);
        // At most one task per checkpoint-size cell of each fragment: enough to size the worker count.
        var fragments = table.Manifest.Fragments.Take(settings.NumFrags ?? int.MaxValue);
        var expected = fragments.Sum(f => (f.RowCount + settings.CheckpointSize - 1) / settings.CheckpointSize);
        try
        {
            executor.Prepare((int)Math.Min(int.MaxValue, expected));
            StartupTrace.Mark("session:workers-starting");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The run starts them again and reports the failure where it always has, on the job.
        }
        return executor;
    }

    private static JobRecord FindResumable(CheckpointStore store, string? jobId, string tablePath, string? column)
    {
        if (jobId is not null)
        {
            var job = store.GetJob(jobId) ?? throw new GenevaException(GenevaErrorCode.JobNotFound,
                $"Table '{tablePath}' has no job '{jobId}'.", jobId);
            if (column is not null && !string.Equals(job.Column, column, StringComparison.OrdinalIgnoreCase))
            {
                throw new GenevaException(GenevaErrorCode.JobNotFound,
                    $"Job '{jobId}' backfills column '{job.Column}', not '{column}'.", jobId);
            }
            if (job.Status is JobStatus.Done)
            {
                throw new GenevaException(GenevaErrorCode.JobNotResumable,
                    $"Job '{jobId}' is done; only interrupted, stopped or failed jobs resume.", jobId);
            }
            return job; // a running one is refused (or waited for) by its lease, naming its holder
        }
        return store.ListJobs().LastOrDefault(j => j.Status is not JobStatus.Done &&
                                                   (column is null || string.Equals(j.Column, column, StringComparison.OrdinalIgnoreCase)))
            ?? throw new GenevaException(GenevaErrorCode.JobNotFound,
                $"Table '{tablePath}' has no interrupted, stopped or failed job to resume" +
                (column is null ? "." : $" for column '{column}'."), (object?)column ?? tablePath);
    }

    private static string NewJobId() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
}
