namespace Geneva.Core.Storage;

public sealed record TableVersionInfo(
    long Version, DateTimeOffset Timestamp, string Operation, string? Detail, long RowCount, int FragmentCount);
