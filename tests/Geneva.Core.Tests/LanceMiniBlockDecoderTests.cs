using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Files.Decoders;

namespace Geneva.Core.Tests;

/// <summary>Mini-block decoders on hand-made chunks, for the shapes the LanceDB fixtures do not hold.</summary>
public sealed class LanceMiniBlockDecoderTests
{
    [Fact]
    public void Dictionary_FixedWidthItems_GathersValues()
    {
        var dictionary = new DictionaryValueDecoder(new FlatValueDecoder(32, "f", "c"), 8, 3, "f", "c");
        dictionary.Load(MemoryMarshal.AsBytes<long>([long.MinValue, 7, long.MaxValue]));
        var builder = new LanceArrayBuilder(LanceLeafType.TryCreate(Int64Type.Default)!, 4, 0);
        dictionary.Append(new MiniBlockBuffers(1, MemoryMarshal.AsBytes<int>([2, 0, 1, 2])), 4, 0, 4, builder);
        Assert.Equal([long.MaxValue, long.MinValue, 7L, long.MaxValue], ((Int64Array)builder.Build()).Values.ToArray());
    }

    [Fact]
    public void Rle_RangeInsideRuns_ExpandsOnlyThatRange()
    {
        var decoder = new RleValueDecoder(16, "f", "c");
        var output = new ushort[5];
        decoder.DecodeFixed(new MiniBlockBuffers(2, MemoryMarshal.AsBytes<ushort>([5, 6, 7]), [255, 3, 255]), 300, 253, 258,
            MemoryMarshal.AsBytes(output.AsSpan()));
        Assert.Equal([5, 5, 6, 6, 6], output);
    }

    [Fact]
    public void ByteStreamSplit_Range_ReassemblesValues()
    {
        // Three 32-bit values 0x04030201, 0x14131211, 0x24232221 split into four byte streams.
        byte[] streams = [0x01, 0x11, 0x21, 0x02, 0x12, 0x22, 0x03, 0x13, 0x23, 0x04, 0x14, 0x24];
        var output = new uint[2];
        new ByteStreamSplitDecoder(32, "f", "c").DecodeFixed(new MiniBlockBuffers(1, streams), 3, 1, 3, MemoryMarshal.AsBytes(output.AsSpan()));
        Assert.Equal([0x14131211u, 0x24232221u], output);
    }

    [Fact]
    public void ApplyDefinitions_SparseLevels_MarksExactlyThoseRowsNull()
    {
        var builder = new LanceArrayBuilder(LanceLeafType.TryCreate(Int32Type.Default)!, 100, 0);
        var levels = new ushort[100];
        levels[0] = levels[37] = levels[99] = 1;
        builder.ApplyDefinitions(levels);
        builder.FixedDestination(100).Clear();
        builder.Advance(100);
        var array = builder.Build();
        Assert.Equal([0, 37, 99], Enumerable.Range(0, 100).Where(array.IsNull));
    }
}
