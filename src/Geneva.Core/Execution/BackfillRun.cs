using System.Diagnostics;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Execution;

/// <summary>
/// One run of a backfill job against one pinned version: hands its tasks to the executor,
/// records every receipt, collects finished fragments and commits them every CommitGranularity
/// fragments and at the end, and reports progress. Made by <see cref="BackfillCoordinator"/> for
/// each start or resume and used once; it owns the run's counters, so nothing else mutates them.
/// </summary>
internal sealed class BackfillRun
{
    private readonly BackfillRunOptions _options;
    private readonly CheckpointStore _store;
    private bool _sawCheckpoint;
    private readonly GenevaTable _table;
    private readonly BackfillPlan _plan;
    private readonly string _jobId;
    private readonly SchemaField _field;
    private readonly FragmentCommitter _committer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _warnings;

    /// <summary>
    /// Finished fragments not yet committed, with the column file each gets: built from its checkpoints on a pool
    /// thread, one fragment after another, while the workers compute the next fragments.
    /// </summary>
    private readonly List<(PlannedFragment Fragment, Task<DataFileEntry> File)> _pending = [];

    /// <summary>The last fragment file build started; the next one starts after it (one build at a time).</summary>
    private Task _building = Task.CompletedTask;

    /// <summary>Tasks still running per fragment; a fragment is finished when its count reaches 0.</summary>
    private readonly Dictionary<int, int> _tasksLeft;

    /// <summary>Rows skipped after an error per fragment, from this run's receipts.</summary>
    private readonly Dictionary<int, long> _skippedByFragment = [];

    private UdfSpec _udf;
    private GenevaTable _current;

    /// <summary>The job's counters as this run goes (see <see cref="BackfillResult"/>), for progress; the store has the same.</summary>
    private long _rowsPlanned;
    private long _rowsCheckpointed;
    private long _rowsBeforeRun;
    private int _fragmentsPlanned;
    private int _fragmentsCommitted;

    private long _skipped;
    private int _lastSize;

    /// <summary>The executor made while planning (its workers starting), or null; the coordinator discards it after the run.</summary>
    private readonly Workers.ITaskExecutor? _prepared;

    public BackfillRun(BackfillRunOptions options, CheckpointStore store, GenevaTable table, BackfillPlan plan, string jobId,
        Workers.ITaskExecutor? prepared = null)
    {
        _prepared = prepared;
        _options = options;
        _store = store;
        _table = table;
        _plan = plan;
        _jobId = jobId;
        _current = table;
        _warnings = plan.Warnings.ToList();
        _udf = table.Manifest.FindBinding(plan.Column)!;
        _field = table.Manifest.GetField(plan.Column);
        _committer = new FragmentCommitter(table, plan);
        _tasksLeft = plan.Fragments.ToDictionary(f => f.FragmentId, f => f.Tasks.Count);
    }

    /// <summary>Runs the plan to the end; a stop returns a Stopped result, a failure is recorded and rethrown.</summary>
    public BackfillResult Execute()
    {
        foreach (var warning in _warnings)
        {
            Log(warning);
        }
        _store.StartRun(_jobId, _table.Version, _plan.RowsToCompute, _plan.CheckpointedRows, _plan.FragmentCount, _plan.UdfVersion);
        var job = _store.GetJob(_jobId)!;
        (_rowsPlanned, _rowsCheckpointed, _rowsBeforeRun) = (job.RowsPlanned, job.RowsCheckpointed, job.RowsBeforeRun);
        (_fragmentsPlanned, _fragmentsCommitted) = (job.FragmentsPlanned, job.FragmentsCommitted);
        if (_store.LearnedBatchSize(_jobId) is int learned && learned < (_udf.BatchSize ?? int.MaxValue))
        {
            // An earlier run of this job ran out of device memory at a larger batch: start where it ended up.
            _udf = _udf with { BatchSize = learned };
            Log($"Resuming with {learned} rows per device batch, the size an earlier run fell back to.");
        }
        try
        {
            RunTasks();
            CommitPending();
            _store.FinishJob(_jobId, JobStatus.Done, null);
            StartupTrace.Mark("session:done");
            return Result(JobStatus.Done);
        }
        catch (OperationCanceledException)
        {
            CommitSafely();
            _store.FinishJob(_jobId, JobStatus.Stopped, "Stopped by the user.");
            return Result(JobStatus.Stopped);
        }
        catch (Exception e)
        {
            if (e is UdfFailedException failed)
            {
                _store.RecordErrors(failed.Errors.Where(x => x.Action == "Fail").ToList());
            }
            CommitSafely();
            _store.FinishJob(_jobId, JobStatus.Failed, e.Message);
            throw;
        }
    }

