using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// String functions over Arrow utf8/binary buffers. They read offsets and bytes directly;
/// only case mapping of non-ASCII text decodes to .NET strings.
/// </summary>
internal static class StringKernels
{
    /// <summary>Unicode characters (code points) of utf8, or bytes; int32 like DataFusion.</summary>
    public static ValueVector Length(ValueVector text, bool characters)
    {
        var n = text.Length;
        if (text.IsNullScalar)
        {
            return ValueVector.NullOf(ValueKind.Int, n);
        }
        var countChars = characters && text.Kind == ValueKind.Utf8;
        if (text.IsScalar)
        {
            return ValueVector.Of((long)(countChars ? CountCodePoints(text.ScalarBytes) : text.ScalarBytes.Length), n);
        }
        if (n == 0)
        {
            return ValueVector.FromArrow(new Int32Array.Builder().Build(), owned: true);
        }
        var strings = text.Strings;
        var offsets = strings.ValueOffsets;
        var data = strings.ValueBuffer.Span;
        var bytes = new byte[n * sizeof(int)];
        var lengths = MemoryMarshal.Cast<byte, int>(bytes.AsSpan());
        if (!countChars)
        {
            for (var i = 0; i < n; i++)
            {
                lengths[i] = offsets[i + 1] - offsets[i];
            }
        }
        else
        {
            // Chunks of rows whose bytes are all ASCII (one vectorized scan) take offset deltas;
            // other chunks subtract continuation bytes per row, counted 8 bytes at a time.
            const int chunk = 256;
            for (var start = 0; start < n; start += chunk)
            {
                var end = Math.Min(n, start + chunk);
                var ascii = System.Text.Ascii.IsValid(data[offsets[start]..offsets[end]]);
                for (var i = start; i < end; i++)
                {
                    var length = offsets[i + 1] - offsets[i];
                    lengths[i] = ascii ? length : length - CountContinuationBytes(data, offsets[i], length);
                }
            }
        }
        var validity = text.Validity();
        return ValueVector.FromArrow(ArrowBits.Primitive(Int32Type.Default, bytes, validity, n), owned: true);
    }

    /// <summary>Code points in UTF-8: every byte that is not a continuation byte (10xxxxxx) starts one.</summary>
    public static int CountCodePoints(ReadOnlySpan<byte> utf8) => utf8.Length - CountContinuationBytes(utf8, 0, utf8.Length);

