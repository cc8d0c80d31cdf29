namespace Geneva.Bench;

/// <summary>What one child measurement reports (one JSON line on stdout, prefixed RESULT).</summary>
internal sealed record Measurement
{
    public string Kind { get; init; } = "";
    public long Rows { get; init; }
    /// <summary>Peak working set (VmHWM) of the child process.</summary>
    public long PeakBytes { get; init; }
    public long BytesWritten { get; init; }
    public bool Verified { get; init; }
    public string? Note { get; init; }
    /// <summary>The floor's passes or the session's backfills, in order (the first in a fresh process).</summary>
    public List<Pass> Passes { get; init; } = [];
    /// <summary>From the parent's Process.Start to the end of the first pass (runtime start, JIT, first use of everything).</summary>
    public double FirstFromProcessStart { get; init; }
    /// <summary>Peak working set of each worker process the session started (pid, bytes).</summary>
    public Dictionary<string, long>? WorkerPeaks { get; init; }
    public Dictionary<string, double>? Parts { get; init; }
}

/// <summary>One timed pass: a floor loop or one backfill (AddColumn + BackfillCoordinator.Start).</summary>
internal sealed record Pass
{
    public double Seconds { get; init; }
    // The floor's splits.
    public double ReadSeconds { get; init; }
    public double ComputeSeconds { get; init; }
    public double WriteSeconds { get; init; }
    // The backfill's splits (from the job's receipts and progress timestamps).
    public double AddColumnSeconds { get; init; }
    public double PlanSeconds { get; init; }
    public double FirstCheckpointSeconds { get; init; }
    public double UdfSeconds { get; init; }
    public double RunnerOtherSeconds { get; init; }
    /// <summary>From the last receipt to the "committed" report: the last fragments' Lance files and the manifest commit.</summary>
    public double CommitSeconds { get; init; }
    /// <summary>From the last progress report to Start's return: job end, lease release, orphan collection.</summary>
    public double FinishSeconds { get; init; }
    public int Checkpoints { get; init; }
    public int Workers { get; init; }
    // Bytes.
    /// <summary>The output column's Lance data (the new data files).</summary>
    public long OutputBytes { get; init; }
    public long CheckpointBytes { get; init; }
    public long ManifestBytes { get; init; }
    public long TransactionBytes { get; init; }
    public long SqliteBytes { get; init; }
    public long OtherBytes { get; init; }
    /// <summary>write_bytes of /proc/PID/io, session and workers: what reached the page cache, SQLite rewrites included.</summary>
    public long IoWriteBytes { get; init; }
    public long AllocatedBytes { get; init; }
    /// <summary>CPU seconds (user + system) of the pass: this process, plus the session's workers for a backfill.</summary>
    public double CpuSeconds { get; init; }
}
