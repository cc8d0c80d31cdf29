using Geneva.Core.Checkpoints;

namespace Geneva.Core.Execution;

/// <summary>What a backfill run did.</summary>
public sealed record BackfillResult
{
    public required string JobId { get; init; }
    public required string TablePath { get; init; }
    public required string Column { get; init; }
    public required JobStatus Status { get; init; }
    public required long TableVersion { get; init; }
    public long RowsPlanned { get; init; }
    public long RowsCheckpointed { get; init; }
    public long UdfValuesComputed { get; init; }
    public int Checkpoints { get; init; }
    public int FragmentsCommitted { get; init; }
    public int FragmentsDeferred { get; init; }
    public long ErrorCount { get; init; }
    public int CommitRetries { get; init; }
    public TimeSpan Elapsed { get; init; }
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsCheckpointed / Elapsed.TotalSeconds : 0;
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
