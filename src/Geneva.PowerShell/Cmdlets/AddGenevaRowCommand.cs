using System.Management.Automation;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Output;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Appends piped rows as new fragments in one new version. Computed columns stay null until backfilled;
/// a value given for one is an error, or with -Force is kept as if the column's UDF had computed it.
/// </summary>
[Cmdlet(VerbsCommon.Add, "GenevaRow", SupportsShouldProcess = true)]
[OutputType(typeof(GenevaTableInfo))]
public sealed class AddGenevaRowCommand : GenevaCmdlet
{
    private readonly RowBuffer _rows = new();
    private GenevaTable? _table;

    [Parameter(Mandatory = true, Position = 0)]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxRowsPerFragment { get; set; } = TableWriteOptions.DefaultMaxRowsPerFragment;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Keep values given for computed columns as if the column's current UDF version had computed them.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing() => Guard(() =>
    {
        _table = GenevaTable.Open(Table);
        _rows.KnownTypes = _table.Manifest.Fields.ToDictionary(f => f.Name, f => f.Type, StringComparer.OrdinalIgnoreCase);
    });

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            Guard(() => _rows.Add(InputObject));
        }
    }

    protected override void EndProcessing()
    {
        if (_rows.Count == 0 || !ShouldProcess(Table, $"Append {_rows.Count} row(s)"))
        {
            return;
        }
        Guard(() =>
        {
            var (schema, batches) = _rows.Complete();
            var table = _table!.Append(schema, batches, new TableWriteOptions
            {
                MaxRowsPerFragment = MaxRowsPerFragment,
                KeepComputedValues = Force,
            });
            WriteVerbose($"Appended {_rows.Count} row(s) to '{Table}' as version {table.Version}.");
            if (PassThru)
            {
                WriteObject(new GenevaTableInfo(table));
            }
        });
    }
}
