using Geneva.Core.Storage;

namespace Geneva.Core.Planning;

/// <summary>
/// One fragment that needs work. <see cref="Key"/> is its checkpoint identity: UDF version,
/// column, effective filter, table id, fragment and the data files it reads, but not the table
/// version, so appends and other columns' commits do not invalidate checkpoints.
/// </summary>
/// <remarks>Setters are internal: PowerShell treats a public init accessor as a setter, and output is read-only to callers.</remarks>
public sealed record PlannedFragment
{
    public int FragmentId { get; internal init; }
    public int RowCount { get; internal init; }
    public FragmentMode Mode { get; internal init; }
    public string Key { get; internal init; } = "";
    /// <summary>Rows that need computing: live rows matching the effective filter (those saved checkpoints hold included).</summary>
    public long RowsToCompute { get; internal init; }

    /// <summary>Of <see cref="RowsToCompute"/>, rows saved checkpoints already hold: committed without calling the UDF again.</summary>
    public int CheckpointedRows { get; internal init; }
    public IReadOnlyList<BackfillTask> Tasks { get; internal init; } = [];
    /// <summary>Data files the UDF reads (its provenance once committed).</summary>
    public IReadOnlyList<string> InputFiles { get; internal init; } = [];
    /// <summary>
    /// The rows computed here, as a normalized filter, for <see cref="FragmentMode.Filter"/> and
    /// <see cref="FragmentMode.Remaining"/>: the user's filter, narrowed to rows the current UDF
    /// version has not computed yet.
    /// </summary>
    public string? Where { get; internal init; }

    /// <summary>The provenance the fragment's column carries once this work is committed.</summary>
    internal ColumnProvenance? Outcome { get; init; }

    /// <summary>The column is complete for the current version here: only skipped rows are computed again.</summary>
    internal bool RetriesOnly { get; init; }
}
