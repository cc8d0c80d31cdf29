namespace Geneva.Core.Checkpoints;

/// <summary>A backfill job as stored in the table's SQLite database.</summary>
public sealed record JobRecord
{
    public required string JobId { get; init; }
    /// <summary>The table the job belongs to, so a job object can be piped to Resume-GenevaBackfill.</summary>
    public string TablePath { get; init; } = "";
    public required string Column { get; init; }
    public required string UdfName { get; init; }
    public required string UdfVersion { get; init; }
    public string? Where { get; init; }
    public JobStatus Status { get; init; }
    /// <summary>The request (column, filter, settings) as JSON, so Resume can replan it.</summary>
    public required string RequestJson { get; init; }
    public long TableVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? Error { get; init; }
    public long RowsPlanned { get; init; }
    public int FragmentsPlanned { get; init; }
    public long RowsCheckpointed { get; init; }
    public long UdfValuesComputed { get; init; }
    public int Checkpoints { get; init; }
    public int FragmentsCommitted { get; init; }
    public long RowsCommitted { get; init; }
    public long ErrorCount { get; init; }
    public double UdfSeconds { get; init; }
    public double CheckpointSeconds { get; init; }
    public int CommitRetries { get; init; }
    public int ProcessId { get; init; }
    public string? HostName { get; init; }
    public DateTimeOffset? HeartbeatAt { get; init; }

    /// <summary>When the latest run (the start, or the latest resume) began.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Rows checkpointed before the latest run began; RowsPlanned counts that run's rows.</summary>
    public long RowsBeforeRun { get; init; }

    /// <summary>Per-worker metrics of the latest run.</summary>
    public IReadOnlyList<WorkerMetrics> Workers { get; init; } = [];

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

    /// <summary>Time left at the current rate, for a running job.</summary>
    public TimeSpan? Eta => Status == JobStatus.Running && RowsPerSecond > 0
        ? TimeSpan.FromSeconds(Math.Max(0, RowsPlanned - RunRowsDone) / RowsPerSecond)
        : null;
}
