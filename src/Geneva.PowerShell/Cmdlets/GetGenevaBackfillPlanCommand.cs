using System.Management.Automation;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Workers;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>Says what a backfill would do (fragments, row ranges, settings) without running it; pipe it to Start-GenevaBackfill.</summary>
[Cmdlet(VerbsCommon.Get, "GenevaBackfillPlan", DefaultParameterSetName = ColumnSet)]
[OutputType(typeof(BackfillPlan))]
public sealed class GetGenevaBackfillPlanCommand : BackfillCmdlet
{
    /// <summary>Cancelled by Ctrl+C: planning reads every fragment's filter or column values.</summary>
    private readonly CancellationTokenSource _stop = new();

    /// <summary>
    /// Runs the UDF on this many of the plan's rows, in a worker on the UDF's device, and adds the measured
    /// rows/s, the estimated time and the suggested checkpoint size to the plan (its Sample).
    /// </summary>
    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, 10_000_000)]
    public int? Sample { get; set; }

    protected override void ProcessRecord() => Guard(() =>
    {
        var table = GenevaTable.Open(Table);
        var plan = BackfillCoordinator.Plan(table, BuildRequest(), _stop.Token);
        if (Sample is int rows)
        {
            plan = BackfillPlanSampler.Measure(table, plan, rows, null, WorkerExecutors.Factory(WriteVerbose), _stop.Token, WriteVerbose);
        }
        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }
        WriteObject(plan);
    });

    protected override void StopProcessing() => _stop.Cancel();
}
