using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Lance's Rle value compression in a mini-block chunk: two buffers, the run values (flat, 8..64 bits) and
/// one u8 length per run (a run over 255 values is split). Runs past the chunk's values are ignored, as in Lance.
/// </summary>
internal sealed class RleValueDecoder : MiniBlockValueDecoder
{
    private readonly int _bits;

    public RleValueDecoder(int bits, string path, string column) : base(path, column)
    {
        _bits = bits;
    }

    public override int BufferCount => 2;

    public override string Name => $"rle({_bits})";

    public override int ValueBytes => _bits / 8;

    public override void DecodeFixed(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, Span<byte> destination)
    {
        CheckBuffers(buffers);
        CheckRange(chunkValues, a, b);
        var values = buffers[0];
        var lengths = buffers[1];
        var size = _bits / 8;
        if (values.Length != lengths.Length * size)
        {
            throw Corrupt($"an RLE mini-block chunk has {values.Length} bytes of run values for {lengths.Length} run lengths");
        }
        var done = _bits switch
        {
            8 => Expand(values, lengths, a, b, destination),
            16 => Expand(MemoryMarshal.Cast<byte, ushort>(values), lengths, a, b, MemoryMarshal.Cast<byte, ushort>(destination)),
            32 => Expand(MemoryMarshal.Cast<byte, uint>(values), lengths, a, b, MemoryMarshal.Cast<byte, uint>(destination)),
            _ => Expand(MemoryMarshal.Cast<byte, ulong>(values), lengths, a, b, MemoryMarshal.Cast<byte, ulong>(destination)),
        };
        if (done < b)
        {
            throw Corrupt($"an RLE mini-block chunk's runs cover {done} of its {chunkValues} values");
        }
    }

    /// <summary>Fills values [a, b) from the runs; returns where the runs ended (at least b when they cover it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Expand<T>(ReadOnlySpan<T> values, ReadOnlySpan<byte> lengths, int a, int b, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>
    {
        var position = 0;
        for (var i = 0; i < lengths.Length && position < b; i++)
        {
            var end = position + lengths[i];
            if (end > a)
            {
                var from = Math.Max(position, a);
                var to = Math.Min(end, b);
                destination.Slice(from - a, to - from).Fill(values[i]);
            }
            position = end;
        }
        return position;
    }
}
