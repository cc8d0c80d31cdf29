namespace Geneva.Core.Storage;

/// <summary>
/// One Arrow IPC file of a fragment. It holds the fields in <see cref="FieldIds"/>
/// (positional: column i of the file is field FieldIds[i]; -1 marks a column that a later
/// version replaced) for rows [RowStart, RowStart + RowCount) of the fragment.
/// Every record batch in the file has <see cref="BatchRows"/> rows except possibly the last,
/// so a reader can seek to a row without scanning.
/// </summary>
public sealed record DataFileEntry(
    string Path,
    IReadOnlyList<int> FieldIds,
    int RowStart,
    int RowCount,
    int BatchRows,
    ColumnProvenance? Provenance = null)
{
    public const int Tombstone = -1;

    public bool Holds(int fieldId) => FieldIds.Contains(fieldId);
}
