using Geneva.Core.Execution;
using Geneva.PowerShell.Workers;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// A backfill a cmdlet asked for, ready to run in the foreground or as a job: the table (a
/// resolved path), the coordinator call, and how to describe it.
/// </summary>
/// <param name="ConcurrencyGiven">
/// The user asked for -Concurrency: the plan already warns when it is capped (the warning is in the result's Warnings),
/// so the executor need not say it again; a capped default is only a verbose line.
/// </param>
internal sealed record BackfillLaunch(string Table, string Command, Func<BackfillCoordinator, BackfillResult> Run, bool ConcurrencyGiven)
{
    /// <summary>The seed's host:port of the cluster the run uses (-Cluster); null runs on this machine.</summary>
    public string? Cluster { get; init; }

    /// <summary>Slots the cluster's active nodes offered when the run was asked for; they bound a Concurrency not given.</summary>
    public int? ClusterSlots { get; init; }

    /// <summary>Options wiring the engine's progress, log and worker choice to a PowerShell sink.</summary>
    public BackfillRunOptions Options(IProgress<BackfillProgress> progress, Action<string> verbose, CancellationToken cancel) => new()
    {
        Progress = progress,
        Log = verbose,
        Cancel = cancel,
        ExecutorFactory = Cluster is null
            ? WorkerExecutors.Factory(ConcurrencyGiven ? _ => { } : verbose)
            : WorkerExecutors.Cluster(Cluster, ConcurrencyGiven ? null : ClusterSlots),
        ConcurrencyOnThisMachine = Cluster is null,
    };
}
