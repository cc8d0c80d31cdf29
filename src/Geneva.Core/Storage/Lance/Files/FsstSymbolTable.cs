using System.Buffers.Binary;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// An FSST symbol table as Lance serialises it (the <c>symbol_table</c> bytes of an <c>Fsst</c> compression,
/// 2312 bytes as LanceDB writes them): a little-endian u64 header <c>"FSST" &lt;&lt; 32 | switch &lt;&lt; 24 |
/// suffixLim &lt;&lt; 16 | terminator &lt;&lt; 8 | symbolCount</c>, then symbolCount u64 symbols (first byte in
/// the low byte), then symbolCount lengths (1..8). Code c &lt; symbolCount (at most 255) stands for symbol c; code 255 escapes
/// the next byte. When the switch bit is clear the encoder found too little input (under 32 KiB) and stored the
/// values as they are.
/// </summary>
internal sealed class FsstSymbolTable
{
    /// <summary>The size of the table Lance writes (header, 256 symbols, 256 lengths).</summary>
    public const int SerializedSize = 8 + 256 * 8 + 256;

    /// <summary>Code 255: the next byte is a literal.</summary>
    public const byte Escape = 255;

    private const ulong Magic = 0x46535354UL << 32;

    private FsstSymbolTable(string path, string column, bool compressed, int symbolCount)
    {
        Path = path;
        Column = column;
        IsCompressed = compressed;
        SymbolCount = symbolCount;
    }

    /// <summary>The file the table came from, for errors.</summary>
    public string Path { get; }

    /// <summary>The column the table came from, for errors.</summary>
    public string Column { get; }

    /// <summary>False when the values were stored uncompressed (Lance's encoder switch was off).</summary>
    public bool IsCompressed { get; }

    public int SymbolCount { get; }

    /// <summary>Symbol of each code (unused codes 0), read as a u64 and written 8 bytes at a time.</summary>
    internal ulong[] Symbols { get; } = new ulong[256];

    /// <summary>Length of each code's symbol; 0 for a code the table does not define (and for the escape).</summary>
    internal byte[] Lengths { get; } = new byte[256];

    /// <summary>Parses a serialised table; a table that is not one throws DataFileCorrupt naming file and column.</summary>
    public static FsstSymbolTable Parse(ReadOnlySpan<byte> table, string path, string column)
    {
        if (table.Length < 8)
        {
            throw LanceFileErrors.Corrupt(path, column, $"an FSST symbol table of {table.Length} bytes has no header");
        }
        var header = BinaryPrimitives.ReadUInt64LittleEndian(table);
        if ((header & 0xFFFFFFFF00000000UL) != Magic)
        {
            throw LanceFileErrors.Corrupt(path, column, $"an FSST symbol table starts with 0x{header:x16}, not the FSST magic");
        }
        var count = (int)(header & 0xFF);
        var compressed = (header & (1UL << 24)) != 0;
        if (table.Length < 8 + count * 9)
        {
            throw LanceFileErrors.Corrupt(path, column, $"an FSST symbol table of {count} symbols has only {table.Length} bytes");
        }
        var result = new FsstSymbolTable(path, column, compressed, count);
        var lengths = table.Slice(8 + count * 8, count);
        for (var i = 0; i < count; i++)
        {
            var length = lengths[i];
            if (length is 0 or > 8)
            {
                throw LanceFileErrors.Corrupt(path, column, $"FSST symbol {i} has length {length}");
            }
            result.Symbols[i] = BinaryPrimitives.ReadUInt64LittleEndian(table.Slice(8 + i * 8, 8));
            result.Lengths[i] = length;
        }
        return result;
    }
}
