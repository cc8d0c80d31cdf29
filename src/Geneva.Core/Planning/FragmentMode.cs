namespace Geneva.Core.Planning;

/// <summary>Why and which rows of a fragment a backfill computes.</summary>
public enum FragmentMode
{
    /// <summary>The column has no values here yet: every row.</summary>
    All,

    /// <summary>Values exist from the current UDF version and inputs: only null rows.</summary>
    Nulls,

    /// <summary>Values came from another UDF version or other input data: every row again.</summary>
    Stale,

    /// <summary>A user filter: exactly the matching rows, set or not.</summary>
    Filter,
}
