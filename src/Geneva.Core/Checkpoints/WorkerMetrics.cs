namespace Geneva.Core.Checkpoints;

/// <summary>
/// One worker's share of a job's current run, from its checkpoints: how much it did, and the
/// size and duration of its latest checkpoint (where its adaptive sizing stands now). Rows and sizes
/// count computed rows, as the job's counters and the adaptive sizer do. Read-only.
/// </summary>
public sealed record WorkerMetrics(
    string Worker,
    int Checkpoints,
    long Rows,
    int CurrentCheckpointSize,
    double LastCheckpointSeconds,
    double UdfSeconds,
    DateTimeOffset LastCheckpointAt,
    string? Device = null,
    int? BatchSize = null)
{
    public string Worker { get; } = Worker;
    public int Checkpoints { get; } = Checkpoints;
    public long Rows { get; } = Rows;
    public int CurrentCheckpointSize { get; } = CurrentCheckpointSize;
    public double LastCheckpointSeconds { get; } = LastCheckpointSeconds;
    public double UdfSeconds { get; } = UdfSeconds;
    public DateTimeOffset LastCheckpointAt { get; } = LastCheckpointAt;
    public string? Device { get; } = Device;
    public int? BatchSize { get; } = BatchSize;

    /// <summary>Rows per second of UDF time: the worker's own speed, whatever the others do.</summary>
    public double RowsPerUdfSecond => UdfSeconds > 0 ? Rows / UdfSeconds : 0;
}
