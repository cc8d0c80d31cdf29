using System.Management.Automation;
using Geneva.Core.Checkpoints;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>Lists the row errors backfills recorded: job, fragment, row offset, attempt, message, and what the policy did.</summary>
[Cmdlet(VerbsCommon.Get, "GenevaBackfillError")]
[OutputType(typeof(RowError))]
public sealed class GetGenevaBackfillErrorCommand : GenevaCmdlet
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
        WriteObject(store.ListErrors(JobId), enumerateCollection: true);
    });
}
