using System.Diagnostics;
using Geneva.Core.Checkpoints;
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

    public static BackfillPlan Plan(GenevaTable table, BackfillRequest request)
    {
        using var store = CheckpointStore.OpenReadOnly(table.Path);
        return BackfillPlanner.Plan(table, request, store);
    }

    /// <summary>Starts a new job for <paramref name="request"/> on <paramref name="table"/>'s version.</summary>
    /// <param name="waitForLease">Wait while another job computes the column, instead of refusing (JobBusy).</param>
    public BackfillResult Start(GenevaTable table, BackfillRequest request, bool waitForLease = false)
    {
        using var store = CheckpointStore.Open(table.Path);
        var jobId = NewJobId();
        using var lease = JobLease.ForColumn(table, request.Column, jobId, _options.Lease, waitForLease, _options.Cancel, _options.Log);
        table = lease.Waited ? GenevaTable.Open(table.Path) : table;
        var plan = BackfillPlanner.Plan(table, request, store);
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
    public BackfillResult Resume(string tablePath, string? jobId, Func<BackfillRequest, BackfillRequest>? adjust = null,
        bool waitForLease = false)
    {
        var table = GenevaTable.Open(tablePath);
        using var store = CheckpointStore.Open(table.Path);
        var job = FindResumable(store, jobId, table.Path);
        using var lease = JobLease.ForJob(store, table, job, _options.Lease, waitForLease, _options.Cancel, _options.Log);
        table = lease.Waited ? GenevaTable.Open(table.Path) : table;
        var request = job.Request;
        request = adjust?.Invoke(request) ?? request;
        var plan = BackfillPlanner.Plan(table, request, store);
        return Run(store, table, plan, job.JobId);
    }

    private static JobRecord FindResumable(CheckpointStore store, string? jobId, string tablePath)
    {
        if (jobId is not null)
        {
            var job = store.GetJob(jobId) ?? throw new GenevaException(GenevaErrorCode.JobNotFound,
                $"Table '{tablePath}' has no job '{jobId}'.", jobId);
            if (job.Status is JobStatus.Done)
            {
                throw new GenevaException(GenevaErrorCode.JobNotResumable,
                    $"Job '{jobId}' is done; only interrupted, stopped or failed jobs resume.", jobId);
            }
            return job; // a running one is refused (or waited for) by its lease, naming its holder
        }
        return store.ListJobs().LastOrDefault(j => j.Status is not JobStatus.Done)
            ?? throw new GenevaException(GenevaErrorCode.JobNotFound,
                $"Table '{tablePath}' has no interrupted, stopped or failed job to resume.", tablePath);
    }

    private static string NewJobId() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    private BackfillResult Run(CheckpointStore store, GenevaTable table, BackfillPlan plan, string jobId)
    {
        var clock = Stopwatch.StartNew();
        var warnings = plan.Warnings.ToList();
        foreach (var warning in warnings)
        {
            _options.Log?.Invoke(warning);
        }
        store.StartRun(jobId, table.Version, plan.RowsToProcess, plan.FragmentCount, plan.UdfVersion);
        var udf = table.Manifest.FindBinding(plan.Column)!;
        if (store.LearnedBatchSize(jobId) is int learned && learned < (udf.BatchSize ?? int.MaxValue))
        {
            // An earlier run of this job ran out of device memory at a larger batch: start where it ended up.
            udf = udf with { BatchSize = learned };
            _options.Log?.Invoke($"Resuming with {learned} rows per device batch, the size an earlier run fell back to.");
        }
        var field = table.Manifest.GetField(plan.Column);
        var committer = new FragmentCommitter(table, plan);
        var pending = new List<(PlannedFragment, IReadOnlyList<DataFileEntry>)>();
        long rowsDone = 0, computed = 0, errorCount = 0, skipped = 0;
        int checkpoints = 0, committed = 0, retries = 0;
        var current = table;

        void CommitPending()
        {
            if (pending.Count == 0)
            {
                return;
            }
            current = committer.Commit(pending);
            retries += committer.Attempts - 1;
            committed += committer.Committed;
            store.RecordCommit(jobId, committer.Committed, committer.RowsCommitted, committer.Attempts - 1);
            warnings.AddRange(committer.Conflicts);
            foreach (var conflict in committer.Conflicts)
            {
                _options.Log?.Invoke(conflict);
            }
            _options.Log?.Invoke($"Committed {committer.Committed} fragment(s) of '{plan.Column}' as version {current.Version}.");
            pending.Clear();
            Report(null, $"committed version {current.Version}");
        }

        var lastSize = 0;
        void Report(int? size, string? message)
        {
            var seconds = clock.Elapsed.TotalSeconds;
            var rate = seconds > 0 ? rowsDone / seconds : 0;
            TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds((plan.RowsToProcess - rowsDone) / rate) : null;
            lastSize = size ?? lastSize;
            _options.Progress?.Report(new BackfillProgress(jobId, plan.Column, plan.RowsToProcess, rowsDone,
                plan.FragmentCount, committed, rate, eta, lastSize, message));
        }

        try
        {
            var tasks = plan.Fragments.SelectMany(f => f.Tasks.Select(t => new TaskSpec(jobId, table.Path, table.Version,
                plan.Column, udf, plan.Where, f.FragmentId, f.Mode, f.Key, t.Offset, t.RowCount))).ToList();
            var tasksLeft = plan.Fragments.ToDictionary(f => f.FragmentId, f => f.Tasks.Count);
            var sizing = new Workers.CheckpointSizing(plan.Settings.MinCheckpointSize, plan.Settings.MaxCheckpointSize,
                (_options.CheckpointTarget ?? AdaptiveCheckpointSizer.DefaultTarget).TotalSeconds);
            var executor = _options.Executor
                ?? (tasks.Count > 0 ? _options.ExecutorFactory?.Invoke(udf, plan.Settings) : null)
                ?? new Workers.InProcessTaskExecutor(_options.Sleep);
            Report(null, "started");

            void FragmentDone(PlannedFragment fragment)
            {
                var provenance = new ColumnProvenance(ProvenanceVersion(table, fragment, field, udf), fragment.InputFiles);
                var files = FragmentCommitter.FilesFromCheckpoints(table.Path, fragment, store.ForFragment(fragment.Key),
                    field.Id, provenance) ?? throw new GenevaException(GenevaErrorCode.CheckpointCorrupt,
                        $"Fragment {fragment.FragmentId}'s checkpoints do not cover all its rows after its tasks ran; " +
                        "a checkpoint file may have been removed. Resume the job to recompute it.", fragment.FragmentId);
                pending.Add((fragment, files));
                if (pending.Count >= plan.Settings.CommitGranularity)
                {
                    CommitPending();
                }
            }

            // Fragments already fully checkpointed (a crash before their commit) need no task.
            foreach (var fragment in plan.Fragments.Where(f => f.Tasks.Count == 0))
            {
                FragmentDone(fragment);
            }
            foreach (var e in executor.Run(tasks, sizing, _options.Cancel))
            {
                switch (e)
                {
                    case Workers.CheckpointWritten(_, var receipt):
                        store.Record(jobId, receipt);
                        rowsDone += receipt.RowCount;
                        computed += receipt.RowsComputed;
                        errorCount += receipt.Errors.Count;
                        skipped += receipt.Errors.Count(x => x.Action == "Skip");
                        checkpoints++;
                        CheckSkipLimits(udf.OnError, skipped, plan.RowsToCompute);
                        Report(receipt.RowCount, null);
                        break;
                    case Workers.TaskFinished(var task):
                        if (--tasksLeft[task.FragmentId] == 0)
                        {
                            FragmentDone(plan.Fragments.First(f => f.FragmentId == task.FragmentId));
                        }
                        break;
                    case Workers.ExecutorNotice(var message):
                        _options.Log?.Invoke(message);
                        break;
                }
            }
            CommitPending();
            store.FinishJob(jobId, JobStatus.Done, null);
            return Result(JobStatus.Done);
        }
        catch (OperationCanceledException)
        {
            CommitSafely(CommitPending);
            store.FinishJob(jobId, JobStatus.Stopped, "Stopped by the user.");
            return Result(JobStatus.Stopped);
        }
        catch (Exception e)
        {
            if (e is UdfFailedException failed)
            {
                store.RecordErrors(failed.Errors.Where(x => x.Action == "Fail").ToList());
            }
            CommitSafely(CommitPending);
            store.FinishJob(jobId, JobStatus.Failed, e.Message);
            throw;
        }

        BackfillResult Result(JobStatus status) => new()
        {
            JobId = jobId,
            TablePath = table.Path,
            Column = plan.Column,
            Status = status,
            TableVersion = current.Version,
            RowsPlanned = plan.RowsToProcess,
            RowsCheckpointed = rowsDone,
            UdfValuesComputed = computed,
            Checkpoints = checkpoints,
            FragmentsCommitted = committed,
            FragmentsDeferred = plan.DeferredFragments,
            ErrorCount = errorCount,
            CommitRetries = retries,
            Elapsed = clock.Elapsed,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Fails the job once skipped rows pass MaxSkipCount, or pass MaxSkipFraction of the rows
    /// this run computes (so the fraction is of the whole job, not of the rows seen so far).
    /// </summary>
    private static void CheckSkipLimits(ErrorPolicy policy, long skipped, long rowsToCompute)
    {
        if (policy.MaxSkipCount is long max && skipped > max)
        {
            throw new GenevaException(GenevaErrorCode.UdfFailed,
                $"{skipped} rows were skipped after UDF errors, more than MaxSkipCount {max}; the job stops. " +
                "Get-GenevaBackfillError lists them.", skipped);
        }
        if (policy.MaxSkipFraction is double fraction && skipped > fraction * rowsToCompute)
        {
            throw new GenevaException(GenevaErrorCode.UdfFailed,
                $"{skipped} of {rowsToCompute} rows were skipped after UDF errors, more than MaxSkipFraction {fraction:P1}; " +
                "the job stops. Get-GenevaBackfillError lists them.", skipped);
        }
    }

    private void CommitSafely(Action commit)
    {
        try
        {
            commit();
        }
        catch (GenevaException e)
        {
            // The checkpoints stay; a resume commits them. Do not hide the original failure.
            _options.Log?.Invoke($"Could not commit finished fragments: {e.Message}");
        }
    }

    /// <summary>
    /// The provenance of a committed fragment: the current version, unless a filter recomputed
    /// only some rows over values of another version (then it is mixed and a plain run redoes it).
    /// </summary>
    private static string ProvenanceVersion(GenevaTable table, PlannedFragment fragment, SchemaField field, UdfSpec udf)
    {
        if (fragment.Mode != FragmentMode.Filter)
        {
            return udf.EffectiveVersion;
        }
        var old = table.Manifest.Fragments.First(f => f.Id == fragment.FragmentId).FilesFor(field.Id);
        return old.All(f => f.Provenance?.UdfVersion == udf.EffectiveVersion && f.Provenance.InputFiles.SequenceEqual(fragment.InputFiles))
            ? udf.EffectiveVersion
            : ColumnProvenance.Mixed;
    }
}
