using System.Management.Automation;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>Says what a backfill would do (fragments, row ranges, settings) without running it; pipe it to Start-GenevaBackfill.</summary>
[Cmdlet(VerbsCommon.Get, "GenevaBackfillPlan", DefaultParameterSetName = ColumnSet)]
[OutputType(typeof(BackfillPlan))]
public sealed class GetGenevaBackfillPlanCommand : BackfillCmdlet
{
    /// <summary>Cancelled by Ctrl+C: planning reads every fragment's filter or column values.</summary>
    private readonly CancellationTokenSource _stop = new();

    protected override void ProcessRecord() => Guard(() =>
    {
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(Table), BuildRequest(), _stop.Token);
        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }
        WriteObject(plan);
    });

    protected override void StopProcessing() => _stop.Cancel();
}
