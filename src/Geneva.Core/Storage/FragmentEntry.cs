namespace Geneva.Core.Storage;

/// <summary>
/// A horizontal slice of a table with a stable id. Its columns live in <see cref="Files"/>;
/// a field with no file is null for every row (a column added after the fragment was written).
/// </summary>
public sealed record FragmentEntry(int Id, int RowCount, IReadOnlyList<DataFileEntry> Files)
{
    /// <summary>The files holding <paramref name="fieldId"/>, ordered by row; they tile the fragment.</summary>
    public IReadOnlyList<DataFileEntry> FilesFor(int fieldId) =>
        Files.Where(f => f.Holds(fieldId)).OrderBy(f => f.RowStart).ToList();
}
