using Apache.Arrow;
using Geneva.Core.Arrow;

namespace Geneva.Core.Storage;

/// <summary>
/// Reads row ranges of some columns of one fragment, wherever their files are. Arrays returned
/// by <see cref="Read"/> borrow the files' batches: they stay valid until the next Read (with
/// <see cref="KeepsPreviousRead"/>, the one after) or Dispose. A range inside one record batch is a
/// zero-copy slice; a range across batches is concatenated.
/// </summary>
public sealed class FragmentReader : IDisposable
{
    private readonly string _tablePath;
    private readonly Dictionary<string, DataFileReader> _readers = new(StringComparer.Ordinal);
    /// <summary>The batches the last Read used, by file.</summary>
    private readonly Dictionary<string, List<int>> _touched = new(StringComparer.Ordinal);
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

    /// <summary>
    /// The largest record-batch size among the files holding <paramref name="field"/>: readers that
    /// align their ranges to it get zero-copy slices of the bulk of the data. (Not the first file's:
    /// an adaptive ramp can leave a tiny first checkpoint, which would make a reader crawl.)
    /// </summary>
    public int BatchGrid(SchemaField field)
    {
        var files = Fragment.FilesFor(field.Id);
        return files.Count == 0 ? Fragment.RowCount : Math.Max(1, Math.Min(Fragment.RowCount, files.Max(f => f.BatchRows)));
    }

    public RecordBatch Read(IReadOnlyList<SchemaField> fields, int start, int length)
    {
        if (start < 0 || length < 0 || start + length > Fragment.RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Rows [{start}, {start + length}) are outside fragment {Fragment.Id} of {Fragment.RowCount} rows.");
        }
        foreach (var (path, reader) in _readers)
        {
            var used = _touched.GetValueOrDefault(path) ?? [];
            // A sequential reader's next range may start in the last batch the previous one used.
            reader.ReleaseExcept(KeepsPreviousRead ? used : used.Count > 0 ? [used[^1]] : []);
        }
        _touched.Clear();
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
        var files = Fragment.FilesFor(field.Id);
        if (files.Count == 0)
        {
            return Remember(ArrowValues.Build(type, new object?[length]));
        }
        var pieces = new List<IArrowArray>();
        var end = start + length;
        foreach (var file in files)
        {
            var fileEnd = file.RowStart + file.RowCount;
            if (fileEnd <= start || file.RowStart >= end)
            {
                continue;
            }
            var reader = GetReader(file);
            var column = IndexOf(file, field.Id);
            var local = Math.Max(start, file.RowStart) - file.RowStart;
            var localEnd = Math.Min(end, fileEnd) - file.RowStart;
            while (local < localEnd)
            {
                var batchIndex = local / file.BatchRows;
                var batchStart = batchIndex * file.BatchRows;
                var batch = reader.ReadBatch(batchIndex);
                if (!_touched.TryGetValue(file.Path, out var used))
                {
                    _touched[file.Path] = used = [];
                }
                used.Add(batchIndex);
                var take = Math.Min(localEnd, batchStart + batch.Length) - local;
                if (take <= 0)
                {
                    throw new GenevaException(GenevaErrorCode.DataFileCorrupt,
                        $"Data file '{file.Path}' has fewer rows than its manifest entry says ({file.RowCount}).", file.Path);
                }
                var array = batch.Column(column);
                pieces.Add(local - batchStart == 0 && take == array.Length
                    ? array
                    : ArrowArrayFactory.Slice(array, local - batchStart, take));
                local += take;
            }
        }
        if (pieces.Count == 1)
        {
            return pieces[0];
        }
        return Remember(ArrowArrayConcatenator.Concatenate(pieces)!);
    }

    private IArrowArray Remember(IArrowArray array)
    {
        _owned.Add(array);
        return array;
    }

    private static int IndexOf(DataFileEntry file, int fieldId)
    {
        for (var i = 0; i < file.FieldIds.Count; i++)
        {
            if (file.FieldIds[i] == fieldId)
            {
                return i;
            }
        }
        throw new InvalidOperationException($"Field {fieldId} is not in {file.Path}.");
    }

    private DataFileReader GetReader(DataFileEntry file)
    {
        if (!_readers.TryGetValue(file.Path, out var reader))
        {
            reader = new DataFileReader(_tablePath, file);
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
