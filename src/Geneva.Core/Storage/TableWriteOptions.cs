namespace Geneva.Core.Storage;

/// <summary>How rows are laid out when written: fragment size and record-batch size.</summary>
public sealed record TableWriteOptions
{
    public const int DefaultMaxRowsPerFragment = 1_048_576;

    /// <summary>Record batches are this size so a reader can seek by row; 64Ki rows keeps per-batch costs negligible.</summary>
    public const int DefaultBatchRows = 65_536;

    public int MaxRowsPerFragment { get; init; } = DefaultMaxRowsPerFragment;

    public int BatchRows { get; init; } = DefaultBatchRows;

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
