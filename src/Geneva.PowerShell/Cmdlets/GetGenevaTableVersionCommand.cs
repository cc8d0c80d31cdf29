using System.Management.Automation;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>Lists a table's versions: what each commit did and how many rows it holds.</summary>
[Cmdlet(VerbsCommon.Get, "GenevaTableVersion")]
[OutputType(typeof(TableVersionInfo))]
public sealed class GetGenevaTableVersionCommand : GenevaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [TableArgument]
    public string Table { get; set; } = "";

    protected override void ProcessRecord() => Guard(() => WriteObject(GenevaTable.Open(Table).ListVersions(), enumerateCollection: true));
}
