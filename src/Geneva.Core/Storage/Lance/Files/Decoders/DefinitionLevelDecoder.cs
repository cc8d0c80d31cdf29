using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// A mini-block chunk's u16 definition levels (0 = valid, 1 = null item) in the block compression LanceDB
/// picks for a page's levels: Flat(16); InlineBitpacking(16) (pages of at most 1024 items: per 1024 levels a
/// u16 bit width, then the packed words); or OutOfLineBitpacking(16) with one bit width for the page (per 1024
/// levels <c>64 * W</c> words; a last part under 1024 levels is packed padded, or stored raw when that is smaller).
/// </summary>
internal sealed class DefinitionLevelDecoder
{
    private enum Kind
    {
        Flat,
        Inline,
        OutOfLine,
    }

    private readonly Kind _kind;
    private readonly int _width; // out-of-line
    private readonly string _path;
    private readonly string _column;

    private DefinitionLevelDecoder(Kind kind, int width, string path, string column)
    {
        _kind = kind;
        _width = width;
        _path = path;
        _column = column;
    }

    public string Name => _kind switch
    {
        Kind.Flat => "flat(16)",
        Kind.Inline => "inline-bitpacking(16)",
        _ => $"out-of-line-bitpacking(16, {_width})",
    };

    /// <summary>The decoder of <paramref name="encoding"/>, or null when Geneva does not read it.</summary>
    public static DefinitionLevelDecoder? TryCreate(CompressiveEncoding encoding, string path, string column) => encoding.CompressionCase switch
    {
        CompressiveEncoding.CompressionOneofCase.Flat when encoding.Flat is { BitsPerValue: 16, Data: null } =>
            new DefinitionLevelDecoder(Kind.Flat, 16, path, column),
        CompressiveEncoding.CompressionOneofCase.InlineBitpacking when encoding.InlineBitpacking is { UncompressedBitsPerValue: 16, Values: null } =>
            new DefinitionLevelDecoder(Kind.Inline, 0, path, column),
        CompressiveEncoding.CompressionOneofCase.OutOfLineBitpacking when
            encoding.OutOfLineBitpacking is { UncompressedBitsPerValue: 16, Values.Flat: { Data: null, BitsPerValue: >= 1 and <= 16 } flat } =>
            new DefinitionLevelDecoder(Kind.OutOfLine, (int)flat.BitsPerValue, path, column),
        _ => null,
    };

    /// <summary>The <paramref name="count"/> levels of a chunk (in per-thread scratch: use before the next chunk).</summary>
    public ReadOnlySpan<ushort> Decode(ReadOnlySpan<byte> buffer, int count)
    {
        var groups = (count + FastLanesBitUnpacker.Values - 1) / FastLanesBitUnpacker.Values;
        switch (_kind)
        {
            case Kind.Flat:
                if (buffer.Length < 2 * count)
                {
                    throw Corrupt($"{buffer.Length} bytes of flat definition levels hold fewer than {count}");
                }
                return MemoryMarshal.Cast<byte, ushort>(buffer[..(2 * count)]);
            case Kind.Inline:
            {
                var levels = MiniBlockScratch.Levels(groups * FastLanesBitUnpacker.Values);
                var pos = 0;
                for (var g = 0; g < groups; g++)
                {
                    if (buffer.Length < pos + 2)
                    {
                        throw Corrupt($"{buffer.Length} bytes of bitpacked definition levels hold fewer than {count}");
                    }
                    var width = BinaryPrimitives.ReadUInt16LittleEndian(buffer[pos..]);
                    var bytes = width <= 16 ? 2 * FastLanesBitUnpacker.PackedWords(width, 16) : int.MaxValue;
                    if (width > 16 || buffer.Length - pos - 2 < bytes)
                    {
                        throw Corrupt($"bitpacked definition levels of width {width} do not fit their {buffer.Length} bytes");
                    }
                    Unpack(width, buffer.Slice(pos + 2, bytes), levels.Slice(g * FastLanesBitUnpacker.Values, FastLanesBitUnpacker.Values));
                    pos += 2 + bytes;
                }
                return levels[..count];
            }
            default:
            {
                var levels = MiniBlockScratch.Levels(groups * FastLanesBitUnpacker.Values);
                var words = FastLanesBitUnpacker.PackedWords(_width, 16);
                var whole = count / FastLanesBitUnpacker.Values;
                var tail = count % FastLanesBitUnpacker.Values;
                var have = buffer.Length / 2;
                var tailRaw = tail > 0 && have == whole * words + tail;
                if (have < whole * words + (tail == 0 ? 0 : tailRaw ? tail : words))
                {
                    throw Corrupt($"{buffer.Length} bytes of bitpacked definition levels hold fewer than {count}");
                }
                for (var g = 0; g < whole + (tail > 0 && !tailRaw ? 1 : 0); g++)
                {
                    Unpack(_width, buffer.Slice(g * words * 2, words * 2), levels.Slice(g * FastLanesBitUnpacker.Values, FastLanesBitUnpacker.Values));
                }
                if (tailRaw)
                {
                    MemoryMarshal.Cast<byte, ushort>(buffer.Slice(whole * words * 2, tail * 2)).CopyTo(levels[(whole * FastLanesBitUnpacker.Values)..]);
                }
                return levels[..count];
            }
        }
    }

    private static void Unpack(int width, ReadOnlySpan<byte> packed, Span<ushort> output) =>
        FastLanesBitUnpacker.Unpack(width, MemoryMarshal.Cast<byte, ushort>(packed), output);

    private GenevaException Corrupt(string problem) => LanceFileErrors.Corrupt(_path, _column, $"a mini-block chunk's {problem}");
}
