using System.Management.Automation;
using Geneva.Core.Execution;
using Geneva.PowerShell.Cluster;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Jobs;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Continues an interrupted (killed), stopped or failed backfill job; only rows without a saved
/// checkpoint are computed. Without -JobId, the table's most recent such job (of -Column, when given).
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "GenevaBackfill", SupportsShouldProcess = true)]
[OutputType(typeof(BackfillResult), typeof(GenevaBackfillJob))]
public sealed class ResumeGenevaBackfillCommand : GenevaCmdlet
{
    private ForegroundBackfill? _run;
    private readonly CancellationTokenSource _stop = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("TablePath")]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string? JobId { get; set; }

    /// <summary>Without -JobId: the newest unfinished job of this column, rather than of any column.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string? Column { get; set; }

    /// <summary>Runs the backfill as a background job of this session and returns the job.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>Waits while the job runs elsewhere, instead of failing with JobBusy.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Runs the rest on a cluster's nodes (the object Start-GenevaCluster returned, the seed's host:port, or a deployed cluster's membership connection string); -Concurrency is then the slots to use.</summary>
    [Parameter]
    [ClusterAddress]
    public string? Cluster { get; set; }

    /// <summary>Worker processes (slots, with -Cluster) for this run, instead of the job's own setting.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int? Concurrency { get; set; }

    /// <summary>UDF instances per worker for this run, instead of the job's own setting.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int? IntraApplierConcurrency { get; set; }

    /// <summary>Seconds without a checkpoint before a worker counts as hung, for this run.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? CheckpointTimeout { get; set; }

    protected override void ProcessRecord() => ClusterCheck.Guard(this, () =>
    {
        if (!ShouldProcess(Table, JobId is not null ? $"Resume backfill job {JobId}"
                : Column is null ? "Resume the latest unfinished backfill" : $"Resume the latest unfinished backfill of column '{Column}'"))
        {
            return;
        }
        var path = ResolvePath(Table);
        var jobId = JobId;
        var adjust = BackfillRequestFields.RunTimeOverrides(MyInvocation.BoundParameters);
        var wait = Wait.IsPresent;
        var column = Column;
        var launch = new BackfillLaunch(path, $"Resume-GenevaBackfill -Table '{path}'" + (jobId is null ? "" : $" -JobId '{jobId}'") +
                (column is null ? "" : $" -Column '{column}'") + (Cluster is null ? "" : $" -Cluster '{ClusterHost.Display(Cluster)}'"),
            coordinator => coordinator.Resume(path, jobId, adjust, wait, column), ConcurrencyGiven: Concurrency is not null)
        {
            Cluster = Cluster,
            ClusterSlots = Cluster is null ? null : ClusterCheck.Slots(this, Cluster, Concurrency is not null, _stop.Token),
        };
        if (AsJob)
        {
            BackfillJobs.Start(this, launch, BackfillJobs.ResumedColumn(path, jobId, column));
            return;
        }
        _run = new ForegroundBackfill(this);
        _run.Run(launch);
    });

    protected override void StopProcessing()
    {
        _stop.Cancel();
        _run?.Stop();
    }
}
