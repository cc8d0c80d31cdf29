namespace Geneva.Core.Planning;

/// <summary>What a fragment's column values say about the current UDF version (see <see cref="ColumnCoverage"/>).</summary>
internal enum CoverageState
{
    /// <summary>The column has no values in this fragment.</summary>
    NoValues,

    /// <summary>Values from another UDF version or other inputs, or of unknown origin: none count.</summary>
    Stale,

    /// <summary>Current version and inputs, coverage not recorded (older files): values count, nulls do not.</summary>
    Legacy,

    /// <summary>Every row computed by the current version from the current inputs.</summary>
    Complete,

    /// <summary>The rows matching some filters were computed by the current version.</summary>
    Partial,
}
