using System.Runtime.CompilerServices;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>Copies of bit runs (Arrow validity and bool values are LSB-first bitmaps).</summary>
internal static class LanceBits
{
    /// <summary>Copies <paramref name="count"/> bits from source bit <paramref name="sourceBit"/> to destination bit <paramref name="destBit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(ReadOnlySpan<byte> source, int sourceBit, Span<byte> destination, int destBit, int count)
    {
        if (count == 0)
        {
            return;
        }
        if (((sourceBit | destBit) & 7) == 0)
        {
            var whole = count >> 3;
            source.Slice(sourceBit >> 3, whole).CopyTo(destination.Slice(destBit >> 3));
            var done = whole << 3;
            sourceBit += done;
            destBit += done;
            count -= done;
        }
        for (var i = 0; i < count; i++)
        {
            var s = sourceBit + i;
            var d = destBit + i;
            var bit = (source[s >> 3] >> (s & 7)) & 1;
            if (bit != 0)
            {
                destination[d >> 3] |= (byte)(1 << (d & 7));
            }
            else
            {
                destination[d >> 3] &= (byte)~(1 << (d & 7));
            }
        }
    }

    public static bool Get(ReadOnlySpan<byte> bits, int index) => ((bits[index >> 3] >> (index & 7)) & 1) != 0;

    /// <summary>How many of bits [first, first + count) are set (valid rows of an Arrow validity bitmap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountSet(ReadOnlySpan<byte> bits, int first, int count)
    {
        var set = 0;
        var i = 0;
        // Whole bytes when aligned; bit by bit at the edges.
        while (i < count && ((first + i) & 7) != 0)
        {
            set += (bits[(first + i) >> 3] >> ((first + i) & 7)) & 1;
            i++;
        }
        var whole = bits.Slice((first + i) >> 3, (count - i) >> 3);
        foreach (var b in whole)
        {
            set += System.Numerics.BitOperations.PopCount(b);
        }
        i += whole.Length * 8;
        while (i < count)
        {
            set += (bits[(first + i) >> 3] >> ((first + i) & 7)) & 1;
            i++;
        }
        return set;
    }
}
