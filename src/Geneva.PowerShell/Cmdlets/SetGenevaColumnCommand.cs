using System.Management.Automation;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Output;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Binds a column to a new UDF (or a new version of its UDF). Existing values stay until the
/// next backfill, which recomputes every fragment computed by another version.
/// </summary>
[Cmdlet(VerbsCommon.Set, "GenevaColumn", SupportsShouldProcess = true)]
[OutputType(typeof(GenevaTableInfo))]
public sealed class SetGenevaColumnCommand : GenevaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 2)]
    public UdfSpec? Udf { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Guard(() =>
    {
        var table = GenevaTable.Open(Table);
        table.Manifest.GetField(Name);
        if (!ShouldProcess(Table, $"Bind column '{Name}' to UDF '{Udf!.Name}' version {Udf.EffectiveVersion}"))
        {
            return;
        }
        var updated = table.SetBinding(Name, Udf);
        if (PassThru)
        {
            WriteObject(new GenevaTableInfo(updated));
        }
    });
}
