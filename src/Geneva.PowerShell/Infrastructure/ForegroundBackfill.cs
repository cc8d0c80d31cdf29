using System.Management.Automation;
using Geneva.Core;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Runs a backfill in the foreground for a cmdlet: progress bar, -Verbose log, and Ctrl+C (the
/// cmdlet's StopProcessing calls <see cref="Stop"/>) stopping it cleanly; the result or a mapped
/// error record comes out. The engine reports on the calling thread, so writing to the cmdlet is legal.
/// </summary>
internal sealed class ForegroundBackfill(PSCmdlet cmdlet)
{
    private readonly CancellationTokenSource _stop = new();

    public void Run(BackfillLaunch launch)
    {
        Core.Execution.Workers.StartupTrace.Mark("session:call");
        var progress = new BackfillProgressReporter(cmdlet.WriteProgress, launch.Table);
        var coordinator = new Core.Execution.BackfillCoordinator(
            launch.Options(progress, cmdlet.WriteVerbose, _stop.Token));
        try
        {
            var result = launch.Run(coordinator);
            foreach (var warning in result.Warnings)
            {
                cmdlet.WriteWarning(warning);
            }
            cmdlet.WriteObject(result);
        }
        catch (GenevaException e)
        {
            cmdlet.ThrowTerminatingError(GenevaErrors.ToErrorRecord(e));
        }
        finally
        {
            progress.Complete();
        }
    }

    public void Stop() => _stop.Cancel();
}