    private void RunTasks()
    {
        var tasks = _plan.Fragments.SelectMany(f => f.Tasks.Select(t => new TaskSpec(_jobId, _table.Path, _table.Version,
            _plan.Column, _udf, f.Where, f.FragmentId, f.Mode, f.Key, t.Offset, t.RowCount))).ToList();
        var sizing = new Workers.CheckpointSizing(_plan.Settings.MinCheckpointSize, _plan.Settings.MaxCheckpointSize,
            (_options.CheckpointTarget ?? AdaptiveCheckpointSizer.DefaultTarget).TotalSeconds);
        var executor = _options.Executor
            ?? (tasks.Count > 0 ? _prepared ?? _options.ExecutorFactory?.Invoke(_udf, _plan.Settings) : null)
            ?? new Workers.InProcessTaskExecutor(_options.Sleep);
        Report(null, "started");

        // Fragments already fully checkpointed (a crash before their commit) need no task.
        foreach (var fragment in _plan.Fragments.Where(f => f.Tasks.Count == 0))
        {
            FragmentDone(fragment);
        }
        foreach (var e in executor.Run(tasks, sizing, _options.Cancel))
        {
            switch (e)
            {
                case Workers.CheckpointWritten(_, var receipt):
                    OnCheckpoint(receipt);
                    break;
                case Workers.TaskFinished(var task):
                    OnTaskFinished(task);
                    break;
                case Workers.ExecutorNotice(var message):
                    Log(message);
                    break;
                case Workers.ExecutorWarning(var warning):
                    if (!_warnings.Contains(warning))
                    {
                        _warnings.Add(warning);
                    }
                    Log(warning);
                    break;
            }
        }
    }

    /// <summary>Records a receipt: from here on its computed rows count as checkpointed.</summary>
    private void OnCheckpoint(CheckpointReceipt receipt)
    {
        if (!_sawCheckpoint)
        {
            _sawCheckpoint = true;
            StartupTrace.Mark("session:first-checkpoint");
        }
        _store.Record(_jobId, receipt);
        _rowsCheckpointed += receipt.RowsComputed;
        var skipped = receipt.Errors.Count(x => x.Action == "Skip");
        _skipped += skipped;
        _skippedByFragment[receipt.FragmentId] = _skippedByFragment.GetValueOrDefault(receipt.FragmentId) + skipped;
        CheckSkipLimits(_udf.OnError, _skipped, _plan.RowsToCompute);
        Report(receipt.RowCount, null);
    }

    private void OnTaskFinished(TaskSpec task)
    {
        if (--_tasksLeft[task.FragmentId] == 0)
        {
            FragmentDone(_plan.Fragments.First(f => f.FragmentId == task.FragmentId));
        }
    }

