using System.Numerics;
using System.Runtime.InteropServices;
using CsCheck;
using Geneva.Core.Storage.Lance.Files.Decoders;

namespace Geneva.Core.Tests;

/// <summary>
/// <see cref="FastLanesBitUnpacker"/>: the vectorised unpacker equals the scalar reference, and both invert a
/// packer written here from the FastLanes layout, for every width 0..bits of 8-, 16-, 32- and 64-bit values.
/// </summary>
public sealed class FastLanesBitUnpackerTests
{
    [Fact]
    public void Unpack_EveryWidthOf8Bits_EqualsReferenceAndInvertsPacking() => Check<byte>();

    [Fact]
    public void Unpack_EveryWidthOf16Bits_EqualsReferenceAndInvertsPacking() => Check<ushort>();

    [Fact]
    public void Unpack_EveryWidthOf32Bits_EqualsReferenceAndInvertsPacking() => Check<uint>();

    [Fact]
    public void Unpack_EveryWidthOf64Bits_EqualsReferenceAndInvertsPacking() => Check<ulong>();

    [Fact]
    public void Unpack_WidthAboveTypeOrShortInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => FastLanesBitUnpacker.Unpack<uint>(33, new uint[1056], new uint[1024]));
        Assert.Throws<ArgumentException>(() => FastLanesBitUnpacker.Unpack<uint>(5, new uint[159], new uint[1024]));
    }

    [Fact]
    public void RowStart_OfEveryRowAndLane_CoversThe1024ValuesOnce()
    {
        foreach (var bits in new[] { 8, 16, 32, 64 })
        {
            var lanes = 1024 / bits;
            var seen = new bool[1024];
            for (var row = 0; row < bits; row++)
            {
                for (var lane = 0; lane < lanes; lane++)
                {
                    var i = FastLanesBitUnpacker.RowStart(row) + lane;
                    Assert.False(seen[i], $"value {i} twice for {bits} bits");
                    seen[i] = true;
                }
            }
            Assert.All(seen, Assert.True);
        }
    }

    private static void Check<T>() where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T>
    {
        var bits = Marshal.SizeOf<T>() * 8;
        for (var width = 0; width <= bits; width++)
        {
            var w = width;
            Gen.Byte.Array[1024 * Marshal.SizeOf<T>()].Sample(bytes =>
            {
                var values = MemoryMarshal.Cast<byte, T>(bytes).ToArray();
                var mask = w == bits ? T.AllBitsSet : (T.One << w) - T.One;
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] &= mask;
                }
                var packed = Pack(values, w);
                var vector = new T[1024];
                var scalar = new T[1024];
                FastLanesBitUnpacker.Unpack<T>(w, packed, vector);
                FastLanesBitUnpacker.UnpackScalar<T>(w, packed, scalar);
                Assert.Equal(values, scalar);
                Assert.Equal(values, vector);
            }, iter: 20);
        }
    }

    /// <summary>FastLanes packing, value by value: bit (row * width + k) of lane l goes to word (row * width + k) / bits of that lane.</summary>
    private static T[] Pack<T>(T[] values, int width) where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T>
    {
        var bits = Marshal.SizeOf<T>() * 8;
        var lanes = 1024 / bits;
        var packed = new T[1024 * width / bits];
        for (var lane = 0; lane < lanes; lane++)
        {
            for (var row = 0; row < bits; row++)
            {
                var value = values[FastLanesBitUnpacker.RowStart(row) + lane];
                for (var k = 0; k < width; k++)
                {
                    if (((value >>> k) & T.One) != T.Zero)
                    {
                        var bit = row * width + k;
                        packed[lanes * (bit / bits) + lane] |= T.One << (bit % bits);
                    }
                }
            }
        }
        return packed;
    }
}
