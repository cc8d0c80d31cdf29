using Geneva.Core.Planning;

namespace Geneva.Core.Checkpoints;

/// <summary>
/// A backfill job as stored in the table's SQLite database. Read-only to callers (the store and the
/// engine set it), so a PowerShell user cannot change a job object into something it is not.
/// </summary>
public sealed record JobRecord
{
    public string JobId { get; internal init; } = "";
    /// <summary>The table the job belongs to, so a job object can be piped to Resume-GenevaBackfill.</summary>
    public string TablePath { get; internal init; } = "";
    public string Column { get; internal init; } = "";
    public string UdfName { get; internal init; } = "";
    public string UdfVersion { get; internal init; } = "";
    public string? Where { get; internal init; }
    public JobStatus Status { get; internal init; }
    /// <summary>The request (column, filter, settings) the job was started with, which a resume replans; JSON only in storage.</summary>
    public BackfillRequest Request { get; internal init; } = new() { Column = "" };
    public long TableVersion { get; internal init; }
    public DateTimeOffset CreatedAt { get; internal init; }
    public DateTimeOffset? EndedAt { get; internal init; }
    public string? Error { get; internal init; }

    /// <summary>Rows the job computes over all its runs: live rows that pass its filter and need computing (see <see cref="Execution.BackfillResult"/>).</summary>
    public long RowsPlanned { get; internal init; }

    /// <summary>Fragments the job commits over all its runs: those committed so far and those its latest plan has left.</summary>
    public int FragmentsPlanned { get; internal init; }

    /// <summary>Of <see cref="RowsPlanned"/>, rows whose values are durably saved (checkpointed or committed).</summary>
    public long RowsCheckpointed { get; internal init; }

    /// <summary>UDF values the job's runs computed (reused checkpoints are not computed again).</summary>
    public long UdfValuesComputed { get; internal init; }

    public int Checkpoints { get; internal init; }
    public int FragmentsCommitted { get; internal init; }

    /// <summary>Of <see cref="RowsCheckpointed"/>, rows in fragments committed to a table version.</summary>
    public long RowsCommitted { get; internal init; }
    public long ErrorCount { get; internal init; }
    public double UdfSeconds { get; internal init; }
    public double CheckpointSeconds { get; internal init; }
    public int CommitRetries { get; internal init; }
    public int ProcessId { get; internal init; }
    public string? HostName { get; internal init; }
    public DateTimeOffset? HeartbeatAt { get; internal init; }

    /// <summary>When the latest run (the start, or the latest resume) began.</summary>
    public DateTimeOffset? StartedAt { get; internal init; }

    /// <summary><see cref="RowsCheckpointed"/> when the latest run began (rows committed and rows of reused checkpoints).</summary>
    public long RowsBeforeRun { get; internal init; }

    /// <summary>Per-worker metrics of the latest run.</summary>
    public IReadOnlyList<WorkerMetrics> Workers { get; internal init; } = [];

    /// <summary>The devices the latest run's UDF instances chose (model UDFs), for example cpu or cuda:0.</summary>
    public string? Device => Workers.Select(w => w.Device).OfType<string>().Distinct().ToList() is { Count: > 0 } devices
        ? string.Join(", ", devices)
        : null;

    /// <summary>Rows per device batch the latest run's model instances work with (the smallest, after any out-of-memory split).</summary>
    public int? BatchSize => Workers.Min(w => w.BatchSize);

    /// <summary>Rows checkpointed by the latest run.</summary>
    public long RunRowsDone => RowsCheckpointed - RowsBeforeRun;

    /// <summary>Rows checkpointed per second over the latest run (up to now while it runs).</summary>
    public double RowsPerSecond
    {
        get
        {
            if (StartedAt is not { } start)
            {
                return 0;
            }
            var end = Status == JobStatus.Running ? DateTimeOffset.UtcNow : EndedAt ?? HeartbeatAt ?? start;
            var seconds = (end - start).TotalSeconds;
            return seconds > 0 ? RunRowsDone / seconds : 0;
        }
    }

    /// <summary>
    /// Time left at the latest run's rate, for a running job; null while it is being estimated
    /// (the rule of <see cref="Execution.BackfillProgress.EstimateEta"/>) and for a job that is not running.
    /// </summary>
    public TimeSpan? Eta => Status == JobStatus.Running && StartedAt is { } start
        ? Execution.BackfillProgress.EstimateEta(RowsPlanned - RowsCheckpointed, RunRowsDone, DateTimeOffset.UtcNow - start)
        : null;
}
