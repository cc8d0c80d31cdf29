namespace Geneva.Core.Execution;

/// <summary>How the caller observes and controls a run; the engine itself never touches a console.</summary>
public sealed record BackfillRunOptions
{
    public IProgress<BackfillProgress>? Progress { get; init; }

    /// <summary>Verbose log lines (commits, plan decisions).</summary>
    public Action<string>? Log { get; init; }

    public CancellationToken Cancel { get; init; }

    /// <summary>Target UDF time per checkpoint for the adaptive sizer; Geneva's 10 s by default.</summary>
    public TimeSpan? CheckpointTarget { get; init; }

    /// <summary>Where tasks run; null runs them in this process, one UDF instance, on the calling thread.</summary>
    public Workers.ITaskExecutor? Executor { get; init; }

    /// <summary>Chooses an executor once the job's UDF and settings are known (used when <see cref="Executor"/> is null).</summary>
    public Func<Udfs.UdfSpec, Planning.BackfillSettings, Workers.ITaskExecutor>? ExecutorFactory { get; init; }

    /// <summary>
    /// True (the default): Concurrency counts worker processes on this machine, and asking for more than it offers
    /// warns. False when the executor runs elsewhere (a cluster): its slots bound Concurrency, and it warns itself.
    /// </summary>
    public bool ConcurrencyOnThisMachine { get; init; } = true;

    /// <summary>The job lease's heartbeat, expiry and wait poll (tests shorten them).</summary>
    public Checkpoints.LeaseOptions Lease { get; init; } = Checkpoints.LeaseOptions.Default;

    /// <summary>Replaces the retry wait, so tests need not sleep (in-process execution only).</summary>
    public Action<TimeSpan, CancellationToken>? Sleep { get; init; }
}
