using Apache.Arrow;
using Geneva.Core.Arrow;

namespace Geneva.Core.Storage;

/// <summary>
/// Turns a stream of record batches of any sizes into fragments of at most MaxRowsPerFragment
/// rows, written to Lance data files in slices of BatchRows rows. A fragment is one
/// data file, except that values kept for computed columns (<see cref="TableWriteOptions.KeepComputedValues"/>)
/// get a file per column, with the provenance of a backfill's output, so the next backfill keeps them.
/// Fragments get ids only when committed, so they carry id -1 here. Disposed before
/// <see cref="Complete"/>, it deletes the files it wrote: a failed write leaves nothing behind.
/// </summary>
internal sealed partial class FragmentWriter : IDisposable
{
    private readonly string _tablePath;
    private readonly TableWriteOptions _options;
    private readonly Schema _schema;
    private readonly IReadOnlyList<SchemaField> _fields;
    private readonly Lance.Proto.Manifest? _source;
    /// <summary>Column groups written to one file each: the plain columns first (if any), then one per kept computed column.</summary>
    private readonly List<FileGroup> _groups = [];
    /// <summary>Batch column indices of computed columns whose values are refused unless null.</summary>
    private readonly List<(int Column, ComputedColumn Computed)> _refused = [];
    private readonly List<FragmentEntry> _written = [];
    private readonly List<RecordBatch> _pending = [];
    private int _pendingRows;
    private int _fragmentRows;
    private bool _completed;

    /// <param name="fields">The table's field for each column of <paramref name="schema"/>.</param>
    /// <param name="source">The Lance manifest the table's fields were read from (null for a new table).</param>
    public FragmentWriter(string tablePath, Schema schema, IReadOnlyList<SchemaField> fields, Lance.Proto.Manifest? source,
        TableWriteOptions options, IReadOnlyList<ComputedColumn>? computed = null)
    {
        options.Validate();
        _tablePath = tablePath;
        _schema = schema;
        _fields = fields;
        _source = source;
        _options = options;
        var plain = new List<int>();
        for (var c = 0; c < fields.Count; c++)
        {
            var bound = computed?.FirstOrDefault(x => x.FieldId == fields[c].Id);
            if (bound is null)
            {
                plain.Add(c);
            }
            else if (options.KeepComputedValues)
            {
                _groups.Add(new FileGroup([c], bound));
            }
            else
            {
                _refused.Add((c, bound));
                plain.Add(c);
            }
        }
        if (plain.Count > 0)
        {
            _groups.Insert(0, new FileGroup(plain, null));
        }
        foreach (var group in _groups)
        {
            group.Schema = group.Columns.Count == schema.FieldsList.Count
                ? schema
                : new Schema(group.Columns.Select(c => schema.FieldsList[c]), null);
        }
    }

    public long BytesWritten { get; private set; }

    public IReadOnlyList<FragmentEntry> Fragments => _written;

    public void Add(RecordBatch batch)
    {
        foreach (var (column, computed) in _refused)
        {
            var values = batch.Column(column);
            if (values.NullCount < values.Length)
            {
                throw new GenevaException(GenevaErrorCode.ComputedColumnValue,
                    $"Column '{computed.Name}' is computed by UDF '{computed.UdfName}', so backfills fill it, but the new rows " +
                    "give it values. Leave the column out of the rows (or null), or ask to keep the values as computed.", computed.Name);
            }
        }
        var offset = 0;
        while (offset < batch.Length)
        {
            var room = Math.Min(_options.BatchRows - _pendingRows, _options.MaxRowsPerFragment - _fragmentRows - _pendingRows);
            var take = Math.Min(room, batch.Length - offset);
            _pending.Add(offset == 0 && take == batch.Length ? batch : Slice(batch, offset, take));
            _pendingRows += take;
            offset += take;
            if (_pendingRows == _options.BatchRows || _fragmentRows + _pendingRows == _options.MaxRowsPerFragment)
            {
                FlushBatch();
            }
            if (_fragmentRows == _options.MaxRowsPerFragment)
            {
                FinishFragment();
            }
        }
    }

