namespace Geneva.Core.Planning;

/// <summary>Why and which rows of a fragment a backfill computes.</summary>
public enum FragmentMode
{
    /// <summary>The column has no values here yet: every row.</summary>
    All,

    /// <summary>
    /// Null rows: values from the current UDF version and inputs written before coverage was
    /// recorded (null rows are not known to be computed), or every skipped row when retrying errors.
    /// </summary>
    Nulls,

    /// <summary>Values came from another UDF version or other input data: every row again.</summary>
    Stale,

    /// <summary>A user filter: the matching rows not already computed by the current version.</summary>
    Filter,

    /// <summary>Earlier filtered runs computed some rows with the current version: the other rows.</summary>
    Remaining,
}
