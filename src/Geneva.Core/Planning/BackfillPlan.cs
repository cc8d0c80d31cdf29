namespace Geneva.Core.Planning;

/// <summary>
/// What a backfill would do: a plain, serializable object (JSON, CliXml) that a run can be
/// started from. Fragments with no matching row and fragments already done are not listed.
/// </summary>
/// <remarks>Setters are internal: PowerShell treats a public init accessor as a setter, and output is read-only to callers.</remarks>
public sealed record BackfillPlan
{
    public string TablePath { get; internal init; } = "";
    public string TableId { get; internal init; } = "";
    public long TableVersion { get; internal init; }
    public string Column { get; internal init; } = "";
    public string? Where { get; internal init; }
    public string UdfName { get; internal init; } = "";
    public string UdfVersion { get; internal init; } = "";
    public BackfillRequest Request { get; internal init; } = null!;
    public BackfillSettings Settings { get; internal init; } = null!;
    public IReadOnlyList<PlannedFragment> Fragments { get; internal init; } = [];
    public IReadOnlyList<string> Warnings { get; internal init; } = [];
    /// <summary>Fragments left for a later run by NumFrags.</summary>
    public int DeferredFragments { get; internal init; }
    public int SkippedFragments { get; internal init; }

    /// <summary>What running the UDF on sampled rows measured and predicts; null unless a sample was asked for.</summary>
    public BackfillPlanSample? Sample { get; internal init; }

    public IReadOnlyList<BackfillTask> Tasks => Fragments.SelectMany(f => f.Tasks).ToList();
    public int TaskCount => Fragments.Sum(f => f.Tasks.Count);
    public int FragmentCount => Fragments.Count;

    /// <summary>
    /// Rows that need computing: live rows that pass the filter and lack the current UDF version's value. A job
    /// started from this plan has this many RowsPlanned (see <see cref="Execution.BackfillResult"/> for the counters).
    /// </summary>
    public long RowsToCompute => Fragments.Sum(f => f.RowsToCompute);

    /// <summary>Rows of the tasks' ranges, copied rows included: what the workers read, not a count of work.</summary>
    public long RowsToProcess => Fragments.Sum(f => f.Tasks.Sum(t => (long)t.RowCount));

    /// <summary>
    /// Of <see cref="RowsToCompute"/>, rows saved checkpoints already hold (a run that stopped before committing
    /// them): a job started from this plan begins with this many RowsCheckpointed and does not compute them again.
    /// </summary>
    public long CheckpointedRows => Fragments.Sum(f => (long)f.CheckpointedRows);
}
