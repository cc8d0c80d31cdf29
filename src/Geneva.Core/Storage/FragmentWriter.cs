using Apache.Arrow;
using Geneva.Core.Arrow;

namespace Geneva.Core.Storage;

/// <summary>
/// Turns a stream of record batches of any sizes into fragments of at most MaxRowsPerFragment
/// rows, one data file each, with record batches of exactly BatchRows rows (the last may be short).
/// Fragments get ids only when committed, so they carry id -1 here.
/// </summary>
internal sealed class FragmentWriter : IDisposable
{
    private readonly string _tablePath;
    private readonly TableWriteOptions _options;
    private readonly Schema _schema;
    private readonly IReadOnlyList<int> _fieldIds;
    private readonly List<FragmentEntry> _written = [];
    private readonly List<RecordBatch> _pending = [];
    private int _pendingRows;
    private DataFileWriter? _file;
    private string? _filePath;
    private int _fragmentRows;

    public FragmentWriter(string tablePath, Schema schema, IReadOnlyList<int> fieldIds, TableWriteOptions options)
    {
        options.Validate();
        _tablePath = tablePath;
        _schema = schema;
        _fieldIds = fieldIds;
        _options = options;
    }

    public long BytesWritten { get; private set; }

    public IReadOnlyList<FragmentEntry> Fragments => _written;

    public void Add(RecordBatch batch)
    {
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
        if (_file is null)
        {
            _filePath = DataFileWriter.NewDataFileName();
            _file = new DataFileWriter(_tablePath, _filePath, _schema);
        }
        _file.Write(batch);
        _fragmentRows += _pendingRows;
        _pending.Clear();
        _pendingRows = 0;
    }

    private void FinishFragment()
    {
        if (_file is null)
        {
            return;
        }
        BytesWritten += _file.Finish(durable: true);
        _file = null;
        var entry = new DataFileEntry(_filePath!, _fieldIds, 0, _fragmentRows, _options.BatchRows);
        _written.Add(new FragmentEntry(-1, _fragmentRows, [entry]));
        _fragmentRows = 0;
    }

    public void Dispose() => _file?.Dispose();

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
