namespace Geneva.Core.Storage;

/// <summary>
/// One data file of a fragment (a Lance file under <c>data/</c>, <see cref="Path"/> relative to the table).
/// It holds the fields in <see cref="FieldIds"/> (Lance's <c>DataFile.fields</c>, where a list column is named
/// by its item field; <see cref="Tombstone"/> marks a field a later version moved to another file) for every
/// physical row of its fragment; <see cref="Columns"/> says which of the table's columns those are.
/// </summary>
public sealed record DataFileEntry(string Path, IReadOnlyList<int> FieldIds, ColumnProvenance? Provenance = null)
{
    /// <summary>Lance's mark for a field whose values moved to another file.</summary>
    public const int Tombstone = -2;

    /// <summary>Lance's <c>DataFile.column_indices</c>: the file's column of each entry of <see cref="FieldIds"/> (-1 for none).</summary>
    public IReadOnlyList<int> ColumnIndices { get; init; } = [];

    private readonly IReadOnlyList<int>? _columns;

    /// <summary>
    /// The table column (top-level field) of each entry of <see cref="FieldIds"/>, parallel to it: a child field's
    /// entry names its top-level field. The same as <see cref="FieldIds"/> when no entry is a child.
    /// </summary>
    public IReadOnlyList<int> Columns
    {
        get => _columns ?? FieldIds;
        init => _columns = value;
    }

    /// <summary>The Lance file format version the file was written in, such as (2, 1).</summary>
    public (uint Major, uint Minor) FileVersion { get; init; } = (2, 1);

    /// <summary>The file's size in bytes, when known (0 when not).</summary>
    public long SizeBytes { get; init; }

    /// <summary>The message read from the manifest, kept so that fields this build does not know survive a rewrite.</summary>
    internal Lance.Proto.DataFile? Source { get; init; }

    /// <summary>
    /// The provenance of each computed column the file holds, when it holds several (a file LanceDB's compaction
    /// wrote holds every column); null for a file of one column, whose provenance is <see cref="Provenance"/>.
    /// </summary>
    public IReadOnlyDictionary<int, ColumnProvenance>? ProvenanceByColumn { get; init; }

    /// <summary>What computed this file's values of table column <paramref name="column"/>; null when unknown.</summary>
    public ColumnProvenance? ProvenanceOf(int column) =>
        ProvenanceByColumn is { } map ? map.GetValueOrDefault(column) : Holds(column) ? Provenance : null;

    /// <summary>Whether the file holds values of table column <paramref name="fieldId"/>.</summary>
    public bool Holds(int fieldId) => Columns.Contains(fieldId);

    /// <summary>
    /// This file with column <paramref name="fieldId"/> tombstoned (its values moved to another file); null when
    /// it then holds nothing.
    /// </summary>
    public DataFileEntry? Without(int fieldId)
    {
        var ids = FieldIds.Select((id, i) => Columns[i] == fieldId ? Tombstone : id).ToList();
        var columns = Columns.Select(c => c == fieldId ? Tombstone : c).ToList();
        return columns.Any(c => c != Tombstone) ? this with { FieldIds = ids, Columns = columns } : null;
    }
}
