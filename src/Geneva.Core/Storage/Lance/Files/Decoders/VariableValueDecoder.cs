using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Lance's Variable value compression in a mini-block chunk (BinaryMiniBlock): (values + 1) u32 offsets
/// counted from the start of the buffer, then the bytes, padded to 4.
/// </summary>
internal sealed class VariableValueDecoder : MiniBlockValueDecoder
{
    public VariableValueDecoder(string path, string column) : base(path, column)
    {
    }

    public override int BufferCount => 1;

    public override string Name => "variable(32)";

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
        if (values.Length < 4 * (chunkValues + 1))
        {
            throw Corrupt($"a mini-block chunk of {chunkValues} values holds {values.Length} bytes, too few for its offsets");
        }
        var offsets = MemoryMarshal.Cast<byte, uint>(values[..(4 * (chunkValues + 1))]).Slice(a, b - a + 1);
        var previous = offsets[0];
        foreach (var o in offsets)
        {
            if (o < previous || o > (uint)values.Length)
            {
                throw Corrupt("a mini-block chunk's value offsets decrease or point past its values");
            }
            previous = o;
        }
        return offsets;
    }
}
