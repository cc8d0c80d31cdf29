using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// Moves values between Arrow buffers and the managed arrays kernels work on, one tight loop
/// per conversion. Output arrays own fresh managed buffers, so callers may dispose them freely.
/// </summary>
internal static class ArrowBits
{
    public static bool[]? ReadValidity(IArrowArray array)
    {
        if (array.NullCount == 0)
        {
            return null;
        }
        if (array.Data.DataType is NullType)
        {
            return new bool[array.Length];
        }
        var bitmap = array.Data.Buffers[0].Span;
        var offset = array.Offset;
        var result = new bool[array.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BitUtility.GetBit(bitmap, offset + i);
        }
        return result;
    }

    public static bool[] ReadBools(BooleanArray array)
    {
        var bitmap = array.ValueBuffer.Span;
        var offset = array.Offset;
        var result = new bool[array.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BitUtility.GetBit(bitmap, offset + i);
        }
        return result;
    }

    public static double[] Widen(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }
        return result;
    }

    public static long[] ReadInts(IArrowArray array) => array switch
    {
        Int64Array a => a.Values.ToArray(),
        Int32Array a => Widen(a.Values),
        Int16Array a => Widen(a.Values),
        Int8Array a => Widen(a.Values),
        UInt8Array a => Widen(a.Values),
        UInt16Array a => Widen(a.Values),
        UInt32Array a => Widen(a.Values),
        UInt64Array a => WidenUInt64(a),
        _ => throw new InvalidOperationException($"Arrow type '{array.Data.DataType.Name}' has no integer values."),
    };

    private static long[] Widen<T>(ReadOnlySpan<T> values)
        where T : struct, System.Numerics.IBinaryInteger<T>
    {
        var result = new long[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = long.CreateTruncating(values[i]);
        }
        return result;
    }

    private static long[] WidenUInt64(UInt64Array array)
    {
        var values = array.Values;
        var result = new long[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v > long.MaxValue && array.IsValid(i))
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"uint64 value {v} at row {i} is too large for expression arithmetic (int64).", i);
            }
            result[i] = (long)v;
        }
        return result;
    }

    /// <summary>Packs validity into an Arrow bitmap; empty when every row is valid.</summary>
    public static ArrowBuffer PackValidity(bool[]? validity, int length, out int nullCount)
    {
        nullCount = 0;
        if (validity is null)
        {
            return ArrowBuffer.Empty;
        }
        for (var i = 0; i < length; i++)
        {
            if (!validity[i])
            {
                nullCount++;
            }
        }
        return nullCount == 0 ? ArrowBuffer.Empty : PackBits(validity, length);
    }

    public static ArrowBuffer PackBits(ReadOnlySpan<bool> bits, int length)
    {
        var bytes = new byte[(length + 7) / 8];
        var full = length / 8;
        for (var b = 0; b < full; b++)
        {
            var s = bits.Slice(b * 8, 8);
            bytes[b] = (byte)((s[0] ? 1 : 0) | (s[1] ? 2 : 0) | (s[2] ? 4 : 0) | (s[3] ? 8 : 0) |
                              (s[4] ? 16 : 0) | (s[5] ? 32 : 0) | (s[6] ? 64 : 0) | (s[7] ? 128 : 0));
        }
        for (var i = full * 8; i < length; i++)
        {
            if (bits[i])
            {
                bytes[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
        return new ArrowBuffer(bytes);
    }

    /// <summary>Wraps a filled value buffer and validity as a primitive array of <paramref name="type"/>.</summary>
    public static IArrowArray Primitive(IArrowType type, byte[] values, bool[]? validity, int length)
    {
        var bitmap = PackValidity(validity, length, out var nullCount);
        return ArrowArrayFactory.BuildArray(new ArrayData(type, length, nullCount, 0, [bitmap, new ArrowBuffer(values)]));
    }

    public static IArrowArray Primitive<T>(IArrowType type, T[] values, bool[]? validity)
        where T : struct
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        return Primitive(type, bytes, validity, values.Length);
    }

    public static BooleanArray Booleans(bool[] values, bool[]? validity)
    {
        var bitmap = PackValidity(validity, values.Length, out var nullCount);
        return new BooleanArray(PackBits(values, values.Length), bitmap, values.Length, nullCount, 0);
    }
}
