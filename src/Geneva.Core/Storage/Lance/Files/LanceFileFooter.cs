using System.Buffers.Binary;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The 40-byte tail of a Lance data file: where the column metadata, the column-offset table and the
/// global-buffer table start, their counts, the format version and the magic <c>LANC</c>.
/// </summary>
internal readonly record struct LanceFileFooter(
    ulong ColumnMetadataStart,
    ulong ColumnOffsetTableStart,
    ulong GlobalBufferTableStart,
    uint GlobalBufferCount,
    uint ColumnCount,
    ushort Major,
    ushort Minor)
{
    public const int Length = 40;

    private const uint Magic = 0x434E414C; // "LANC" little-endian

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, ColumnMetadataStart);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], ColumnOffsetTableStart);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], GlobalBufferTableStart);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], GlobalBufferCount);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], ColumnCount);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[32..], Major);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[34..], Minor);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[36..], Magic);
    }

    /// <summary>Parses the last 40 bytes of a file of <paramref name="fileLength"/> bytes; throws DataFileCorrupt.</summary>
    public static LanceFileFooter Parse(ReadOnlySpan<byte> tail, long fileLength, string path)
    {
        if (tail.Length != Length || BinaryPrimitives.ReadUInt32LittleEndian(tail[36..]) != Magic)
        {
            throw LanceFileErrors.Corrupt(path, null, "it does not end with the Lance magic 'LANC' (not a Lance data file, or truncated)");
        }
        var footer = new LanceFileFooter(
            BinaryPrimitives.ReadUInt64LittleEndian(tail),
            BinaryPrimitives.ReadUInt64LittleEndian(tail[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(tail[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(tail[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(tail[28..]),
            BinaryPrimitives.ReadUInt16LittleEndian(tail[32..]),
            BinaryPrimitives.ReadUInt16LittleEndian(tail[34..]));
        if (footer.Major == 0 && footer.Minor < 3)
        {
            // Lance's first format (LanceDB's "legacy" storage version) keeps its version at the same place, in a 16-byte footer.
            throw LanceFileErrors.Unsupported(path, null, $"the legacy Lance file format {footer.Major}.{footer.Minor} (LanceDB's storage version \"legacy\")");
        }
        var end = (ulong)(fileLength - Length);
        if (footer.ColumnMetadataStart > footer.ColumnOffsetTableStart ||
            footer.ColumnOffsetTableStart > footer.GlobalBufferTableStart ||
            footer.GlobalBufferTableStart > end ||
            footer.ColumnOffsetTableStart + 16UL * footer.ColumnCount > footer.GlobalBufferTableStart ||
            footer.GlobalBufferTableStart + 16UL * footer.GlobalBufferCount != end)
        {
            throw LanceFileErrors.Corrupt(path, null, "its footer's table positions do not fit the file's length");
        }
        return footer;
    }
}
