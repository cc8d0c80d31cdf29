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

    /// <summary>Another live run holds the job's or column's lease.</summary>
    JobBusy,
    CheckpointCorrupt,
    OperationStopped,

    /// <summary>A property of an input row could not be read (its getter threw).</summary>
    RowPropertyUnreadable,

    /// <summary>A row of an imported CSV file is malformed (more or fewer fields than the header).</summary>
    CsvRowInvalid,

    /// <summary>Rows to append give values for a column bound to a UDF, which backfills fill.</summary>
    ComputedColumnValue,

    /// <summary>A file to read (to import) does not exist.</summary>
    FileNotFound,
}
