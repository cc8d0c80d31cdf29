using Geneva.Core.Udfs;

namespace Geneva.Core.Planning;

/// <summary>
/// The settings in force for one backfill, after precedence (backfill &gt; UDF &gt; defaults) and
/// Geneva's rules: max defaults to and is capped by the checkpoint size; min above max is lowered.
/// </summary>
/// <remarks>Setters are internal: PowerShell treats a public init accessor as a setter, and output is read-only to callers.</remarks>
public sealed record BackfillSettings
{
    /// <summary>
    /// Rows per task: large, because for a cheap UDF each checkpoint costs a file and a SQLite
    /// commit (bench/ measures the overhead); slow UDFs get short checkpoints from the adaptive sizer.
    /// </summary>
    public const int DefaultCheckpointSize = 131_072;

    public const int DefaultCommitGranularity = 64;

    public const int DefaultConcurrency = 8;

    /// <summary>
    /// Long enough for a first checkpoint that loads a large model, short enough that a hung
    /// worker does not stall a job for good.
    /// </summary>
    public const int DefaultCheckpointTimeoutSeconds = 900;

    public int CheckpointSize { get; internal init; } = DefaultCheckpointSize;

    public int MinCheckpointSize { get; internal init; } = 1;

    public int MaxCheckpointSize { get; internal init; } = DefaultCheckpointSize;

    public int CommitGranularity { get; internal init; } = DefaultCommitGranularity;

    public int? NumFrags { get; internal init; }

    public int Concurrency { get; internal init; } = DefaultConcurrency;

    public int IntraApplierConcurrency { get; internal init; } = 1;

    public int CheckpointTimeout { get; internal init; } = DefaultCheckpointTimeoutSeconds;

    /// <param name="concurrencyOnThisMachine">
    /// True: Concurrency counts this machine's worker processes, so asking for more than it offers warns here. False for a
    /// cluster run: the cluster's slots bound Concurrency, and the cluster says when they fall short.
    /// </param>
    public static BackfillSettings Resolve(BackfillRequest request, UdfSpec udf, ICollection<string> warnings,
        bool concurrencyOnThisMachine = true)
    {
        Positive(request.CheckpointSize, "CheckpointSize");
        Positive(request.MinCheckpointSize, "MinCheckpointSize");
        Positive(request.MaxCheckpointSize, "MaxCheckpointSize");
        Positive(request.CommitGranularity, "CommitGranularity");
        Positive(request.NumFrags, "NumFrags");
        Positive(request.Concurrency, "Concurrency");
        Positive(request.IntraApplierConcurrency, "IntraApplierConcurrency");
        Positive(request.CheckpointTimeout, "CheckpointTimeout");

        var size = request.CheckpointSize ?? udf.CheckpointSize ?? DefaultCheckpointSize;
        var max = request.MaxCheckpointSize ?? udf.MaxCheckpointSize ?? size;
        if (max > size)
        {
            warnings.Add($"MaxCheckpointSize {max} is larger than CheckpointSize {size}; using {size}.");
            max = size;
        }
        var min = request.MinCheckpointSize ?? udf.MinCheckpointSize ?? 1;
        if (min > max)
        {
            warnings.Add($"MinCheckpointSize {min} is larger than MaxCheckpointSize {max}; using {max}.");
            min = max;
        }
        if (concurrencyOnThisMachine && request.Concurrency is int asked &&
            Execution.Workers.WorkerCapacity.Fit(asked, udf.NumCpus, udf.NumGpus, Environment.ProcessorCount,
                Execution.Workers.WorkerCapacity.VisibleGpus()).Note is { } overAsked)
        {
            // Asked for, not a default: worth a warning with the others (the default of 8 is capped quietly).
            warnings.Add(overAsked);
        }
        return new BackfillSettings
        {
            CheckpointSize = size,
            MinCheckpointSize = min,
            MaxCheckpointSize = max,
            CommitGranularity = request.CommitGranularity ?? DefaultCommitGranularity,
            NumFrags = request.NumFrags,
            Concurrency = request.Concurrency ?? DefaultConcurrency,
            IntraApplierConcurrency = request.IntraApplierConcurrency ?? 1,
            CheckpointTimeout = request.CheckpointTimeout ?? DefaultCheckpointTimeoutSeconds,
        };
    }

    private static void Positive(int? value, string name)
    {
        if (value is < 1)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, $"{name} must be at least 1 (got {value}).", name);
        }
    }
}
