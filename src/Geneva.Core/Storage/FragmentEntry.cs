namespace Geneva.Core.Storage;

/// <summary>
/// A horizontal slice of a table with a stable id (a Lance fragment). Its columns live in <see cref="Files"/>,
/// each covering all <see cref="RowCount"/> physical rows; a field with no file is null for every row (a column
/// added after the fragment was written). Rows deleted by a Lance delete are listed by the deletion file; they
/// keep their place (row addresses stay stable) but are never read, computed or counted.
/// </summary>
public sealed record FragmentEntry(int Id, int RowCount, IReadOnlyList<DataFileEntry> Files)
{
    /// <summary>Lance's deletion file for this fragment, if any rows were deleted.</summary>
    internal Lance.Proto.DeletionFile? Deletion { get; init; }

    /// <summary>How many of the physical rows are deleted.</summary>
    public int DeletedRows => (int)(Deletion?.NumDeletedRows ?? 0);

    /// <summary>Rows a reader sees: physical rows less deleted ones.</summary>
    public int LiveRowCount => RowCount - DeletedRows;

    /// <summary>The message read from the manifest, kept so that fields this build does not know survive a rewrite.</summary>
    internal Lance.Proto.DataFragment? Source { get; init; }

    /// <summary>The files holding <paramref name="fieldId"/>: one at most (a field moved to a new file is tombstoned in the old).</summary>
    public IReadOnlyList<DataFileEntry> FilesFor(int fieldId) => Files.Where(f => f.Holds(fieldId)).ToList();
}
