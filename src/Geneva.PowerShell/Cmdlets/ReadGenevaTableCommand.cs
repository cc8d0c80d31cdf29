using System.Management.Automation;
using Apache.Arrow;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Reads rows as objects (or Arrow record batches with -AsArrow), optionally filtered and limited, of the latest
/// version or of -Version (<c>Get-GenevaTableVersion t | Where-Object Version -eq 3 | Read-GenevaTable</c>).
/// </summary>
[Cmdlet(VerbsCommunications.Read, "GenevaTable")]
[OutputType(typeof(PSObject), typeof(RecordBatch))]
public sealed class ReadGenevaTableCommand : GenevaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string[]? Column { get; set; }

    [Parameter]
    public string? Where { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? First { get; set; }

    /// <summary>
    /// The version to read (time travel). Binds by property name too, so an entry of Get-GenevaTableVersion, or a table
    /// object from Get-GenevaTable, piped in reads the version it describes.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    [ArgumentCompleter(typeof(TableVersionCompleter))]
    public long? Version { get; set; }

    [Parameter]
    public SwitchParameter AsArrow { get; set; }

    /// <summary>Adds each row's address, Lance's _rowaddr (uint64: fragment id &lt;&lt; 32 | row offset), as a last column.</summary>
    [Parameter]
    public SwitchParameter IncludeRowAddress { get; set; }

    protected override void ProcessRecord() => Guard(() =>
    {
        var table = GenevaTable.Open(Table, Version);
        var where = BackfillPlanner.ParseFilter(table, Where);
        foreach (var batch in table.Scan(Column, where, First, IncludeRowAddress))
        {
            if (AsArrow)
            {
                // Scan's batches borrow file buffers until the next one: hand out a copy the caller owns.
                // (Concatenating with an empty slice forces a real copy; a single array would be returned as is.)
                WriteObject(new RecordBatch(batch.Schema,
                    Enumerable.Range(0, batch.ColumnCount).Select(c => ArrowArrayConcatenator.Concatenate(
                        [batch.Column(c), ArrowArrayFactory.Slice(batch.Column(c), 0, 0)])!), batch.Length));
                continue;
            }
            for (var row = 0; row < batch.Length; row++)
            {
                WriteObject(RowConversion.ToPSObject(batch, row));
            }
        }
    });
}
