using Geneva.Core.Checkpoints;

namespace Geneva.Core.Execution;

/// <summary>What a backfill run did.</summary>
/// <remarks>Setters are internal: PowerShell treats a public init accessor as a setter, and output is read-only to callers.</remarks>
public sealed record BackfillResult
{
    public string JobId { get; internal init; } = "";
    public string TablePath { get; internal init; } = "";
    public string Column { get; internal init; } = "";
    public JobStatus Status { get; internal init; }
    public long TableVersion { get; internal init; }
    public long RowsPlanned { get; internal init; }
    public long RowsCheckpointed { get; internal init; }
    public long UdfValuesComputed { get; internal init; }
    public int Checkpoints { get; internal init; }
    public int FragmentsCommitted { get; internal init; }
    public int FragmentsDeferred { get; internal init; }
    public long ErrorCount { get; internal init; }
    public int CommitRetries { get; internal init; }
    public TimeSpan Elapsed { get; internal init; }
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsCheckpointed / Elapsed.TotalSeconds : 0;
    public IReadOnlyList<string> Warnings { get; internal init; } = [];
}
