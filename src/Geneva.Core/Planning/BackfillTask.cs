namespace Geneva.Core.Planning;

/// <summary>A row range [Offset, Offset + RowCount) of one fragment: the unit of scheduling.</summary>
/// <remarks>Get-only: a positional record's properties are public init, which PowerShell would let callers set.</remarks>
public sealed record BackfillTask(int FragmentId, int Offset, int RowCount)
{
    public int FragmentId { get; } = FragmentId;

    public int Offset { get; } = Offset;

    public int RowCount { get; } = RowCount;
}
