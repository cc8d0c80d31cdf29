namespace Geneva.Core.Storage;

/// <summary>
/// What computed a column data file: the UDF version and the input data files it read.
/// A backfill without a filter recomputes a fragment whole when either differs from now.
/// <see cref="UdfVersion"/> is <see cref="Mixed"/> when only some rows were recomputed
/// by the current version (a filtered backfill over older values).
/// </summary>
public sealed record ColumnProvenance(string UdfVersion, IReadOnlyList<string> InputFiles)
{
    public const string Mixed = "mixed";
}
