using Geneva.Core.Storage;

namespace Geneva.Core.Planning;

/// <summary>
/// One fragment that needs work. <see cref="Key"/> is its checkpoint identity: UDF version,
/// column, effective filter, table id, fragment and the data files it reads, but not the table
/// version, so appends and other columns' commits do not invalidate checkpoints.
/// </summary>
public sealed record PlannedFragment
{
    public required int FragmentId { get; init; }
    public required int RowCount { get; init; }
    public required FragmentMode Mode { get; init; }
    public required string Key { get; init; }
    /// <summary>Rows the UDF will be called for (matching the effective filter).</summary>
    public required long RowsToCompute { get; init; }
    public required int CheckpointedRows { get; init; }
    public required IReadOnlyList<BackfillTask> Tasks { get; init; }
    /// <summary>Data files the UDF reads (its provenance once committed).</summary>
    public required IReadOnlyList<string> InputFiles { get; init; }

    /// <summary>
    /// The rows computed here, as a normalized filter, for <see cref="FragmentMode.Filter"/> and
    /// <see cref="FragmentMode.Remaining"/>: the user's filter, narrowed to rows the current UDF
    /// version has not computed yet.
    /// </summary>
    public string? Where { get; init; }

    /// <summary>The provenance the fragment's column carries once this work is committed.</summary>
    internal ColumnProvenance? Outcome { get; init; }

    /// <summary>The column is complete for the current version here: only skipped rows are computed again.</summary>
    internal bool RetriesOnly { get; init; }
}