    /// <summary>
    /// Queues a fragment whose checkpoints tile it for the next commit, with the coverage the plan
    /// worked out for it; a fragment whose values would not change is left as it is.
    /// </summary>
    private void FragmentDone(PlannedFragment fragment)
    {
        var receipts = _store.ForFragment(fragment.Key);
        if (Unchanged(fragment, receipts))
        {
            Log($"Fragment {fragment.FragmentId}: no row retried got a value; its values and coverage stay as they were.");
            return;
        }
        if (_committer.Removed(fragment.FragmentId))
        {
            // Compacted away under us: no file is built; its checkpoints no longer match any fragment and a re-run recomputes its rows.
            _warnings.Add(FragmentCommitter.RemovedMessage(fragment.FragmentId));
            Log(_warnings[^1]);
            return;
        }
        var provenance = fragment.Outcome ?? new ColumnProvenance(_udf.EffectiveVersion, fragment.InputFiles);
        var file = _building.ContinueWith(_ => FragmentCommitter.FileFromCheckpoints(_table, fragment, receipts,
            _field, provenance) ?? throw new GenevaException(GenevaErrorCode.CheckpointCorrupt,
                $"Fragment {fragment.FragmentId}'s checkpoints do not cover all its rows after its tasks ran; " +
                "a checkpoint file may have been removed. Resume the job to recompute it.", fragment.FragmentId),
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _building = file;
        _pending.Add((fragment, file));
        if (_pending.Count >= _plan.Settings.CommitGranularity)
        {
            CommitPending();
        }
    }

    private void CommitPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        List<(PlannedFragment Fragment, IReadOnlyList<DataFileEntry> Files)> built;
        try
        {
            built = _pending.Select(p => (p.Fragment, (IReadOnlyList<DataFileEntry>)[p.File.GetAwaiter().GetResult()])).ToList();
        }
        catch
        {
            // Nothing is committed: the files that were built are nobody's, and the checkpoints stay for a resume.
            DropPending();
            throw;
        }
        try
        {
            _current = _committer.Commit(built);
        }
        catch
        {
            DropPending();
            throw;
        }
        // Committed: its checkpoints are spent. Left out: its new file is nobody's.
        DeleteInParallel(built.SelectMany(b => _committer.Included(b.Fragment.FragmentId)
            ? _store.ForFragment(b.Fragment.Key).Select(r => r.File)
            : b.Files.Select(f => f.Path)).ToList());
        _fragmentsCommitted += _committer.Committed;
        _rowsPlanned -= _committer.DeletedMeanwhile;
        _rowsCheckpointed -= _committer.DeletedMeanwhile;
        _store.RecordCommit(_jobId, _committer.Committed, _committer.RowsCommitted, _committer.Attempts - 1, _committer.DeletedMeanwhile);
        _warnings.AddRange(_committer.Conflicts);
        foreach (var conflict in _committer.Conflicts)
        {
            Log(conflict);
        }
        Log($"Committed {_committer.Committed} fragment(s) of '{_plan.Column}' as version {_current.Version}.");
        _pending.Clear();
        Report(null, $"committed version {_current.Version}");
    }

    /// <summary>Threads that delete spent files at once: an unlink of a durable file waits on the file system's journal.</summary>
    internal const int DeleteThreads = 8;

