namespace Geneva.Core.Storage;

/// <summary>
/// What computed a column data file, and which of its fragment's rows: the UDF version, the input
/// data files it read, and its coverage. The files of one fragment's column are committed together
/// and carry the same provenance. A backfill without a filter recomputes a fragment whole when the
/// version or the inputs differ from now.
/// </summary>
/// <remarks>
/// Coverage, by <see cref="Complete"/>:
/// <list type="bullet">
/// <item><c>true</c>: every row was computed by <see cref="UdfVersion"/>, including rows whose UDF
/// returned null and rows skipped after an error; a backfill has nothing left to do here (unless
/// asked to retry errors).</item>
/// <item><c>false</c>: only rows matching one of <see cref="Filters"/> were (filtered backfills);
/// the other rows hold older values or none.</item>
/// <item><c>null</c>: written before coverage was recorded: rows with a value were computed by this
/// version, null rows are not known to be.</item>
/// </list>
/// <see cref="UdfVersion"/> is <see cref="Mixed"/> in files written before coverage was recorded
/// by a filtered backfill over older values; such a fragment is recomputed whole.
/// </remarks>
public sealed record ColumnProvenance(string UdfVersion, IReadOnlyList<string> InputFiles)
{
    public const string Mixed = "mixed";

    /// <summary>Filters remembered per fragment; the oldest is forgotten past this (its rows are then recomputed by a plain run).</summary>
    public const int MaxFilters = 8;

    /// <summary>Whether every row was computed by <see cref="UdfVersion"/>; null when unknown (older files).</summary>
    public bool? Complete { get; init; }

    /// <summary>When not complete: the filters whose matching rows <see cref="UdfVersion"/> computed.</summary>
    public IReadOnlyList<CoveredFilter>? Filters { get; init; }
}
