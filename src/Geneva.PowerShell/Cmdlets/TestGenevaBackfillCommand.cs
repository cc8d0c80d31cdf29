using System.Management.Automation;
using Geneva.Core;
using Geneva.Core.Storage;
using Geneva.Core.Verification;
using Geneva.PowerShell.Cluster;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Workers;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Checks a computed column without writing to the table: counts its filled, stale, null and failed rows, and
/// recomputes a random sample of the rows with a value with the bound UDF (in a worker, as a backfill would),
/// reporting the rows whose stored value differs.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "GenevaBackfill")]
[OutputType(typeof(BackfillVerification))]
public sealed class TestGenevaBackfillCommand : GenevaCmdlet
{
    /// <summary>Cancelled by Ctrl+C: the scan reads the whole column, and the sample runs in a worker.</summary>
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The table: a path, or a table object from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string Column { get; set; } = "";

    /// <summary>Rows with a value to recompute; 0 only counts.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Sample { get; set; } = VerificationRequest.DefaultSample;

    /// <summary>SQL filter: only matching rows are counted and sampled.</summary>
    [Parameter]
    public string? Where { get; set; }

    /// <summary>Draws the same sample again (the result's Seed is the one used).</summary>
    [Parameter]
    public int? Seed { get; set; }

    /// <summary>Allowed difference for floating-point values, relative above 1 and absolute below.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double Tolerance { get; set; } = VerificationRequest.DefaultTolerance;

    /// <summary>The table version to check (default: the latest).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long? Version { get; set; }

    /// <summary>
    /// Recomputes the sample on a cluster's nodes (the object Start-GenevaCluster returned, the seed's host:port, or a
    /// deployed cluster's membership connection string), so a node that computes otherwise shows as mismatches.
    /// </summary>
    [Parameter]
    [ClusterAddress]
    public string? Cluster { get; set; }

    protected override void ProcessRecord() => ClusterCheck.Guard(this, () =>
    {
        try
        {
            var table = GenevaTable.Open(Table, Version);
            var request = new VerificationRequest { Column = Column, Where = Where, Sample = Sample, Seed = Seed, Tolerance = Tolerance };
            // One slot of the cluster: the sample is small, and the probe runs as one task.
            var executors = Cluster is null
                ? WorkerExecutors.Factory(WriteVerbose)
                : WorkerExecutors.Cluster(Cluster, ClusterCheck.Slots(this, Cluster, concurrencyGiven: true, _stop.Token));
            WriteObject(BackfillVerifier.Verify(table, request, executors, _stop.Token, WriteVerbose));
        }
        catch (GenevaException e)
        {
            // One table's problem; the next piped table is still checked.
            WriteGenevaError(e);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped: nothing was written, nothing to report.
        }
    });

    protected override void StopProcessing() => _stop.Cancel();
}
