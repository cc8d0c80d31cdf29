using Geneva.Core.Execution;
using Geneva.PowerShell.Workers;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// A backfill a cmdlet asked for, ready to run in the foreground or as a job: the table (a
/// resolved path), the coordinator call, and how to describe it.
/// </summary>
/// <param name="ConcurrencyGiven">The user asked for -Concurrency: a capped count is worth a warning, not just a verbose line.</param>
internal sealed record BackfillLaunch(string Table, string Command, Func<BackfillCoordinator, BackfillResult> Run, bool ConcurrencyGiven)
{
    /// <summary>Options wiring the engine's progress, log and worker choice to a PowerShell sink.</summary>
    public BackfillRunOptions Options(IProgress<BackfillProgress> progress, Action<string> verbose, Action<string> warning,
        CancellationToken cancel) => new()
    {
        Progress = progress,
        Log = verbose,
        Cancel = cancel,
        ExecutorFactory = WorkerExecutors.Factory(ConcurrencyGiven ? warning : verbose),
    };
}
