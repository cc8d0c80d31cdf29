using Geneva.Core.Checkpoints;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

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
        using var store = CheckpointStore.Open(table.Path);
        var jobId = NewJobId();
        using var lease = JobLease.ForColumn(table, request.Column, jobId, _options.Lease, waitForLease, _options.Cancel, _options.Log);
        table = lease.Waited ? GenevaTable.Open(table.Path) : table;
        var plan = BackfillPlanner.Plan(table, request, store, _options.Cancel, jobId);
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
        return Run(store, table, plan, jobId);
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
        var plan = BackfillPlanner.Plan(table, request, store, _options.Cancel, job.JobId);
        return Run(store, table, plan, job.JobId);
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

    private BackfillResult Run(CheckpointStore store, GenevaTable table, BackfillPlan plan, string jobId) =>
        new BackfillRun(_options, store, table, plan, jobId).Execute();
}