    /// <summary>
    /// Bytes of the form 10xxxxxx in data[start..start+length]: 32 at a time with 256-bit vectors where the
    /// machine has them (a 20-60 character row is one or two loads; 10M such rows 0.3 s -> see bench/README.md),
    /// else eight at a time. A short tail is read as one masked load when the buffer extends past it, so
    /// short rows cost one load and no loop.
    /// </summary>
    public static int CountContinuationBytes(ReadOnlySpan<byte> data, int start, int length)
    {
        var count = 0;
        var i = start;
        var end = start + length;
        ref var origin = ref MemoryMarshal.GetReference(data);
        if (Vector256.IsHardwareAccelerated)
        {
            // As signed bytes, 0x80..0xBF (continuation) are exactly the values below -64 (0xC0).
            var below = Vector256.Create((sbyte)-64);
            ref var signed = ref Unsafe.As<byte, sbyte>(ref origin);
            for (; i + 32 <= end; i += 32)
            {
                var bits = Vector256.LessThan(Vector256.LoadUnsafe(ref signed, (nuint)i), below).ExtractMostSignificantBits();
                count += BitOperations.PopCount(bits);
            }
            var tail = end - i;
            if (tail == 0)
            {
                return count;
            }
            if (i + 32 <= data.Length)
            {
                var bits = Vector256.LessThan(Vector256.LoadUnsafe(ref signed, (nuint)i), below).ExtractMostSignificantBits();
                return count + BitOperations.PopCount(bits & ((1u << tail) - 1));
            }
        }
        const ulong high = 0x8080808080808080UL;
        for (; i + 8 <= end; i += 8)
        {
            var x = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref origin, i));
            count += BitOperations.PopCount(x & ~(x << 1) & high);
        }
        var rest = end - i;
        if (rest == 0)
        {
            return count;
        }
        if (BitConverter.IsLittleEndian && i + 8 <= data.Length)
        {
            var x = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref origin, i)) & ((1UL << (rest * 8)) - 1);
            return count + BitOperations.PopCount(x & ~(x << 1) & high);
        }
        for (; i < end; i++)
        {
            count += (data[i] & 0xC0) == 0x80 ? 1 : 0;
        }
        return count;
    }

    public static ValueVector ChangeCase(ValueVector text, bool upper)
    {
        var n = text.Length;
        if (text.IsNullScalar)
        {
            return ValueVector.NullOf(ValueKind.Utf8, n);
        }
        if (text.IsScalar)
        {
            var s = Encoding.UTF8.GetString(text.ScalarBytes);
            return ValueVector.OfBytes(ValueKind.Utf8,
                Encoding.UTF8.GetBytes(upper ? s.ToUpperInvariant() : s.ToLowerInvariant()), n);
        }
        if (n == 0)
        {
            return ValueVector.FromArrow(new StringArray.Builder().Build(), owned: true);
        }
        var strings = text.Strings;
        var offsets = strings.ValueOffsets;
        var data = strings.ValueBuffer.Span;
        var all = data[offsets[0]..offsets[n]];
        if (System.Text.Ascii.IsValid(all))
        {
            // ASCII: map the whole buffer in one call and keep the row boundaries.
            var mapped = new byte[all.Length];
            if (upper)
            {
                System.Text.Ascii.ToUpper(all, mapped, out _);
            }
            else
            {
                System.Text.Ascii.ToLower(all, mapped, out _);
            }
            var rebased = new int[n + 1];
            for (var i = 0; i <= n; i++)
            {
                rebased[i] = offsets[i] - offsets[0];
            }
            var bitmap = ArrowBits.PackValidity(text.Validity(), n, out var nullCount);
            return ValueVector.FromArrow(new StringArray(n, new ArrowBuffer(MemoryMarshal.AsBytes(rebased.AsSpan()).ToArray()),
                new ArrowBuffer(mapped), bitmap, nullCount, 0), owned: true);
        }
        var validity = text.Validity();
        var builder = new Utf8ArrayBuilder(n, all.Length);
        for (var i = 0; i < n; i++)
        {
            if (validity is not null && !validity[i])
            {
                builder.AppendNull();
                continue;
            }
            var s = Encoding.UTF8.GetString(data[offsets[i]..offsets[i + 1]]);
            builder.Append(Encoding.UTF8.GetBytes(upper ? s.ToUpperInvariant() : s.ToLowerInvariant()));
        }
        return ValueVector.FromArrow(builder.Build(ValueKind.Utf8), owned: true);
    }

    public static ValueVector StartsOrEndsWith(ValueVector text, ValueVector affix, bool starts)
    {
        var n = text.Length;
        if (text.IsNullScalar || affix.IsNullScalar)
        {
            return ValueVector.NullOf(ValueKind.Bool, n);
        }
        var a = new StringColumn(text);
        var b = new StringColumn(affix);
        var result = new bool[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = starts ? a[i].StartsWith(b[i]) : a[i].EndsWith(b[i]);
        }
        return ValueVector.Bools(result, LogicKernels.AndValidity(text.Validity(), affix.Validity(), n));
    }

    public static ValueVector Like(ValueVector text, ValueVector pattern)
    {
        var n = text.Length;
        if (text.IsNullScalar || pattern.IsNullScalar)
        {
            return ValueVector.NullOf(ValueKind.Bool, n);
        }
        var a = new StringColumn(text);
        var result = new bool[n];
        if (pattern.IsScalar)
        {
            var compiled = LikePattern.Compile(pattern.ScalarBytes);
            for (var i = 0; i < n; i++)
            {
                result[i] = compiled.IsMatch(a[i]);
            }
        }
        else
        {
            var b = new StringColumn(pattern);
            for (var i = 0; i < n; i++)
            {
                result[i] = LikePattern.Compile(b[i]).IsMatch(a[i]);
            }
        }
        return ValueVector.Bools(result, LogicKernels.AndValidity(text.Validity(), pattern.Validity(), n));
    }

    /// <summary>
    /// 1-based character positions like PostgreSQL: the window [start, start+count) is clipped
    /// to the string, so substr('abc', 0, 2) is 'a'. A negative count is an error.
    /// </summary>
    public static ValueVector Substring(ValueVector text, ValueVector start, ValueVector? count)
    {
        var n = text.Length;
        if (text.IsNullScalar || start.IsNullScalar || count is { IsNullScalar: true })
        {
            return ValueVector.NullOf(ValueKind.Utf8, n);
        }
        var validity = LogicKernels.AndValidity(LogicKernels.AndValidity(text.Validity(), start.Validity(), n), count?.Validity(), n);
        var a = new StringColumn(text);
        var starts = start.GetInts();
        var counts = count?.GetInts();
        var builder = new Utf8ArrayBuilder(n, text.IsScalar ? text.ScalarBytes.Length * n : text.Strings.ValueBuffer.Length);
        for (var i = 0; i < n; i++)
        {
            if (validity is not null && !validity[i])
            {
                builder.AppendNull();
                continue;
            }
            var from = starts[i];
            var to = long.MaxValue;
            if (counts is not null)
            {
                if (counts[i] < 0)
                {
                    throw new GenevaException(GenevaErrorCode.ExpressionInvalid,
                        $"substr length at row {i} is negative ({counts[i]}).", i);
                }
                to = from > long.MaxValue - counts[i] ? long.MaxValue : from + counts[i];
            }
            var value = a[i];
            var first = ByteIndexOfChar(value, Math.Max(from, 1) - 1);
            var last = to == long.MaxValue ? value.Length : ByteIndexOfChar(value, Math.Max(to, 1) - 1);
            builder.Append(last > first ? value[first..last] : []);
        }
        return ValueVector.FromArrow(builder.Build(ValueKind.Utf8), owned: true);
    }

    private static int ByteIndexOfChar(ReadOnlySpan<byte> utf8, long charIndex)
    {
        var seen = -1L;
        for (var i = 0; i < utf8.Length; i++)
        {
            if ((utf8[i] & 0xC0) != 0x80 && ++seen == charIndex)
            {
                return i;
            }
        }
        return utf8.Length;
    }

    /// <summary>Concatenation that skips nulls (PostgreSQL and DataFusion), so the result is never null.</summary>
    public static ValueVector Concat(ValueVector[] args)
    {
        var n = args[0].Length;
        var parts = args.Select(a => CastKernels.ToUtf8(a)).ToArray();
        var validities = parts.Select(p => p.Validity()).ToArray();
        var builder = new Utf8ArrayBuilder(n, 16 * n);
        for (var i = 0; i < n; i++)
        {
            var total = 0;
            for (var k = 0; k < parts.Length; k++)
            {
                if (validities[k] is not { } v || v[i])
                {
                    total += new StringColumn(parts[k])[i].Length;
                }
            }
            var target = builder.Reserve(total);
            var at = 0;
            for (var k = 0; k < parts.Length; k++)
            {
                if (validities[k] is not { } v || v[i])
                {
                    var piece = new StringColumn(parts[k])[i];
                    piece.CopyTo(target[at..]);
                    at += piece.Length;
                }
            }
            builder.Commit(total);
        }
        return ValueVector.FromArrow(builder.Build(ValueKind.Utf8), owned: true);
    }
}
