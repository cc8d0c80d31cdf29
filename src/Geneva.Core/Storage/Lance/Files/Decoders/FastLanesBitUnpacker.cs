using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Geneva.Core.Storage.Lance.Files.Decoders;

/// <summary>
/// Unpacks FastLanes bitpacking (Lance's InlineBitpacking and OutOfLineBitpacking): 1024 values of a T-bit
/// unsigned type packed to W bits each in <c>1024 * W / T</c> words. The 1024 values form T rows of
/// <c>1024 / T</c> lanes; the packed words are laid out lane-contiguous (word w of lane l at
/// <c>lanes * w + l</c>), so one row of every lane is one 128-byte vector operation. Row r of lane l is
/// value <c>order[r / 8] * 16 + (r % 8) * 128 + l</c> (order = 0, 4, 2, 6, 1, 5, 3, 7).
/// </summary>
internal static class FastLanesBitUnpacker
{
    public const int Values = 1024;

    private static ReadOnlySpan<byte> Order => [0, 4, 2, 6, 1, 5, 3, 7];

    /// <summary>The packed words of 1024 values of <paramref name="width"/> bits in a type of <paramref name="typeBits"/>.</summary>
    public static int PackedWords(int width, int typeBits) => Values * width / typeBits;

    /// <summary>Where row <paramref name="row"/> of lane 0 lands among the 1024 values.</summary>
    public static int RowStart(int row) => Order[row >> 3] * 16 + (row & 7) * 128;

    /// <summary>
    /// Unpacks 1024 values of <paramref name="width"/> bits (0..bits of T) from <paramref name="packed"/>
    /// (at least <see cref="PackedWords"/> words) into <paramref name="output"/> (1024 values): vectorised
    /// where the hardware has vectors, <see cref="UnpackScalar{T}"/> elsewhere.
    /// </summary>
    public static void Unpack<T>(int width, ReadOnlySpan<T> packed, Span<T> output)
        where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T>
    {
        var bits = Unsafe.SizeOf<T>() * 8;
        if ((uint)width > (uint)bits || packed.Length < PackedWords(width, bits) || output.Length < Values)
        {
            throw new ArgumentException($"Cannot unpack {width}-bit values of a {bits}-bit type from {packed.Length} words into {output.Length}.");
        }
        if (Vector.IsHardwareAccelerated && Vector<T>.Count * Unsafe.SizeOf<T>() <= 128)
        {
            UnpackVector(width, packed, output);
        }
        else
        {
            UnpackScalar(width, packed, output);
        }
    }

    /// <summary>
    /// <see cref="Unpack{T}"/> over bytes: <paramref name="typeBits"/> (8, 16, 32, 64) picks the type;
    /// <paramref name="packed"/> holds exactly the packed words, <paramref name="output"/> 1024 values.
    /// </summary>
    public static void UnpackBytes(int typeBits, int width, ReadOnlySpan<byte> packed, Span<byte> output)
    {
        switch (typeBits)
        {
            case 8:
                Unpack(width, packed, output);
                break;
            case 16:
                Unpack(width, MemoryMarshal.Cast<byte, ushort>(packed), MemoryMarshal.Cast<byte, ushort>(output));
                break;
            case 32:
                Unpack(width, MemoryMarshal.Cast<byte, uint>(packed), MemoryMarshal.Cast<byte, uint>(output));
                break;
            case 64:
                Unpack(width, MemoryMarshal.Cast<byte, ulong>(packed), MemoryMarshal.Cast<byte, ulong>(output));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(typeBits), $"FastLanes packs 8-, 16-, 32- or 64-bit values, not {typeBits}-bit.");
        }
    }

    /// <summary>The reference: one value at a time, lane by lane, row by row (also the fallback without vectors).</summary>
    public static void UnpackScalar<T>(int width, ReadOnlySpan<T> packed, Span<T> output)
        where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T>
    {
        var bits = Unsafe.SizeOf<T>() * 8;
        var lanes = Values / bits;
        var mask = width == bits ? T.AllBitsSet : (T.One << width) - T.One;
        for (var lane = 0; lane < lanes; lane++)
        {
            for (var row = 0; row < bits; row++)
            {
                var value = T.Zero;
                if (width != 0)
                {
                    var start = row * width;
                    var word = start / bits;
                    var shift = start % bits;
                    value = packed[lanes * word + lane] >>> shift;
                    if (shift + width > bits)
                    {
                        value |= packed[lanes * (word + 1) + lane] << (bits - shift);
                    }
                    value &= mask;
                }
                output[RowStart(row) + lane] = value;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnpackVector<T>(int width, ReadOnlySpan<T> packed, Span<T> output)
        where T : unmanaged, IUnsignedNumber<T>, IBinaryInteger<T>
    {
        var bits = Unsafe.SizeOf<T>() * 8;
        var lanes = Values / bits;
        var step = Vector<T>.Count;
        ref var src = ref MemoryMarshal.GetReference(packed);
        ref var dst = ref MemoryMarshal.GetReference(output);
        if (width == 0)
        {
            output[..Values].Clear();
            return;
        }
        var mask = new Vector<T>(width == bits ? T.AllBitsSet : (T.One << width) - T.One);
        for (var row = 0; row < bits; row++)
        {
            var start = row * width;
            var word = start / bits;
            var shift = start % bits;
            var spill = shift + width > bits;
            ref var from = ref Unsafe.Add(ref src, lanes * word);
            ref var to = ref Unsafe.Add(ref dst, RowStart(row));
            for (var l = 0; l < lanes; l += step)
            {
                var v = Vector.LoadUnsafe(ref from, (nuint)l) >>> shift;
                if (spill)
                {
                    v |= Vector.LoadUnsafe(ref from, (nuint)(l + lanes)) << (bits - shift);
                }
                (v & mask).StoreUnsafe(ref to, (nuint)l);
            }
        }
    }
}
