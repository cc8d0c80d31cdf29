using System.Management.Automation;
using Geneva.Core.Planning;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// The backfill knobs shared by Get-GenevaBackfillPlan and Start-GenevaBackfill. Each knob is the
/// <see cref="BackfillRequest"/> field of the same name. The run-time knobs (workers, timeout)
/// belong to every parameter set, so they also apply to a piped plan; the planning knobs belong
/// to the Column set, since a plan already holds them.
/// </summary>
public abstract class BackfillCmdlet : GenevaCmdlet
{
    protected const string ColumnSet = "Column";

    /// <summary>The table: a path, or a table object from the pipeline (Get-GenevaTable t | Start-GenevaBackfill -Column c).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ColumnSet, ValueFromPipeline = true)]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ColumnSet)]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string Column { get; set; } = "";

    /// <summary>SQL filter: only matching rows are computed (set or not); others keep their values.</summary>
    [Parameter(ParameterSetName = ColumnSet)]
    public string? Where { get; set; }

    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? NumFrags { get; set; }

    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? CheckpointSize { get; set; }

    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? MinCheckpointSize { get; set; }

    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxCheckpointSize { get; set; }

    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? CommitGranularity { get; set; }

    /// <summary>Worker processes (Geneva's default 8, capped to what the machine offers).</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int? Concurrency { get; set; }

    /// <summary>UDF instances per worker process: threads, or runspaces for scriptblock UDFs.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int? IntraApplierConcurrency { get; set; }

    /// <summary>Seconds a worker with work may go without a checkpoint before it is killed as hung.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? CheckpointTimeout { get; set; }

    /// <summary>Also recompute rows that failed and were skipped, in fragments the current UDF version finished.</summary>
    [Parameter(ParameterSetName = ColumnSet)]
    public SwitchParameter RetryErrors { get; set; }

    /// <summary>The request the Column set's parameters ask for.</summary>
    protected BackfillRequest BuildRequest() => BackfillRequestFields.FromParameters(MyInvocation.BoundParameters);
}
