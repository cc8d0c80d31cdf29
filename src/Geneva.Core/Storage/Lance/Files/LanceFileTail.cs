using System.Buffers.Binary;
using Google.Protobuf;
using Geneva.Core.Storage.Lance.Proto;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// What follows the pages of a Lance data file, the same in 2.0 and 2.1: global buffer 0 (the file's
/// schema and row count, 64-byte aligned), the column metadata, the column-offset table, the
/// global-buffer table and the 40-byte footer. Only the footer's version tells the formats apart.
/// </summary>
internal sealed class LanceFileTail
{
    private readonly LanceFileSource _file;
    private readonly byte[] _tables; // the column-offset table through the global-buffer table

    private LanceFileTail(LanceFileSource file, LanceFileFooter footer, byte[] tables, LanceField[] fields, long rows)
    {
        _file = file;
        Footer = footer;
        _tables = tables;
        Fields = fields;
        Rows = rows;
    }

    public LanceFileFooter Footer { get; }

    /// <summary>The file's own schema (global buffer 0), with the dataset's field ids.</summary>
    public LanceField[] Fields { get; }

    public long Rows { get; }

    /// <summary>Writes the tail after the last page; returns the file's size in bytes.</summary>
    public static long Write(LanceFileOutput output, IEnumerable<LanceField> fields, long rows, IReadOnlyList<ColumnMetadata> columns,
                             ushort major, ushort minor)
    {
        var descriptor = new FileDescriptor { Schema = new Proto.Schema(), Length = (ulong)rows };
        descriptor.Schema.Fields.AddRange(fields);
        var schemaBytes = descriptor.ToByteArray();
        var schemaStart = output.WriteAligned(schemaBytes);

        var metadataStart = (ulong)output.Position;
        var table = new byte[16 * columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var bytes = columns[i].ToByteArray();
            BinaryPrimitives.WriteUInt64LittleEndian(table.AsSpan(16 * i), (ulong)output.Position);
            BinaryPrimitives.WriteUInt64LittleEndian(table.AsSpan(16 * i + 8), (ulong)bytes.Length);
            output.Write(bytes);
        }
        var columnTableStart = (ulong)output.Position;
        output.Write(table);
        var globalTableStart = (ulong)output.Position;
        Span<byte> global = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(global, schemaStart);
        BinaryPrimitives.WriteUInt64LittleEndian(global[8..], (ulong)schemaBytes.Length);
        output.Write(global);
        Span<byte> footer = stackalloc byte[LanceFileFooter.Length];
        new LanceFileFooter(metadataStart, columnTableStart, globalTableStart, 1, (uint)columns.Count, major, minor).Write(footer);
        output.Write(footer);
        return output.Position;
    }

    /// <summary>Reads and checks the last 40 bytes; the caller checks the version before <see cref="Read"/>.</summary>
    public static LanceFileFooter ReadFooter(LanceFileSource file)
    {
        if (file.Length < LanceFileFooter.Length)
        {
            throw LanceFileErrors.Corrupt(file.Path, null, $"it has {file.Length} bytes, fewer than the 40-byte footer");
        }
        Span<byte> tail = stackalloc byte[LanceFileFooter.Length];
        file.ReadExactly((ulong)(file.Length - LanceFileFooter.Length), tail, null);
        return LanceFileFooter.Parse(tail, file.Length, file.Path);
    }

    /// <summary>Reads the offset tables and the schema (global buffer 0); the column metadata is read per column.</summary>
    public static LanceFileTail Read(LanceFileSource file, LanceFileFooter footer)
    {
        var path = file.Path;
        if (footer.GlobalBufferCount < 1)
        {
            throw LanceFileErrors.Corrupt(path, null, "it has no global buffer 0 (the schema)");
        }
        var tables = file.ReadBytes(footer.ColumnOffsetTableStart, (ulong)file.Length - LanceFileFooter.Length - footer.ColumnOffsetTableStart, null);
        var globalTable = tables.AsSpan((int)(footer.GlobalBufferTableStart - footer.ColumnOffsetTableStart));
        var descriptor = Parse(FileDescriptor.Parser, file.ReadBytes(
            BinaryPrimitives.ReadUInt64LittleEndian(globalTable), BinaryPrimitives.ReadUInt64LittleEndian(globalTable[8..]), null), path, null, "its schema (global buffer 0)");
        return new LanceFileTail(file, footer, tables, descriptor.Schema?.Fields.ToArray() ?? [], (long)descriptor.Length);
    }

    /// <summary>The metadata of column <paramref name="index"/> (below the footer's column count).</summary>
    public ColumnMetadata ReadColumnMetadata(int index, string column)
    {
        var entry = _tables.AsSpan(16 * index, 16);
        return Parse(ColumnMetadata.Parser, _file.ReadBytes(
            BinaryPrimitives.ReadUInt64LittleEndian(entry), BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]), column), _file.Path, column, "its column metadata");
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
}
