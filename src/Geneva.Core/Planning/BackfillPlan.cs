namespace Geneva.Core.Planning;

/// <summary>
/// What a backfill would do: a plain, serializable object (JSON, CliXml) that a run can be
/// started from. Fragments with no matching row and fragments already done are not listed.
/// </summary>
public sealed record BackfillPlan
{
    public required string TablePath { get; init; }
    public required string TableId { get; init; }
    public required long TableVersion { get; init; }
    public required string Column { get; init; }
    public string? Where { get; init; }
    public required string UdfName { get; init; }
    public required string UdfVersion { get; init; }
    public required BackfillRequest Request { get; init; }
    public required BackfillSettings Settings { get; init; }
    public required IReadOnlyList<PlannedFragment> Fragments { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>Fragments left for a later run by NumFrags.</summary>
    public int DeferredFragments { get; init; }
    public int SkippedFragments { get; init; }

    public IReadOnlyList<BackfillTask> Tasks => Fragments.SelectMany(f => f.Tasks).ToList();
    public int TaskCount => Fragments.Sum(f => f.Tasks.Count);
    public int FragmentCount => Fragments.Count;
    public long RowsToCompute => Fragments.Sum(f => f.RowsToCompute);
    public long RowsToProcess => Fragments.Sum(f => f.Tasks.Sum(t => (long)t.RowCount));
    public long CheckpointedRows => Fragments.Sum(f => (long)f.CheckpointedRows);
}
