using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Types;
using Google.Protobuf;
using Geneva.Core.Storage.Lance.Proto;
using Schema = Apache.Arrow.Schema;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Writes one Lance data file in format 2.0, for a dataset whose files are 2.0 (LanceDB refuses to mix
/// versions). The container is the 2.1 one (data buffers 64-byte aligned, global buffer 0 with the
/// schema, column metadata, column-offset table, global-buffer table, 40-byte footer) with footer
/// version 0.3, as LanceDB writes it; the pages hold <see cref="Lance20Encodings"/>. Writes the stream
/// strictly in order and never closes it. Each column buffers at most one page (<see cref="PageBytes"/>).
/// </summary>
internal sealed class Lance20FileWriter : ILanceDataFileWriter
{
    /// <summary>What LanceDB 0.31 writes in a 2.0 file's footer (lance reads 0.3 and 2.0 both as 2.0).</summary>
    public const ushort FooterMajor = 0, FooterMinor = 3;

    private readonly LanceFileOutput _output;
    private readonly Schema _arrowSchema;
    private readonly List<LanceField> _fileFields = [];
    private readonly Lance20ColumnWriter[] _columns;
    private readonly List<int> _manifestFields = [];
    private readonly List<int> _manifestColumnIndices = [];
    private bool _finished;

    /// <param name="destination">Written in order, never sought, not closed.</param>
    /// <param name="arrowSchema">The top-level columns of the file.</param>
    /// <param name="lanceFields">Their Lance fields with the dataset's ids, as in the manifest; fields of other columns are ignored.</param>
    /// <param name="pageBytes">Bytes a column buffers before it writes a page.</param>
    public Lance20FileWriter(Stream destination, Schema arrowSchema, IReadOnlyList<LanceField> lanceFields,
                             long pageBytes = LanceFileWriter.DefaultPageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageBytes, 1024L);
        _output = new LanceFileOutput(destination);
        _arrowSchema = arrowSchema;
        PageBytes = pageBytes;
        _columns = new Lance20ColumnWriter[arrowSchema.FieldsList.Count];
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
            if (field.DataType is ListType)
            {
                throw LanceFileErrors.CannotWrite(field.Name, "list<T> columns are not written in format 2.0");
            }
            var leaf = LanceLeafType.TryCreate(field.DataType)
                       ?? throw LanceFileErrors.CannotWrite(field.Name, $"the Arrow type {field.DataType.Name} is not supported");
            _columns[i] = new Lance20ColumnWriter(field.Name, leaf, pageBytes);
            // The file's schema holds its own columns' fields only, in column order: in 2.0 the n-th field is the n-th column.
            _fileFields.Add(lance);
            _manifestFields.Add(lance.Id);
            _manifestColumnIndices.Add(i);
        }
    }

    public long PageBytes { get; }

    public long RowCount { get; private set; }

    /// <summary>DataFile.fields of the manifest: the ids of the fields that have a column.</summary>
    public IReadOnlyList<int> ManifestFields => _manifestFields;

    /// <summary>DataFile.column_indices of the manifest, parallel to <see cref="ManifestFields"/>.</summary>
    public IReadOnlyList<int> ManifestColumnIndices => _manifestColumnIndices;

    /// <summary>
    /// DataFile.file_major_version / file_minor_version of the manifest: LanceDB 0.31 records its 2.0 files
    /// as 2.0, while their footers say 0.3 (<see cref="FooterMajor"/>).
    /// </summary>
    public (uint Major, uint Minor) FileVersion => (2, 0);

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
        }
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i].Append(batch.Column(i), _output);
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
        // The tail as LanceFileWriter.Finish writes it (copied: it is inline there), with footer version 0.3.
        var descriptor = new FileDescriptor { Schema = new Proto.Schema(), Length = (ulong)RowCount };
        descriptor.Schema.Fields.AddRange(_fileFields);
        var schemaBytes = descriptor.ToByteArray();
        var schemaStart = _output.WriteAligned(schemaBytes);

        var metadataStart = (ulong)_output.Position;
        var table = new byte[16 * metadata.Length];
        for (var i = 0; i < metadata.Length; i++)
        {
            var bytes = metadata[i].ToByteArray();
            BinaryPrimitives.WriteUInt64LittleEndian(table.AsSpan(16 * i), (ulong)_output.Position);
            BinaryPrimitives.WriteUInt64LittleEndian(table.AsSpan(16 * i + 8), (ulong)bytes.Length);
            _output.Write(bytes);
        }
        var columnTableStart = (ulong)_output.Position;
        _output.Write(table);
        var globalTableStart = (ulong)_output.Position;
        Span<byte> global = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(global, schemaStart);
        BinaryPrimitives.WriteUInt64LittleEndian(global[8..], (ulong)schemaBytes.Length);
        _output.Write(global);
        Span<byte> footer = stackalloc byte[LanceFileFooter.Length];
        new LanceFileFooter(metadataStart, columnTableStart, globalTableStart, 1, (uint)metadata.Length, FooterMajor, FooterMinor).Write(footer);
        _output.Write(footer);
        return _output.Position;
    }

    public void Dispose() => _finished = true;

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
