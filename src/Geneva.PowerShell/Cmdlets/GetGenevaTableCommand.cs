using System.Management.Automation;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Output;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>Opens a table at its latest version, or at -Version (time travel).</summary>
[Cmdlet(VerbsCommon.Get, "GenevaTable")]
[OutputType(typeof(GenevaTableInfo))]
public sealed class GetGenevaTableCommand : GenevaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Table")]
    [TableArgument]
    public string Path { get; set; } = "";

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    [ArgumentCompleter(typeof(TableVersionCompleter))]
    public long? Version { get; set; }

    protected override void ProcessRecord() => Guard(() => WriteObject(new GenevaTableInfo(GenevaTable.Open(Path, Version))));
}
