namespace Geneva.Core;

/// <summary>
/// Stable identifiers for what went wrong. The PowerShell layer maps each one to an
/// ErrorId and an ErrorCategory once, so the names here are part of the public contract.
/// </summary>
public enum GenevaErrorCode
{
    InvalidArgument,
    TableNotFound,
    TableExists,
    ManifestCorrupt,
    DataFileCorrupt,
    VersionNotFound,
    ColumnNotFound,
    ColumnExists,
    ColumnNotBound,
    TypeMismatch,
    ExpressionSyntax,
    ExpressionInvalid,
    UdfDefinitionInvalid,
    UdfLoadFailed,
    UdfFailed,
    UdfOutputInvalid,
    CommitConflict,
    JobNotFound,
    JobNotResumable,
    CheckpointCorrupt,
    OperationStopped,

    /// <summary>A UDF's file (assembly, model) has other bytes than when the UDF was bound.</summary>
    UdfChanged,
}
