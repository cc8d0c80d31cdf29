using System.Management.Automation;
using Geneva.Core.Execution;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Continues an interrupted (killed), stopped or failed backfill job; only rows without a saved
/// checkpoint are computed. Without -JobId, the table's most recent such job.
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "GenevaBackfill", SupportsShouldProcess = true)]
[OutputType(typeof(BackfillResult))]
public sealed class ResumeGenevaBackfillCommand : GenevaCmdlet
{
    private ForegroundBackfill? _run;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("TablePath")]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public string? JobId { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Table, JobId is null ? "Resume the latest unfinished backfill" : $"Resume backfill job {JobId}"))
        {
            return;
        }
        _run = new ForegroundBackfill(this);
        _run.Run(Table, coordinator => coordinator.Resume(Table, JobId));
    }

    protected override void StopProcessing() => _run?.Stop();
}
