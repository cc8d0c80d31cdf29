using System.Globalization;
using Geneva.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Geneva.Core.Checkpoints;

/// <summary>
/// The right to run a job: a lease on its column in the table's SQLite database, so one job at a
/// time computes a column and a job runs in one place at a time. Taken with a compare-and-set,
/// renewed by a heartbeat every <see cref="LeaseOptions.Heartbeat"/> on a pool thread (with its own
/// connection), released on dispose. A holder that stops heartbeating (killed, crashed, frozen)
/// loses the lease after <see cref="LeaseOptions.Expiry"/>; its job then shows as interrupted and
/// may be resumed elsewhere. Releasing it ends the job's run, so the table's orphaned checkpoint and
/// temporary files are collected then (<see cref="CheckpointFiles.CollectOrphans"/>).
/// </summary>
public sealed class JobLease : IDisposable
{
    private readonly CheckpointStore _store;
    private readonly string _tablePath;
    private readonly string _resource;
    private readonly LeaseOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;
    private bool _disposed;

    /// <summary>Set by the heartbeat when it found the lease gone: this process stalled past the expiry and another took it.</summary>
    private volatile bool _lost;

    private JobLease(CheckpointStore store, string tablePath, string resource, string jobId, string holder, bool waited,
        LeaseOptions options)
    {
        _store = store;
        _tablePath = tablePath;
        _resource = resource;
        _options = options;
        JobId = jobId;
        Holder = holder;
        Waited = waited;
        _heartbeat = Task.Run(HeartbeatAsync);
    }

    public string JobId { get; }

    /// <summary>machine:process:token; the token tells apart two runs in one process and a reused process id.</summary>
    public string Holder { get; }

    /// <summary>The lease was held by another run when asked for, and this one waited for it (the table may have changed).</summary>
    public bool Waited { get; }

    /// <summary>The lease expired while held (this process stalled past the expiry) and may now be another's.</summary>
    public bool Lost => _lost;

    private static string NewHolder() =>
        $"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Takes the lease on <paramref name="column"/> for job <paramref name="jobId"/>. When another live run holds
    /// it, throws JobBusy naming that run, or with <paramref name="wait"/> waits for it (reporting to
    /// <paramref name="waiting"/> once) until it is free or <paramref name="cancel"/> stops the wait (OperationStopped).
    /// </summary>
    public static JobLease ForColumn(GenevaTable table, string column, string jobId, LeaseOptions options, bool wait,
        CancellationToken cancel, Action<string>? waiting = null)
    {
        var field = table.Manifest.GetField(column);
        var resource = "column:" + field.Id.ToString(CultureInfo.InvariantCulture);
        var holder = NewHolder();
        var store = CheckpointStore.Open(table.Path);
        try
        {
            var waited = false;
            while (true)
            {
                var other = store.TryTakeLease(resource, jobId, field.Name, holder, options.Expiry);
                if (other is null)
                {
                    return new JobLease(store, table.Path, resource, jobId, holder, waited, options);
                }
                var busy = Busy(other, jobId, table.Path);
                if (!wait)
                {
                    throw busy;
                }
                if (!waited)
                {
                    waiting?.Invoke($"Waiting: {busy.Message}");
                    waited = true;
                }
                if (cancel.WaitHandle.WaitOne(options.WaitPoll))
                {
                    throw new GenevaException(GenevaErrorCode.OperationStopped,
                        $"Stopped while waiting for job '{other.JobId}' to release column '{field.Name}'.", jobId);
                }
            }
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes the lease to resume <paramref name="job"/> (see <see cref="ForColumn"/>). A job that finished
    /// while this call waited is not run again: JobNotResumable.
    /// </summary>
    public static JobLease ForJob(CheckpointStore store, GenevaTable table, JobRecord job, LeaseOptions options, bool wait,
        CancellationToken cancel, Action<string>? waiting = null)
    {
        var lease = ForColumn(table, job.Column, job.JobId, options, wait, cancel, waiting);
        if (store.GetJob(job.JobId) is { Status: JobStatus.Done })
        {
            lease.Dispose();
            throw new GenevaException(GenevaErrorCode.JobNotResumable,
                $"Job '{job.JobId}' finished while this run waited for it; there is nothing left to resume.", job.JobId);
        }
        return lease;
    }

    private static GenevaException Busy(LeaseHolder other, string jobId, string tablePath)
    {
        var age = Math.Max(0, (DateTimeOffset.UtcNow - other.HeartbeatAt).TotalSeconds);
        var who = $"held by {other.Holder}, last heartbeat {age.ToString("0", CultureInfo.InvariantCulture)} s ago";
        return new GenevaException(GenevaErrorCode.JobBusy, other.JobId == jobId
            ? $"Job '{jobId}' is already running ({who}); a second run would compute its rows twice. " +
              "Wait for it, or resume it once it ends."
            : $"Column '{other.Column}' of table '{tablePath}' is being computed by job '{other.JobId}' ({who}); " +
              "one job at a time computes a column. Wait for that job, or start again once it ends.",
            other.JobId);
    }

    private async Task HeartbeatAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Heartbeat, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (!_store.RenewLease(_resource, Holder, _options.Expiry))
                {
                    _lost = true;
                    return;
                }
            }
            catch (SqliteException)
            {
                // Busy or a transient failure: the next beat tries again, well before the expiry.
            }
        }
    }

    /// <summary>Stops heartbeating without releasing, as a killed holder would (tests).</summary>
    internal void Abandon()
    {
        StopHeartbeat();
        _disposed = true;
        _store.Dispose();
    }

    private void StopHeartbeat()
    {
        _stop.Cancel();
        _heartbeat.GetAwaiter().GetResult();
        _stop.Dispose();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        StopHeartbeat();
        try
        {
            // The job is over: its files in flight are gone with it, so what nothing refers to is garbage.
            CheckpointFiles.CollectOrphans(_tablePath, _store, Holder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or GenevaException)
        {
            // Best effort: a later job collects what this one could not.
        }
        try
        {
            _store.ReleaseLease(_resource, Holder);
        }
        catch (SqliteException)
        {
            // Not released: it expires on its own.
        }
        _store.Dispose();
    }
}
