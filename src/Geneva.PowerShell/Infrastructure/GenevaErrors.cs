using System.Management.Automation;
using Geneva.Core;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>The one place engine errors become PowerShell error records: stable ErrorId, category by cause.</summary>
internal static class GenevaErrors
{
    public static ErrorRecord ToErrorRecord(GenevaException e)
    {
        var record = new ErrorRecord(e, e.Code.ToString(), Category(e.Code), e.Target);
        if (RecommendedAction(e.Code) is { } action)
        {
            // The engine names no cmdlet; the commands that help come from here.
            record.ErrorDetails = new ErrorDetails($"{e.Message} {action}") { RecommendedAction = action };
        }
        return record;
    }

    /// <summary>The cmdlet that helps with an engine error, where one does.</summary>
    public static string? RecommendedAction(GenevaErrorCode code) => code switch
    {
        GenevaErrorCode.ColumnNotBound => "Bind it with Set-GenevaColumn.",
        GenevaErrorCode.ColumnExists => "Set-GenevaColumn rebinds an existing column.",
        GenevaErrorCode.UdfFailed => "Get-GenevaBackfillError lists the failed rows.",
        GenevaErrorCode.ComputedColumnValue => "Add-GenevaRow -Force keeps the values as if the column's UDF computed them.",
        GenevaErrorCode.JobBusy => "Use -Wait to wait for the running job, or Get-GenevaJob to see it.",
        GenevaErrorCode.ColumnInUse => "Remove-GenevaColumn -Force removes it and leaves the columns that read it unbound.",
        GenevaErrorCode.UdfChanged => "Define the UDF again with New-GenevaUdf and rebind the column with Set-GenevaColumn.",
        GenevaErrorCode.TorchRuntimeMissing => "Install it with Install-GenevaTorchRuntime (add -Repository to name the repository that holds Geneva.Torch).",
        _ => null,
    };

    public static ErrorCategory Category(GenevaErrorCode code) => code switch
    {
        GenevaErrorCode.InvalidArgument or GenevaErrorCode.ExpressionInvalid or GenevaErrorCode.UdfDefinitionInvalid
            or GenevaErrorCode.ComputedColumnValue => ErrorCategory.InvalidArgument,
        GenevaErrorCode.TableNotFound or GenevaErrorCode.VersionNotFound or GenevaErrorCode.ColumnNotFound
            or GenevaErrorCode.JobNotFound or GenevaErrorCode.FileNotFound => ErrorCategory.ObjectNotFound,
        GenevaErrorCode.TableExists or GenevaErrorCode.ColumnExists => ErrorCategory.ResourceExists,
        GenevaErrorCode.ManifestCorrupt or GenevaErrorCode.DataFileCorrupt or GenevaErrorCode.CheckpointCorrupt
            or GenevaErrorCode.RowPropertyUnreadable or GenevaErrorCode.CsvRowInvalid or GenevaErrorCode.UdfChanged
            => ErrorCategory.InvalidData,
        GenevaErrorCode.TypeMismatch => ErrorCategory.InvalidType,
        GenevaErrorCode.ExpressionSyntax => ErrorCategory.ParserError,
        GenevaErrorCode.UdfLoadFailed or GenevaErrorCode.DiskFull or GenevaErrorCode.StorageUnavailable
            or GenevaErrorCode.TorchRuntimeMissing
            => ErrorCategory.ResourceUnavailable,
        GenevaErrorCode.UdfOutputInvalid => ErrorCategory.InvalidResult,
        GenevaErrorCode.CommitConflict or GenevaErrorCode.JobBusy or GenevaErrorCode.DatabaseBusy => ErrorCategory.ResourceBusy,
        GenevaErrorCode.OperationStopped => ErrorCategory.OperationStopped,
        GenevaErrorCode.TableFeatureUnsupported => ErrorCategory.NotImplemented,
        _ => ErrorCategory.InvalidOperation,
    };
}
