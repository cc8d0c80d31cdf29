using Apache.Arrow;
using Apache.Arrow.Types;
using Google.Protobuf;
using Geneva.Core.Storage.Lance.Proto;
using Schema = Apache.Arrow.Schema;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Writes one Lance data file (format 2.1): data buffers 64-byte aligned, global buffer 0 holding the
/// file's schema with the dataset's field ids, the column metadata, the column-offset table, the
/// global-buffer table and the 40-byte footer. Writes the stream strictly in order and never closes it.
/// Memory is bounded: each column buffers at most one page (<see cref="PageBytes"/>) before writing it.
/// </summary>
internal sealed class LanceFileWriter : IDisposable
{
    /// <summary>
    /// 8 MiB a page, Lance's own default: big enough that per-page costs (a protobuf, a 64-byte pad, one
    /// read of the chunk index) vanish, small enough that a file of many columns buffers little.
    /// </summary>
    public const long DefaultPageBytes = 8L * 1024 * 1024;

    private readonly LanceFileOutput _output;
    private readonly Schema _arrowSchema;
    private readonly IReadOnlyList<LanceField> _lanceFields;
    private readonly LanceColumnWriter[] _columns;
    private readonly List<int> _manifestFields = [];
    private readonly List<int> _manifestColumnIndices = [];
    private bool _finished;

    /// <param name="destination">Written in order, never sought, not closed.</param>
    /// <param name="arrowSchema">The top-level columns of the file.</param>
    /// <param name="lanceFields">Their Lance fields with the dataset's ids (top and children), as in the manifest.</param>
    /// <param name="version">Only <see cref="LanceFileVersion.V2_1"/> for now.</param>
    /// <param name="pageBytes">Bytes a column buffers before it writes a page.</param>
    public LanceFileWriter(Stream destination, Schema arrowSchema, IReadOnlyList<LanceField> lanceFields,
                           LanceFileVersion version = LanceFileVersion.V2_1, long pageBytes = DefaultPageBytes)
    {
        if (version != LanceFileVersion.V2_1)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument, $"Lance data file version {version} is not written yet; only 2.1 is.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(pageBytes, 1024L);
        _output = new LanceFileOutput(destination);
        _arrowSchema = arrowSchema;
        _lanceFields = lanceFields;
        PageBytes = pageBytes;
        _columns = new LanceColumnWriter[arrowSchema.FieldsList.Count];
        for (var i = 0; i < _columns.Length; i++)
        {
            var field = arrowSchema.FieldsList[i];
            var lance = FindTop(lanceFields, field.Name);
            var expected = LanceSchema.LogicalType(field.DataType, field.Name);
            if (lance.LogicalType != expected)
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"Column '{field.Name}' is {expected} in Arrow but its Lance field {lance.Id} says '{lance.LogicalType}'.", field.Name);
            }
            var isList = field.DataType is ListType;
            var leafType = field.DataType is ListType list ? list.ValueDataType : field.DataType;
            var leaf = LanceLeafType.TryCreate(leafType)
                       ?? throw LanceFileErrors.CannotWrite(field.Name, $"the Arrow type {field.DataType.Name} is not supported");
            if (isList && !ListFullZipEncoding.Supports(leaf))
            {
                throw LanceFileErrors.CannotWrite(field.Name, $"list<{leafType.Name}> is not written yet");
            }
            _columns[i] = new LanceColumnWriter(field.Name, leaf, isList, pageBytes);
            // Lance 2.1 gives a column to leaves only: a list's column belongs to its item field.
            _manifestFields.Add(isList ? FindChild(lanceFields, lance).Id : lance.Id);
            _manifestColumnIndices.Add(i);
        }
    }

    public long PageBytes { get; }

    public long RowCount { get; private set; }

    /// <summary>DataFile.fields of the manifest: the ids of the fields that have a column (for a list, its item).</summary>
    public IReadOnlyList<int> ManifestFields => _manifestFields;

    /// <summary>DataFile.column_indices of the manifest, parallel to <see cref="ManifestFields"/>.</summary>
    public IReadOnlyList<int> ManifestColumnIndices => _manifestColumnIndices;

    public (uint Major, uint Minor) FileVersion => (2, 1);

    /// <summary>Appends a batch (any length; its arrays may be slices). The caller keeps ownership of the batch.</summary>
    public void Write(RecordBatch batch)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (batch.ColumnCount != _columns.Length)
        {
            throw new GenevaException(GenevaErrorCode.TypeMismatch,
                $"A batch of {batch.ColumnCount} columns was written to a Lance file of {_columns.Length} columns.");
        }
        for (var i = 0; i < _columns.Length; i++)
        {
            var array = batch.Column(i);
            var expected = _arrowSchema.FieldsList[i].DataType;
            if (array.Data.DataType.TypeId != expected.TypeId || array.Length != batch.Length)
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"Column '{_columns[i].Name}' is {expected.Name} but the batch gives {array.Data.DataType.Name} of {array.Length} rows.", _columns[i].Name);
            }
            _columns[i].Append(array, _output);
        }
        RowCount += batch.Length;
    }

    /// <summary>Writes the remaining pages, the schema, the metadata and the footer; returns the file's size in bytes.</summary>
    public long Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        var metadata = new ColumnMetadata[_columns.Length];
        for (var i = 0; i < _columns.Length; i++)
        {
            metadata[i] = _columns[i].Finish(_output);
        }
        var descriptor = new FileDescriptor { Schema = new Proto.Schema(), Length = (ulong)RowCount };
        descriptor.Schema.Fields.AddRange(_lanceFields);
        var schemaBytes = descriptor.ToByteArray();
        var schemaStart = _output.WriteAligned(schemaBytes);

        var metadataStart = (ulong)_output.Position;
        var table = new byte[16 * (metadata.Length + 1)];
        for (var i = 0; i < metadata.Length; i++)
        {
            var bytes = metadata[i].ToByteArray();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(table.AsSpan(16 * i), (ulong)_output.Position);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(table.AsSpan(16 * i + 8), (ulong)bytes.Length);
            _output.Write(bytes);
        }
        var columnTableStart = (ulong)_output.Position;
        _output.Write(table.AsSpan(0, 16 * metadata.Length));
        var globalTableStart = (ulong)_output.Position;
        Span<byte> global = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(global, schemaStart);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(global[8..], (ulong)schemaBytes.Length);
        _output.Write(global);
        Span<byte> footer = stackalloc byte[LanceFileFooter.Length];
        new LanceFileFooter(metadataStart, columnTableStart, globalTableStart, 1, (uint)metadata.Length, 2, 1).Write(footer);
        _output.Write(footer);
        return _output.Position;
    }

    public void Dispose() => _finished = true;

    private static LanceField FindChild(IReadOnlyList<LanceField> fields, LanceField parent)
    {
        foreach (var f in fields)
        {
            if (f.ParentId == parent.Id)
            {
                return f;
            }
        }
        throw new GenevaException(GenevaErrorCode.InvalidArgument, $"List column '{parent.Name}' has no item field among its Lance fields.", parent.Name);
    }

    private static LanceField FindTop(IReadOnlyList<LanceField> fields, string name)
    {
        foreach (var f in fields)
        {
            if (f.ParentId == -1 && f.Name == name)
            {
                return f;
            }
        }
        throw new GenevaException(GenevaErrorCode.InvalidArgument, $"Column '{name}' has no top-level Lance field.", name);
    }
}
