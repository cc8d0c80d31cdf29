using System.Buffers.Binary;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Lance's InlineBitpacking in a mini-block chunk: a chunk is 1024 values (the last one padded to 1024), one
/// value-sized word holding the bit width W, then the FastLanes-packed <c>1024 * W / bits</c> words. Signed
/// values and floats are packed as their unsigned bits (a negative value takes the full width).
/// </summary>
internal sealed class InlineBitpackingDecoder : MiniBlockValueDecoder
{
    private readonly int _bits;

    public InlineBitpackingDecoder(int bits, string path, string column) : base(path, column)
    {
        _bits = bits;
    }

    public override int BufferCount => 1;

    public override string Name => $"inline-bitpacking({_bits})";

    public override int ValueBytes => _bits / 8;

    public override void DecodeFixed(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, Span<byte> destination)
    {
        CheckBuffers(buffers);
        CheckRange(chunkValues, a, b);
        var size = _bits / 8;
        var packed = Packed(buffers[0], chunkValues, out var width);
        if (a == 0 && b == FastLanesBitUnpacker.Values)
        {
            FastLanesBitUnpacker.UnpackBytes(_bits, width, packed, destination);
            return;
        }
        var all = MiniBlockScratch.Values(FastLanesBitUnpacker.Values * size);
        FastLanesBitUnpacker.UnpackBytes(_bits, width, packed, all);
        all.Slice(a * size, (b - a) * size).CopyTo(destination);
    }

    private ReadOnlySpan<byte> Packed(ReadOnlySpan<byte> buffer, int chunkValues, out int width)
    {
        var size = _bits / 8;
        if (chunkValues > FastLanesBitUnpacker.Values || buffer.Length < size)
        {
            throw Corrupt($"a bitpacked mini-block chunk of {chunkValues} values has {buffer.Length} bytes");
        }
        var w = size switch
        {
            1 => buffer[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(buffer),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(buffer),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(buffer),
        };
        if (w > (ulong)_bits)
        {
            throw Corrupt($"a bitpacked mini-block chunk of {_bits}-bit values has a bit width of {w}");
        }
        width = (int)w;
        var bytes = FastLanesBitUnpacker.PackedWords(width, _bits) * size;
        if (buffer.Length < size + bytes)
        {
            throw Corrupt($"a bitpacked mini-block chunk of {width}-bit values has {buffer.Length} bytes, not {size + bytes}");
        }
        return buffer.Slice(size, bytes);
    }
}
