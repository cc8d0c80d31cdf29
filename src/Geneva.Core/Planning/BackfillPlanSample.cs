namespace Geneva.Core.Planning;

/// <summary>
/// What running the UDF on a sample of a plan's rows measured, in one worker with one UDF instance on the
/// device a backfill would use, and what it predicts for the plan: rows per second per instance (median and
/// spread over the timed calls; the first call, which pays for start-up, is left out when there are three or
/// more), the time the plan's rows take at the planned concurrency, and the checkpoint size the adaptive
/// sizer would settle at.
/// </summary>
/// <remarks>Setters are internal: PowerShell treats a public init accessor as a setter, and output is read-only to callers.</remarks>
public sealed record BackfillPlanSample
{
    /// <summary>Rows the UDF was run on.</summary>
    public int SampledRows { get; internal init; }

    /// <summary>UDF calls made (windows of consecutive rows, as a backfill's checkpoints are).</summary>
    public int Calls { get; internal init; }

    /// <summary>Calls the rates are taken from.</summary>
    public int TimedCalls { get; internal init; }

    /// <summary>Rows per second of one UDF instance: the median over the timed calls.</summary>
    public double RowsPerSecond { get; internal init; }

    /// <summary>The 10th percentile of the timed calls' rates (slow calls).</summary>
    public double RowsPerSecondP10 { get; internal init; }

    /// <summary>The 90th percentile of the timed calls' rates (fast calls).</summary>
    public double RowsPerSecondP90 { get; internal init; }

    public double RowsPerSecondMin { get; internal init; }

    public double RowsPerSecondMax { get; internal init; }

    /// <summary>Seconds until the first call's values arrived: worker start (or reuse), UDF set-up (a model's load) and the first call.</summary>
    public double FirstResultSeconds { get; internal init; }

    /// <summary>Where the UDF ran (models: cpu, cuda:0), when it chose a device.</summary>
    public string? Device { get; internal init; }

    /// <summary>Sampled rows the UDF failed on (skipped while sampling; a backfill follows the UDF's error policy).</summary>
    public int FailedRows { get; internal init; }

    /// <summary>UDF instances the plan would run at once: workers that fit the machine x IntraApplierConcurrency, at most one per task.</summary>
    public int Instances { get; internal init; }

    /// <summary>The plan's rows to compute at the median rate on every instance, plus the first result's start-up.</summary>
    public double EstimatedSeconds { get; internal init; }

    /// <summary>The estimate at the 90th percentile rate.</summary>
    public double EstimatedSecondsLow { get; internal init; }

    /// <summary>The estimate at the 10th percentile rate.</summary>
    public double EstimatedSecondsHigh { get; internal init; }

    public TimeSpan EstimatedDuration => TimeSpan.FromSeconds(EstimatedSeconds);

    /// <summary>
    /// Rows per checkpoint the adaptive sizer would settle at: the median rate x its target of UDF time per
    /// checkpoint (<see cref="TargetSeconds"/>), within [MinCheckpointSize, MaxCheckpointSize]; it starts at the
    /// minimum (a fast proof of life) and grows there after the first checkpoints.
    /// </summary>
    public int SuggestedCheckpointSize { get; internal init; }

    /// <summary>The adaptive sizer's target of UDF seconds per checkpoint.</summary>
    public double TargetSeconds { get; internal init; }

    /// <summary>What the figures assume or where they fall short.</summary>
    public IReadOnlyList<string> Notes { get; internal init; } = [];
}
