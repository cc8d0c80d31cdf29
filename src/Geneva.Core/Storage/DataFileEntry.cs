namespace Geneva.Core.Storage;

/// <summary>
/// One data file of a fragment (a Lance file under <c>data/</c>, <see cref="Path"/> relative to the table).
/// It holds the fields in <see cref="FieldIds"/> (Lance's <c>DataFile.fields</c>: a list column's child ids
/// too; <see cref="Tombstone"/> marks a field a later version moved to another file) for every physical row
/// of its fragment. <see cref="BatchRows"/> is the row grid readers align to for cheap reads.
/// </summary>
public sealed record DataFileEntry(
    string Path,
    IReadOnlyList<int> FieldIds,
    int RowStart,
    int RowCount,
    int BatchRows,
    ColumnProvenance? Provenance = null)
{
    /// <summary>Lance's mark for a field whose values moved to another file.</summary>
    public const int Tombstone = -2;

    /// <summary>Lance's <c>DataFile.column_indices</c>: the file's column of each entry of <see cref="FieldIds"/> (-1 for none).</summary>
    public IReadOnlyList<int> ColumnIndices { get; init; } = [];

    /// <summary>The Lance file format version the file was written in, such as (2, 1).</summary>
    public (uint Major, uint Minor) FileVersion { get; init; } = (2, 1);

    /// <summary>The file's size in bytes, when known (0 when not).</summary>
    public long SizeBytes { get; init; }

    /// <summary>The message read from the manifest, kept so that fields this build does not know survive a rewrite.</summary>
    internal Lance.Proto.DataFile? Source { get; init; }

    public bool Holds(int fieldId) => FieldIds.Contains(fieldId);
}