    /// <summary>Writes what is pending; returns the fragments written, in order.</summary>
    public IReadOnlyList<FragmentEntry> Complete()
    {
        FlushBatch();
        FinishFragment();
        _completed = true;
        return _written;
    }

    private static RecordBatch Slice(RecordBatch batch, int offset, int length)
    {
        var columns = new IArrowArray[batch.ColumnCount];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = ArrowArrayFactory.Slice(batch.Column(c), offset, length);
        }
        return new RecordBatch(batch.Schema, columns, length);
    }

    private void FlushBatch()
    {
        if (_pendingRows == 0)
        {
            return;
        }
        RecordBatch batch;
        if (_pending.Count == 1)
        {
            batch = _pending[0];
        }
        else
        {
            var columns = new IArrowArray[_schema.FieldsList.Count];
            for (var c = 0; c < columns.Length; c++)
            {
                columns[c] = ArrowArrayConcatenator.Concatenate(_pending.Select(b => b.Column(c)).ToList())!;
            }
            batch = new RecordBatch(_schema, columns, _pendingRows);
        }
        foreach (var group in _groups)
        {
            if (group.File is null)
            {
                group.Path = DataFileWriter.NewDataFileName();
                group.File = new DataFileWriter(_tablePath, group.Path, group.Schema,
                    group.Columns.SelectMany(c => Lance.LanceManifestBuilder.FieldGroup(_fields[c], _source)).ToList(),
                    Lance.Files.LanceDataFiles.VersionOf(_source));
            }
            group.File!.Write(group.Columns.Count == batch.ColumnCount
                ? batch
                : new RecordBatch(group.Schema, group.Columns.Select(batch.Column), batch.Length));
        }
        _fragmentRows += _pendingRows;
        _pending.Clear();
        _pendingRows = 0;
    }

    private void FinishFragment()
    {
        if (_fragmentRows == 0)
        {
            return;
        }
        var entries = new List<DataFileEntry>();
        foreach (var group in _groups)
        {
            var entry = group.File!.Finish();
            BytesWritten += entry.SizeBytes;
            group.File = null;
            entries.Add(entry);
        }
        var fragment = new FragmentEntry(-1, _fragmentRows, entries);
        // Kept computed values: the provenance a backfill of the current UDF version would give them, from the
        // files of this fragment that hold the UDF's inputs (named as the planner names them: distinct, ordinal order).
        // Coverage stays unknown (Complete null): the rows given a value count as computed by this version, and
        // the rows left null are computed by the next backfill.
        fragment = fragment with
        {
            Files = entries.Select((entry, i) => _groups[i].Computed is { } computed
                ? entry with
                {
                    Provenance = new ColumnProvenance(computed.UdfVersion, computed.InputFieldIds
                        .SelectMany(id => fragment.FilesFor(id)).Select(f => f.Path).Distinct()
                        .OrderBy(p => p, StringComparer.Ordinal).ToList()),
                }
                : entry).ToList(),
        };
        _written.Add(fragment);
        _fragmentRows = 0;
    }

    public void Dispose()
    {
        foreach (var group in _groups)
        {
            group.File?.Dispose();
        }
        if (_completed)
        {
            return;
        }
        foreach (var file in _written.SelectMany(f => f.Files))
        {
            try
            {
                File.Delete(Path.Combine(_tablePath, file.Path));
            }
            catch (IOException)
            {
                // Not referenced by any manifest: at worst an orphan file, never a wrong table.
            }
        }
    }

    /// <summary>Checks a batch against the table's columns; the batch's columns must be a subset.</summary>
    public static void CheckSchema(Schema batchSchema, IReadOnlyList<SchemaField> fields, string tablePath)
    {
        foreach (var f in batchSchema.FieldsList)
        {
            var field = fields.FirstOrDefault(x => string.Equals(x.Name, f.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw new GenevaException(GenevaErrorCode.ColumnNotFound,
                    $"Column '{f.Name}' is not in table '{tablePath}'. Columns: {string.Join(", ", fields.Select(x => x.Name))}.", f.Name);
            var type = ArrowTypeNames.Format(f.DataType);
            if (type != field.Type)
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"Column '{f.Name}' is {field.Type} in table '{tablePath}', but the new rows have {type}.", f.Name);
            }
        }
    }
}
