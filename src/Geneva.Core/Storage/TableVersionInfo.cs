namespace Geneva.Core.Storage;

/// <summary>One version of a table, as the version history lists it.</summary>
/// <remarks>Get-only: a positional record's properties are public init, which PowerShell would let callers set.</remarks>
public sealed record TableVersionInfo(
    long Version, DateTimeOffset Timestamp, string Operation, string? Detail, long RowCount, int FragmentCount)
{
    public long Version { get; } = Version;

    public DateTimeOffset Timestamp { get; } = Timestamp;

    public string Operation { get; } = Operation;

    public string? Detail { get; } = Detail;

    public long RowCount { get; } = RowCount;

    public int FragmentCount { get; } = FragmentCount;

    /// <summary>The table the version belongs to, so a version can be piped to a reader of that version.</summary>
    public string TablePath { get; internal init; } = "";
}
