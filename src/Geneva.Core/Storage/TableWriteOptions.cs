namespace Geneva.Core.Storage;

/// <summary>How rows are laid out when written: fragment size and record-batch size.</summary>
public sealed record TableWriteOptions
{
    public const int DefaultMaxRowsPerFragment = 1_048_576;

    /// <summary>Record batches are this size so a reader can seek by row; 64Ki rows keeps per-batch costs negligible.</summary>
    public const int DefaultBatchRows = 65_536;

    public int MaxRowsPerFragment { get; init; } = DefaultMaxRowsPerFragment;

    public int BatchRows { get; init; } = DefaultBatchRows;

    /// <summary>
    /// Keep values the rows give for computed columns as if the column's current UDF version had computed
    /// them from the rows' inputs: the next backfill computes only the rows left null, and a new UDF
    /// version recomputes them all. When false (the default), a non-null value for a computed column
    /// is refused with <see cref="GenevaErrorCode.ComputedColumnValue"/>, since a backfill would replace it.
    /// </summary>
    public bool KeepComputedValues { get; init; }

    public void Validate()
    {
        if (MaxRowsPerFragment < 1)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"MaxRowsPerFragment must be at least 1 (got {MaxRowsPerFragment}).", MaxRowsPerFragment);
        }
        if (BatchRows < 1)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"BatchRows must be at least 1 (got {BatchRows}).", BatchRows);
        }
    }
}
