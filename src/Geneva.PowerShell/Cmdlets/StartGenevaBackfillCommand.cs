using System.Management.Automation;
using Geneva.Core.Execution;
using Geneva.Core.Storage;
using Geneva.PowerShell.Cluster;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Jobs;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Runs a backfill: computes the column's UDF for the rows that need it, checkpointing every
/// batch of output in the table's SQLite database, and commits new table versions as fragments
/// finish. Takes -Table/-Column, or a plan from the pipeline (replanned against the checkpoints
/// saved since, so it never redoes saved work).
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "GenevaBackfill", SupportsShouldProcess = true, DefaultParameterSetName = ColumnSet)]
[OutputType(typeof(BackfillResult), typeof(GenevaBackfillJob))]
public sealed class StartGenevaBackfillCommand : BackfillCmdlet
{
    private const string PlanSet = "Plan";
    private ForegroundBackfill? _run;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>A plan from Get-GenevaBackfillPlan, live or read back (Import-Clixml, ConvertFrom-Json).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PlanSet)]
    public PSObject? Plan { get; set; }

    /// <summary>Runs the backfill as a background job of this session and returns the job.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>Waits while another job computes the column, instead of failing with JobBusy.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Runs the tasks on a cluster's nodes (the object Start-GenevaCluster returned, the seed's host:port, or a deployed cluster's membership connection string); -Concurrency is then the slots to use.</summary>
    [Parameter]
    [ClusterAddress]
    public string? Cluster { get; set; }

    protected override void ProcessRecord() => ClusterCheck.Guard(this, () => Guard(() =>
    {
        var (path, version, request) = ParameterSetName == PlanSet
            ? PlanArgument.Read(Plan!)
            : (Table, (long?)null, BuildRequest());
        // The plan's filter, NumFrags and checkpoint sizes stay; workers and timeout may be given for this run.
        request = BackfillRequestFields.RunTimeOverrides(MyInvocation.BoundParameters)(request);
        path = ResolvePath(path);
        if (!ShouldProcess(path, $"Backfill column '{request.Column}'" + (request.Where is null ? "" : $" where {request.Where}")))
        {
            return;
        }
        var wait = Wait.IsPresent;
        var launch = new BackfillLaunch(path, $"Start-GenevaBackfill -Table '{path}' -Column '{request.Column}'" +
                (Cluster is null ? "" : $" -Cluster '{ClusterHost.Display(Cluster)}'"),
            coordinator => coordinator.Start(GenevaTable.Open(path, version), request, wait), request.Concurrency is not null)
        {
            Cluster = Cluster,
            ClusterSlots = Cluster is null ? null : ClusterCheck.Slots(this, Cluster, request.Concurrency is not null, _stop.Token),
        };
        if (AsJob)
        {
            BackfillJobs.Start(this, launch, request.Column);
            return;
        }
        _run = new ForegroundBackfill(this);
        _run.Run(launch);
    }));

    protected override void StopProcessing()
    {
        _stop.Cancel();
        _run?.Stop();
    }
}
