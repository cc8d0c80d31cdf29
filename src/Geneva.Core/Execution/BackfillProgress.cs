namespace Geneva.Core.Execution;

/// <summary>A snapshot reported after every checkpoint and commit.</summary>
public sealed record BackfillProgress(
    string JobId,
    string Column,
    long RowsTotal,
    long RowsDone,
    int FragmentsTotal,
    int FragmentsCommitted,
    double RowsPerSecond,
    TimeSpan? Eta,
    int CheckpointSize,
    string? Event);
