using System.Management.Automation;
using Geneva.Core.Planning;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>The backfill knobs shared by Get-GenevaBackfillPlan and Start-GenevaBackfill.</summary>
public abstract class BackfillCmdlet : GenevaCmdlet
{
    protected const string ColumnSet = "Column";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ColumnSet)]
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
    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, 1024)]
    public int? Concurrency { get; set; }

    /// <summary>UDF instances per worker process: threads, or runspaces for scriptblock UDFs.</summary>
    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, 1024)]
    public int? IntraApplierConcurrency { get; set; }

    /// <summary>Seconds a worker with work may go without a checkpoint before it is killed as hung.</summary>
    [Parameter(ParameterSetName = ColumnSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? CheckpointTimeout { get; set; }

    /// <summary>Also recompute rows that failed and were skipped, in fragments the current UDF version finished.</summary>
    [Parameter(ParameterSetName = ColumnSet)]
    public SwitchParameter RetryErrors { get; set; }

    protected BackfillRequest BuildRequest() => new()
    {
        Column = Column,
        Where = Where,
        NumFrags = NumFrags,
        CheckpointSize = CheckpointSize,
        MinCheckpointSize = MinCheckpointSize,
        MaxCheckpointSize = MaxCheckpointSize,
        CommitGranularity = CommitGranularity,
        Concurrency = Concurrency,
        IntraApplierConcurrency = IntraApplierConcurrency,
        CheckpointTimeout = CheckpointTimeout,
        RetryErrors = RetryErrors,
    };
}
