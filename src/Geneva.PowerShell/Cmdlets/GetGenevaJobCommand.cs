using System.Management.Automation;
using Geneva.Core;
using Geneva.Core.Checkpoints;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>Lists a table's backfill jobs with status and counters, read from its SQLite database (any session may call it).</summary>
[Cmdlet(VerbsCommon.Get, "GenevaJob")]
[OutputType(typeof(JobRecord))]
public sealed class GetGenevaJobCommand : GenevaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string? JobId { get; set; }

    protected override void ProcessRecord() => Guard(() =>
    {
        var table = GenevaTable.Open(Table);
        using var store = CheckpointStore.OpenReadOnly(table.Path);
        if (JobId is null)
        {
            WriteObject(store.ListJobs(), enumerateCollection: true);
            return;
        }
        WriteObject(store.GetJob(JobId) ?? throw new GenevaException(GenevaErrorCode.JobNotFound,
            $"Table '{table.Path}' has no job '{JobId}'.", JobId));
    });
}
