using System.Management.Automation;
using Geneva.Core;
using Geneva.Core.Execution;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Runs a coordinator call in the foreground for a cmdlet: progress bar, -Verbose log, and
/// Ctrl+C (the cmdlet's StopProcessing calls <see cref="Stop"/>) stopping it cleanly; the result
/// or a mapped error record comes out.
/// </summary>
internal sealed class ForegroundBackfill(PSCmdlet cmdlet)
{
    private readonly CancellationTokenSource _stop = new();

    public void Run(string table, Func<BackfillCoordinator, BackfillResult> run)
    {
        var progress = new BackfillProgressReporter(cmdlet, table);
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = progress,
            Log = cmdlet.WriteVerbose,
            Cancel = _stop.Token,
        });
        try
        {
            var result = run(coordinator);
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
