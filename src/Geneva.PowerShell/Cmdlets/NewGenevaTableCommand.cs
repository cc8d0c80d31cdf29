using System.Collections;
using System.Management.Automation;
using Apache.Arrow;
using Geneva.Core;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Output;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>Creates a table from piped rows, or from a CSV or Arrow IPC file.</summary>
[Cmdlet(VerbsCommon.New, "GenevaTable", SupportsShouldProcess = true, DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(GenevaTableInfo))]
public sealed class NewGenevaTableCommand : GenevaCmdlet
{
    private const string PipelineSet = "Pipeline";
    private const string FileSet = "File";
    private readonly RowBuffer _rows = new();

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// Column types for piped rows, e.g. @{ id = 'int32'; emb = 'fixed_size_list&lt;float32&gt;[3]' }; with no rows
    /// piped, the columns of the new, empty table (in the dictionary's order: use [ordered]@{} to choose it).
    /// With -From, types for the named CSV columns in place of the inferred ones.
    /// </summary>
    [Parameter(ParameterSetName = PipelineSet)]
    [Parameter(ParameterSetName = FileSet)]
    public IDictionary? Schema { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string From { get; set; } = "";

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxRowsPerFragment { get; set; } = TableWriteOptions.DefaultMaxRowsPerFragment;

    protected override void BeginProcessing()
    {
        _rows.KnownTypes = Schema?.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => Schema[k]!.ToString()!,
            StringComparer.OrdinalIgnoreCase);
    }

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            Guard(() => _rows.Add(InputObject));
        }
    }

    protected override void EndProcessing()
    {
        var path = ResolvePath(Path);
        if (!ShouldProcess(path, "Create Geneva table"))
        {
            return;
        }
        Guard(() =>
        {
            Schema schema;
            IEnumerable<RecordBatch> batches;
            if (ParameterSetName == FileSet)
            {
                (schema, batches) = TableImport.Read(ResolvePath(From), _rows.KnownTypes);
            }
            else
            {
                (schema, batches) = _rows.Complete();
                if (schema.FieldsList.Count == 0)
                {
                    schema = Schema is { Count: > 0 } ? RowConversion.DeclaredSchema(Schema)
                        : throw new GenevaException(GenevaErrorCode.InvalidArgument,
                            "No rows were piped in, so the table's columns are unknown. Pipe rows, give -Schema, or use -From.", path);
                }
            }
            var table = GenevaTable.Create(path, schema, batches, new TableWriteOptions { MaxRowsPerFragment = MaxRowsPerFragment });
            if (!path.TrimEnd('/', '\\').EndsWith(".lance", StringComparison.OrdinalIgnoreCase))
            {
                WriteWarning($"'{path}' is a Lance dataset, but LanceDB lists only folders named NAME.lance as the tables of a " +
                             "database folder; name it so (for example db/mytable.lance) if LanceDB should list it.");
            }
            WriteObject(new GenevaTableInfo(table));
        });
    }
}
