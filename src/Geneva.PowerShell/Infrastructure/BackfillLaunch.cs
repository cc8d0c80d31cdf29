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
    /// <summary>Options wiring the engine's progress, log and worker choice to a PowerShell sink.</summary>
    public BackfillRunOptions Options(IProgress<BackfillProgress> progress, Action<string> verbose, CancellationToken cancel) => new()
    {
        Progress = progress,
        Log = verbose,
        Cancel = cancel,
        ExecutorFactory = WorkerExecutors.Factory(ConcurrencyGiven ? _ => { } : verbose),
    };
}