    /// <summary>
    /// Deletes files on <see cref="DeleteThreads"/> threads of their own. Unlinking a file that was flushed to disk
    /// waits on the journal (about 4 ms each here): 80 spent checkpoints of a 10M-row backfill took 0.34 s one
    /// after another, a fifth of a warm backfill, and about a quarter of that when 8 run at once.
    /// </summary>
    private void DeleteInParallel(IReadOnlyList<string> files)
    {
        if (files.Count <= 2)
        {
            StoreCleanup.Delete(_table.Path, files);
            return;
        }
        var next = -1;
        var threads = Enumerable.Range(0, Math.Min(DeleteThreads, files.Count)).Select(_ => Task.Factory.StartNew(() =>
        {
            for (var i = Interlocked.Increment(ref next); i < files.Count; i = Interlocked.Increment(ref next))
            {
                StoreCleanup.Delete(_table.Path, [files[i]]);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WaitAll(threads);
    }

    /// <summary>Waits for the fragment files being built and deletes them; clears the pending list.</summary>
    private void DropPending()
    {
        foreach (var (_, file) in _pending)
        {
            try
            {
                StoreCleanup.Delete(_table.Path, [file.GetAwaiter().GetResult().Path]);
            }
            catch (Exception)
            {
                // A build that failed left no file (a data file is published only whole).
            }
        }
        _pending.Clear();
    }

    /// <summary>Commits what finished before a stop or failure; the checkpoints stay, so a resume commits them if this fails.</summary>
    private void CommitSafely()
    {
        try
        {
            CommitPending();
        }
        catch (GenevaException e)
        {
            // Do not hide the original failure.
            Log($"Could not commit finished fragments: {e.Message}");
        }
    }

    private void Report(int? size, string? message)
    {
        var elapsed = _clock.Elapsed;
        var runRows = _rowsCheckpointed - _rowsBeforeRun;
        var rate = elapsed.TotalSeconds > 0 ? runRows / elapsed.TotalSeconds : 0;
        var eta = BackfillProgress.EstimateEta(_rowsPlanned - _rowsCheckpointed, runRows, elapsed);
        _lastSize = size ?? _lastSize;
        _options.Progress?.Report(new BackfillProgress(_jobId, _plan.Column, _rowsPlanned, _rowsCheckpointed,
            _fragmentsPlanned, _fragmentsCommitted, rate, eta, _lastSize, message));
    }

    private void Log(string message) => _options.Log?.Invoke(message);

    /// <summary>The result: the job's counters as stored (so it and the job record agree), with this run's time and warnings.</summary>
    private BackfillResult Result(JobStatus status)
    {
        var elapsed = _clock.Elapsed;
        var job = _store.GetJob(_jobId)!;
        return new()
        {
            JobId = _jobId,
            TablePath = _table.Path,
            Column = _plan.Column,
            Status = status,
            TableVersion = _current.Version,
            RowsPlanned = job.RowsPlanned,
            RowsCheckpointed = job.RowsCheckpointed,
            RowsCommitted = job.RowsCommitted,
            UdfValuesComputed = job.UdfValuesComputed,
            RowsBeforeRun = job.RowsBeforeRun,
            Checkpoints = job.Checkpoints,
            FragmentsCommitted = job.FragmentsCommitted,
            FragmentsDeferred = _plan.DeferredFragments,
            ErrorCount = job.ErrorCount,
            CommitRetries = job.CommitRetries,
            Elapsed = elapsed,
            Warnings = _warnings,
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
                "The job's row errors list them.", skipped);
        }
        if (policy.MaxSkipFraction is double fraction && skipped > fraction * rowsToCompute)
        {
            throw new GenevaException(GenevaErrorCode.UdfFailed,
                $"{skipped} of {rowsToCompute} rows were skipped after UDF errors, more than MaxSkipFraction {fraction:P1}; " +
                "the job stops. The job's row errors list them.", skipped);
        }
    }

    /// <summary>
    /// True when committing the fragment would change nothing: its column was complete for this
    /// version, so only null rows (skipped ones, and ones the UDF returned null for) were computed
    /// again, and none of them got a value. Known from the receipts' RowsWithValues, or, for receipts
    /// recorded without it, from every computed row having been skipped again in this run.
    /// </summary>
    private bool Unchanged(PlannedFragment fragment, IReadOnlyList<CheckpointReceipt> receipts)
    {
        if (fragment.Outcome is not { Complete: true } || !fragment.RetriesOnly)
        {
            return false;
        }
        if (receipts.All(r => r.RowsWithValues is not null))
        {
            return receipts.All(r => r.RowsWithValues == 0);
        }
        var computed = receipts.Sum(r => (long)r.RowsComputed);
        return computed == _skippedByFragment.GetValueOrDefault(fragment.FragmentId);
    }
}
