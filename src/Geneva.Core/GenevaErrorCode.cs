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

    /// <summary>The table's SQLite database stayed locked by another process past the busy timeout.</summary>
    DatabaseBusy,

    /// <summary>The disk holding the table is full.</summary>
    DiskFull,

    /// <summary>The table's storage cannot be read or written (an I/O or permission failure).</summary>
    StorageUnavailable,
    OperationStopped,

    /// <summary>A property of an input row could not be read (its getter threw).</summary>
    RowPropertyUnreadable,

    /// <summary>A row of an imported CSV file is malformed (more or fewer fields than the header).</summary>
    CsvRowInvalid,

    /// <summary>Rows to append give values for a column bound to a UDF, which backfills fill.</summary>
    ComputedColumnValue,

    /// <summary>A file to read (to import) does not exist.</summary>
    FileNotFound,

    /// <summary>A UDF's file (assembly, model) has other bytes than when the UDF was bound.</summary>
    UdfChanged,

    /// <summary>The table uses a Lance feature Geneva does not maintain on write (stable row ids, a newer writer flag).</summary>
    TableFeatureUnsupported,

    /// <summary>A column to remove is read by another computed column (its UDF's input) or by an index.</summary>
    ColumnInUse,

    /// <summary>Model UDFs' worker (or the private C/C++ runtime it needs on this system) is not installed.</summary>
    TorchRuntimeMissing,
}
