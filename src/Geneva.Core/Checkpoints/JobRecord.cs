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
}
