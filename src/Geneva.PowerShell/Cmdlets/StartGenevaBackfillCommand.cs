using System.Management.Automation;
using Geneva.Core.Execution;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Runs a backfill: computes the column's UDF for the rows that need it, checkpointing every
/// batch of output in the table's SQLite database, and commits new table versions as fragments
/// finish. Takes -Table/-Column, or a plan from the pipeline (replanned against the checkpoints
/// saved since, so it never redoes saved work).
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "GenevaBackfill", SupportsShouldProcess = true, DefaultParameterSetName = ColumnSet)]
[OutputType(typeof(BackfillResult))]
public sealed class StartGenevaBackfillCommand : BackfillCmdlet
{
    private const string PlanSet = "Plan";
    private ForegroundBackfill? _run;

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PlanSet)]
    public PSObject? Plan { get; set; }

    protected override void ProcessRecord() => Guard(() =>
    {
        var (path, version, request) = ParameterSetName == PlanSet
            ? PlanArgument.Read(Plan!)
            : (Table, (long?)null, BuildRequest());
        path = ResolvePath(path);
        if (!ShouldProcess(path, $"Backfill column '{request.Column}'" + (request.Where is null ? "" : $" where {request.Where}")))
        {
            return;
        }
        _run = new ForegroundBackfill(this);
        _run.Run(path, coordinator => coordinator.Start(GenevaTable.Open(path, version), request));
    });

    protected override void StopProcessing() => _run?.Stop();
}
