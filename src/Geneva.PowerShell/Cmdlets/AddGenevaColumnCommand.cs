using System.Management.Automation;
using Geneva.Core;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Output;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>Adds a nullable column, bound to a UDF (computed by backfills) or plain with -Type.</summary>
[Cmdlet(VerbsCommon.Add, "GenevaColumn", SupportsShouldProcess = true)]
[OutputType(typeof(GenevaTableInfo))]
public sealed class AddGenevaColumnCommand : GenevaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    public string Name { get; set; } = "";

    [Parameter(Position = 2)]
    public UdfSpec? Udf { get; set; }

    /// <summary>The column's Arrow type; defaults to the UDF's output type.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ArrowTypeCompleter))]
    public string? Type { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Guard(() =>
    {
        var type = Type ?? Udf?.OutputType ?? throw new GenevaException(GenevaErrorCode.InvalidArgument,
            "Give -Udf for a computed column, or -Type for a plain one.", Name);
        var table = GenevaTable.Open(Table);
        if (!ShouldProcess(Table, $"Add column '{Name}' ({type}{(Udf is null ? "" : $", computed by UDF '{Udf.Name}'")})"))
        {
            return;
        }
        var updated = table.AddColumn(Name, type, Udf);
        WriteVerbose($"Added column '{Name}' to '{Table}' as version {updated.Version}.");
        if (PassThru)
        {
            WriteObject(new GenevaTableInfo(updated));
        }
    });
}
