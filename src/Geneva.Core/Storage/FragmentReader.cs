using Apache.Arrow;
using Geneva.Core.Arrow;

namespace Geneva.Core.Storage;

/// <summary>
/// Reads row ranges of some columns of one fragment (physical rows: deleted rows included; callers that
/// must skip them ask <see cref="DeletedRows"/>), each from the Lance file holding it. Arrays returned by
/// <see cref="Read"/> stay valid until the next Read (with <see cref="KeepsPreviousRead"/>, the one after)
/// or Dispose.
/// </summary>
public sealed class FragmentReader : IDisposable
{
    private readonly string _tablePath;
    private readonly Dictionary<string, DataFileReader> _readers = new(StringComparer.Ordinal);
    private uint[]? _deleted;
    private List<IDisposable> _owned = [];
    private List<IDisposable> _ownedBefore = [];

    /// <summary>The schema built for the last field list asked for; sequential readers ask with the same list.</summary>
    private Schema? _schema;
    private IReadOnlyList<SchemaField>? _schemaFields;

    public FragmentReader(string tablePath, FragmentEntry fragment)
    {
        _tablePath = tablePath;
        Fragment = fragment;
    }

    public FragmentEntry Fragment { get; }

    /// <summary>
    /// Keep the previous Read's arrays valid through the next Read too, so a caller can write one
    /// piece out in the background while it reads and computes the next. Costs one more batch of memory.
    /// </summary>
    public bool KeepsPreviousRead { get; init; }

    /// <summary>Rows per sequential read of a column's Lance file: bounded memory per read.</summary>
    public const int ReadRows = TableWriteOptions.DefaultBatchRows;

    /// <summary>The row grid sequential readers of <paramref name="field"/> step by; a column with no file (all null) is read whole.</summary>
    public int BatchGrid(SchemaField field) =>
        Fragment.FilesFor(field.Id).Count == 0 ? Fragment.RowCount : Math.Max(1, Math.Min(Fragment.RowCount, ReadRows));

    /// <summary>The fragment's deleted row offsets, ascending (empty when none); read once.</summary>
    public IReadOnlyList<uint> DeletedRows =>
        _deleted ??= Fragment.Deletion is null ? [] : Lance.LanceDeletionFile.Read(_tablePath, (ulong)Fragment.Id, Fragment.Deletion);

    public RecordBatch Read(IReadOnlyList<SchemaField> fields, int start, int length)
    {
        if (start < 0 || length < 0 || start + length > Fragment.RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Rows [{start}, {start + length}) are outside fragment {Fragment.Id} of {Fragment.RowCount} rows.");
        }
        var release = KeepsPreviousRead ? _ownedBefore : _owned;
        foreach (var owned in release)
        {
            owned.Dispose();
        }
        release.Clear();
        if (KeepsPreviousRead)
        {
            (_ownedBefore, _owned) = (_owned, _ownedBefore);
        }

        if (!ReferenceEquals(fields, _schemaFields))
        {
            _schema = new Schema(fields.Select(f => new Field(f.Name, ArrowTypeNames.Parse(f.Type), true)), null);
            _schemaFields = fields;
        }
        var columns = new List<IArrowArray>(fields.Count);
        for (var i = 0; i < fields.Count; i++)
        {
            columns.Add(ReadColumn(fields[i], _schema!.FieldsList[i].DataType, start, length));
        }
        return new RecordBatch(_schema!, columns, length);
    }

    private IArrowArray ReadColumn(SchemaField field, Apache.Arrow.Types.IArrowType type, int start, int length)
    {
        var file = Fragment.FilesFor(field.Id).FirstOrDefault();
        if (file is null)
        {
            return Remember(ArrowValues.Build(type, new object?[length]));
        }
        return Remember(GetReader(file).Read(field.Id, start, length));
    }

    private IArrowArray Remember(IArrowArray array)
    {
        _owned.Add(array);
        return array;
    }

    private DataFileReader GetReader(DataFileEntry file)
    {
        if (!_readers.TryGetValue(file.Path, out var reader))
        {
            reader = new DataFileReader(_tablePath, file, Fragment.RowCount);
            _readers[file.Path] = reader;
        }
        return reader;
    }

    public void Dispose()
    {
        foreach (var owned in _owned.Concat(_ownedBefore))
        {
            owned.Dispose();
        }
        foreach (var reader in _readers.Values)
        {
            reader.Dispose();
        }
        _readers.Clear();
    }
}
