namespace Geneva.Core.Planning;

/// <summary>
/// What the user asked for; null means "not given" so UDF defaults and Geneva defaults apply.
/// Stored with the job so a resume replans the same request.
/// </summary>
public sealed record BackfillRequest
{
    public required string Column { get; init; }

    public string? Where { get; init; }

    public int? NumFrags { get; init; }

    public int? CheckpointSize { get; init; }

    public int? MinCheckpointSize { get; init; }

    public int? MaxCheckpointSize { get; init; }

    public int? CommitGranularity { get; init; }

    public int? Concurrency { get; init; }

    public int? IntraApplierConcurrency { get; init; }

    /// <summary>Seconds a worker with work may go without a checkpoint before it counts as hung.</summary>
    public int? CheckpointTimeout { get; init; }

    /// <summary>
    /// Also recompute rows that failed and were skipped (they are null) in fragments the current
    /// UDF version finished; without it a finished fragment plans nothing.
    /// </summary>
    public bool RetryErrors { get; init; }
}
