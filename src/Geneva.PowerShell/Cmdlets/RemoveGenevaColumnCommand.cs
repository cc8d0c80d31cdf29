using System.Management.Automation;
using Geneva.Core;
using Geneva.Core.Storage;
using Geneva.PowerShell.Infrastructure;
using Geneva.PowerShell.Output;

namespace Geneva.PowerShell.Cmdlets;

/// <summary>
/// Removes columns (as LanceDB's dropColumns does) in one new version, forgetting their UDF bindings and jobs.
/// Names come as arguments or down the pipeline (strings, or the column objects of Get-GenevaTable); all of
/// them are removed together once the pipeline ends, so a column and the computed columns reading it can go at once.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "GenevaColumn", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(GenevaTableInfo))]
public sealed class RemoveGenevaColumnCommand : GenevaCmdlet
{
    private readonly List<string> _names = [];

    [Parameter(Mandatory = true, Position = 0)]
    [TableArgument]
    public string Table { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Remove columns that computed columns read; those are left unbound (plain columns keeping their values).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Guard(() =>
    {
        var manifest = GenevaTable.Open(Table).Manifest;
        foreach (var name in Name)
        {
            if (manifest.FindField(name) is null)
            {
                // The others can still go: report this one and carry on, as Remove-Item does.
                WriteGenevaError(new GenevaException(GenevaErrorCode.ColumnNotFound,
                    $"Column '{name}' does not exist in table '{Table}'. Columns: {string.Join(", ", manifest.Fields.Select(f => f.Name))}.", name));
                continue;
            }
            var field = manifest.GetField(name);
            var udf = manifest.FindBinding(field.Name);
            var what = $"Remove column '{field.Name}' ({field.Type}{(udf is null ? "" : $", computed by UDF '{udf.Name}'")}) " +
                       "and forget its jobs and checkpoints";
            if (ShouldProcess(Table, what) && !_names.Contains(field.Name, StringComparer.Ordinal))
            {
                _names.Add(field.Name);
            }
        }
    });

    protected override void EndProcessing() => Guard(() =>
    {
        if (_names.Count == 0)
        {
            return;
        }
        var result = ColumnRemoval.Remove(GenevaTable.Open(Table), _names, Force);
        foreach (var column in result.Unbound)
        {
            WriteWarning($"Column '{column}' read a removed column; it is now unbound and keeps its values. " +
                         "Bind it again with Set-GenevaColumn to compute it.");
        }
        WriteVerbose($"Removed {string.Join(", ", result.Removed.Select(c => $"'{c}'"))} from '{Table}' as version " +
                     $"{result.Table.Version}; forgot {result.ForgottenJobs.Count} job(s) and {result.ForgottenCheckpoints} checkpoint(s).");
        if (PassThru)
        {
            WriteObject(new GenevaTableInfo(result.Table));
        }
    });
}
