using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Lance's Variable value compression in a mini-block chunk (BinaryMiniBlock): (values + 1) u32 offsets
/// (u64 for large_utf8 and large_binary) counted from the start of the buffer, then the bytes, padded.
/// </summary>
internal sealed class VariableValueDecoder : MiniBlockValueDecoder
{
    private readonly int _offsetBytes;

    public VariableValueDecoder(string path, string column, int offsetBits = 32) : base(path, column)
    {
        _offsetBytes = offsetBits / 8;
    }

    public override int BufferCount => 1;

    public override string Name => $"variable({8 * _offsetBytes})";

    public override void Append(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, LanceArrayBuilder builder)
    {
        var offsets = Offsets(buffers, chunkValues, a, b, out var values);
        builder.AppendVariable(offsets, values[(int)offsets[0]..]);
    }

    /// <summary>The checked offsets of values [a, b) (b - a + 1 of them) and the chunk's buffer they point into.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<uint> Offsets(scoped in MiniBlockBuffers buffers, int chunkValues, int a, int b, out ReadOnlySpan<byte> values)
    {
        CheckBuffers(buffers);
        CheckRange(chunkValues, a, b);
        values = buffers[0];
        if (values.Length < _offsetBytes * (chunkValues + 1))
        {
            throw Corrupt($"a mini-block chunk of {chunkValues} values holds {values.Length} bytes, too few for its offsets");
        }
        if (_offsetBytes == 8)
        {
            // A chunk holds at most 32 KiB, so its u64 offsets fit in u32 once checked.
            var wide = MemoryMarshal.Cast<byte, ulong>(values[..(8 * (chunkValues + 1))]).Slice(a, b - a + 1);
            var narrow = MiniBlockScratch.Offsets(wide.Length);
            for (var i = 0; i < wide.Length; i++)
            {
                narrow[i] = wide[i] > (ulong)values.Length ? uint.MaxValue : (uint)wide[i];
            }
            Check(narrow, values.Length);
            return narrow;
        }
        var offsets = MemoryMarshal.Cast<byte, uint>(values[..(4 * (chunkValues + 1))]).Slice(a, b - a + 1);
        Check(offsets, values.Length);
        return offsets;
    }

    private void Check(ReadOnlySpan<uint> offsets, int length)
    {
        var previous = offsets[0];
        foreach (var o in offsets)
        {
            if (o < previous || o > (uint)length)
            {
                throw Corrupt("a mini-block chunk's value offsets decrease or point past its values");
            }
            previous = o;
        }
    }
}
