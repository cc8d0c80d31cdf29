using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Types;
using Google.Protobuf;
using Geneva.Core.Storage.Lance.Proto;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Reads a Lance data file: opening reads the footer, the column metadata and the schema only; a read
/// decodes only the pages and chunks that overlap the rows asked for. Reads may run on several threads
/// at once (positional reads of one handle, page state shared through Interlocked).
/// </summary>
internal sealed class LanceFileReader : IDisposable
{
    private readonly LanceFileSource _file;
    private readonly Dictionary<int, LanceColumnReader> _columnsByField;

    private LanceFileReader(LanceFileSource file, LanceFileVersion version, long rows, IReadOnlyList<LanceField> fields,
                            Dictionary<int, LanceColumnReader> columnsByField)
    {
        _file = file;
        Version = version;
        RowCount = rows;
        Fields = fields;
        _columnsByField = columnsByField;
    }

    public LanceFileVersion Version { get; }

    public long RowCount { get; }

    /// <summary>The file's own schema (global buffer 0), with the dataset's field ids.</summary>
    public IReadOnlyList<LanceField> Fields { get; }

    public string Path => _file.Path;

    public static LanceFileReader Open(string path)
    {
        var file = new LanceFileSource(path);
        try
        {
            return Open(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static LanceFileReader Open(LanceFileSource file)
    {
        var path = file.Path;
        if (file.Length < LanceFileFooter.Length)
        {
            throw LanceFileErrors.Corrupt(path, null, $"it has {file.Length} bytes, fewer than the 40-byte footer");
        }
        Span<byte> tail = stackalloc byte[LanceFileFooter.Length];
        file.ReadExactly((ulong)(file.Length - LanceFileFooter.Length), tail, null);
        var footer = LanceFileFooter.Parse(tail, file.Length, path);
        var version = (footer.Major, footer.Minor) switch
        {
            (2, 1) => LanceFileVersion.V2_1,
            (0, 3) or (2, 0) => LanceFileVersion.V2_0,
            _ => throw LanceFileErrors.Unsupported(path, null, $"file format version {footer.Major}.{footer.Minor}"),
        };
        if (footer.GlobalBufferCount < 1)
        {
            throw LanceFileErrors.Corrupt(path, null, "it has no global buffer 0 (the schema)");
        }
        var tables = file.ReadBytes(footer.ColumnOffsetTableStart, (ulong)file.Length - LanceFileFooter.Length - footer.ColumnOffsetTableStart, null);
        var globalTable = tables.AsSpan((int)(footer.GlobalBufferTableStart - footer.ColumnOffsetTableStart));
        var descriptor = Parse(FileDescriptor.Parser, file.ReadBytes(
            BinaryPrimitives.ReadUInt64LittleEndian(globalTable), BinaryPrimitives.ReadUInt64LittleEndian(globalTable[8..]), null), path, null, "its schema (global buffer 0)");
        var fields = descriptor.Schema?.Fields.ToArray() ?? [];
        var rows = (long)descriptor.Length;

        var columnsByField = new Dictionary<int, LanceColumnReader>();
        var column = 0;
        foreach (var top in fields)
        {
            if (top.ParentId != -1)
            {
                continue;
            }
            var index = column++;
            if (version != LanceFileVersion.V2_1 || index >= footer.ColumnCount)
            {
                continue;
            }
            var arrow = LanceSchema.ToArrow(fields, top);
            var listType = arrow.DataType as ListType;
            var leaf = LanceLeafType.TryCreate(listType?.ValueDataType ?? arrow.DataType) ??
                       throw LanceFileErrors.Unsupported(path, top.Name, $"the column type {arrow.DataType.Name}");
            var entry = tables.AsSpan(16 * index, 16);
            var metadata = Parse(ColumnMetadata.Parser, file.ReadBytes(
                BinaryPrimitives.ReadUInt64LittleEndian(entry), BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]), top.Name), path, top.Name, "its column metadata");
            var reader = LanceColumnReader.Create(file, top.Name, leaf, listType, metadata);
            if (reader.Rows != rows)
            {
                throw LanceFileErrors.Corrupt(path, top.Name, $"its pages hold {reader.Rows} rows but the file has {rows}");
            }
            columnsByField[top.Id] = reader;
        }
        if (column != footer.ColumnCount)
        {
            throw LanceFileErrors.Corrupt(path, null, $"its schema has {column} columns but its footer {footer.ColumnCount}");
        }
        return new LanceFileReader(file, version, rows, fields, columnsByField);
    }

    private static T Parse<T>(MessageParser<T> parser, byte[] bytes, string path, string? column, string what) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw LanceFileErrors.Corrupt(path, column, $"{what} is not valid protobuf", e);
        }
    }

    /// <summary>
    /// The rows [start, start + length) of the top-level field <paramref name="fieldId"/> (a dataset field
    /// id), as a new Arrow array the caller owns.
    /// </summary>
    public IArrowArray Read(int fieldId, long start, int length)
    {
        if (!_columnsByField.TryGetValue(fieldId, out var column))
        {
            if (Version != LanceFileVersion.V2_1)
            {
                throw LanceFileErrors.Unsupported(Path, null, "file format 2.0");
            }
            throw new GenevaException(GenevaErrorCode.ColumnNotFound, $"The Lance data file '{Path}' has no column with field id {fieldId}.", fieldId);
        }
        if (start < 0 || length < 0 || start + length > RowCount)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"Rows [{start}, {start + length}) are outside the {RowCount} rows of Lance data file '{Path}'.", Path);
        }
        return column.Read(_file, start, length);
    }

    public void Dispose() => _file.Dispose();
}
