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
}
