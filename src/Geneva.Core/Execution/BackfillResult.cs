using Geneva.Core.Checkpoints;

namespace Geneva.Core.Execution;

/// <summary>
/// What a backfill job has done at the end of a run (a start or a resume): the job's counters as
/// <see cref="JobRecord"/> stores them, so the result and the job record always agree, plus this run's
/// elapsed time and warnings.
/// </summary>
/// <remarks>
/// <para>
/// Every row counter counts the same unit: rows the UDF computes, that is live rows (not deleted) that
/// pass the job's filter and need a value from the current UDF version. Rows a task only copies (they
/// fail the filter, or already hold the current version's value) and deleted rows are never counted.
/// </para>
/// <list type="table">
/// <item><term>RowsPlanned</term><description>Rows the job computes over all its runs. A fresh job's is its
/// plan's RowsToCompute; a resume keeps the rows already committed and adds what its plan finds left.</description></item>
/// <item><term>RowsCheckpointed</term><description>Of RowsPlanned, rows whose values are durably saved (in a
/// checkpoint or a committed version), including values an earlier run saved. Equals RowsPlanned when the job is done.</description></item>
/// <item><term>RowsCommitted</term><description>Of RowsCheckpointed, rows in fragments committed to a table version (readers see them).</description></item>
/// <item><term>UdfValuesComputed</term><description>UDF values the job's runs computed. Less than RowsCheckpointed when saved
/// checkpoints were reused; more when a lost or damaged checkpoint was computed again.</description></item>
/// <item><term>RowsBeforeRun</term><description>RowsCheckpointed when this run began: RowsCheckpointed - RowsBeforeRun is this run's work.</description></item>
/// </list>
/// <para>
/// Rows another writer deleted while the job ran are taken out of RowsPlanned, RowsCheckpointed and UdfValuesComputed
/// when their fragment commits. Checkpoints, FragmentsCommitted, ErrorCount and CommitRetries also count over all the
/// job's runs; Elapsed, RowsPerSecond and Warnings are this run's. Setters are internal: PowerShell treats a public
/// init accessor as a setter, and output is read-only to callers.
/// </para>
/// </remarks>
public sealed record BackfillResult
{
    public string JobId { get; internal init; } = "";
    public string TablePath { get; internal init; } = "";
    public string Column { get; internal init; } = "";
    public JobStatus Status { get; internal init; }
    public long TableVersion { get; internal init; }

    /// <summary>Rows the job computes over all its runs: live rows that pass its filter and need computing.</summary>
    public long RowsPlanned { get; internal init; }

    /// <summary>Of <see cref="RowsPlanned"/>, rows whose values are durably saved (checkpointed or committed).</summary>
    public long RowsCheckpointed { get; internal init; }

    /// <summary>Of <see cref="RowsCheckpointed"/>, rows in fragments committed to a table version.</summary>
    public long RowsCommitted { get; internal init; }

    /// <summary>UDF values the job's runs computed (reused checkpoints are not computed again).</summary>
    public long UdfValuesComputed { get; internal init; }

    /// <summary><see cref="RowsCheckpointed"/> when this run began.</summary>
    public long RowsBeforeRun { get; internal init; }

    public int Checkpoints { get; internal init; }
    public int FragmentsCommitted { get; internal init; }
    public int FragmentsDeferred { get; internal init; }
    public long ErrorCount { get; internal init; }
    public int CommitRetries { get; internal init; }

    /// <summary>This run's time.</summary>
    public TimeSpan Elapsed { get; internal init; }

    /// <summary>Rows this run checkpointed.</summary>
    public long RunRowsDone => RowsCheckpointed - RowsBeforeRun;

    /// <summary>Rows this run checkpointed per second of it.</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RunRowsDone / Elapsed.TotalSeconds : 0;

    public IReadOnlyList<string> Warnings { get; internal init; } = [];
}
