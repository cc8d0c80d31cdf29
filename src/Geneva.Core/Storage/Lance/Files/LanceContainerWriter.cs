using Apache.Arrow;
using Geneva.Core.Storage.Lance.Proto;
using Schema = Apache.Arrow.Schema;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// What the 2.0 and 2.1 file writers share: the columns' Lance fields, batches checked against the schema
/// and handed to the columns, and the file's tail (<see cref="LanceFileTail"/>) with the footer version of
/// the format. The page encodings are the column writers'.
/// </summary>
internal sealed class LanceContainerWriter
{
    private readonly LanceFileOutput _output;
    private readonly Schema _arrowSchema;
    private readonly ushort _footerMajor, _footerMinor;
    private readonly List<LanceField> _fileFields = [];
    private readonly List<ILanceColumnWriter> _columns = [];
    private readonly List<int> _manifestFields = [];
    private readonly List<int> _manifestColumnIndices = [];
    private bool _finished;

    public LanceContainerWriter(Stream destination, Schema arrowSchema, ushort footerMajor, ushort footerMinor)
    {
        _output = new LanceFileOutput(destination);
        _arrowSchema = arrowSchema;
        _footerMajor = footerMajor;
        _footerMinor = footerMinor;
    }

    public long RowCount { get; private set; }

    /// <summary>DataFile.fields of the manifest: the ids of the fields that have a column.</summary>
    public IReadOnlyList<int> ManifestFields => _manifestFields;

    /// <summary>DataFile.column_indices of the manifest, parallel to <see cref="ManifestFields"/>.</summary>
    public IReadOnlyList<int> ManifestColumnIndices => _manifestColumnIndices;

    /// <summary>The top-level Lance field of an Arrow column, checked to have the column's logical type.</summary>
    public static LanceField TopField(IReadOnlyList<LanceField> lanceFields, Apache.Arrow.Field field)
    {
        var lance = FindTop(lanceFields, field.Name);
        var expected = LanceSchema.LogicalType(field.DataType, field.Name);
        if (lance.LogicalType != expected)
        {
            throw new GenevaException(GenevaErrorCode.TypeMismatch,
                $"Column '{field.Name}' is {expected} in Arrow but its Lance field {lance.Id} says '{lance.LogicalType}'.", field.Name);
        }
        return lance;
    }

    /// <summary>Adds the next column: its writer, the fields it puts in the file's schema, and the field id the manifest gives it.</summary>
    public void AddColumn(ILanceColumnWriter column, IEnumerable<LanceField> fileFields, int manifestField)
    {
        _manifestColumnIndices.Add(_columns.Count);
        _columns.Add(column);
        // The file's schema holds its own columns' fields only, in column order (a reader maps columns by it).
        _fileFields.AddRange(fileFields);
        _manifestFields.Add(manifestField);
    }

    /// <summary>Appends a batch (any length; its arrays may be slices), every column checked before any is written.</summary>
    public void Write(RecordBatch batch, object owner)
    {
        ObjectDisposedException.ThrowIf(_finished, owner);
        if (batch.ColumnCount != _columns.Count)
        {
            throw new GenevaException(GenevaErrorCode.TypeMismatch,
                $"A batch of {batch.ColumnCount} columns was written to a Lance file of {_columns.Count} columns.");
        }
        for (var i = 0; i < _columns.Count; i++)
        {
            var array = batch.Column(i);
            var expected = _arrowSchema.FieldsList[i].DataType;
            if (array.Data.DataType.TypeId != expected.TypeId || array.Length != batch.Length)
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"Column '{_columns[i].Name}' is {expected.Name} but the batch gives {array.Data.DataType.Name} of {array.Length} rows.", _columns[i].Name);
            }
        }
        for (var i = 0; i < _columns.Count; i++)
        {
            _columns[i].Append(batch.Column(i), _output);
        }
        RowCount += batch.Length;
    }

    /// <summary>Writes the remaining pages and the tail; returns the file's size in bytes.</summary>
    public long Finish(object owner)
    {
        ObjectDisposedException.ThrowIf(_finished, owner);
        _finished = true;
        var metadata = new ColumnMetadata[_columns.Count];
        for (var i = 0; i < metadata.Length; i++)
        {
            metadata[i] = _columns[i].Finish(_output);
        }
        return LanceFileTail.Write(_output, _fileFields, RowCount, metadata, _footerMajor, _footerMinor);
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
