using System.Runtime.InteropServices;
using Apache.Arrow;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// One column's rows not yet written, in the shape a 2.0 page stores them: the values (fixed: RowBytes
/// per row; bool: packed bits; variable: the bytes of the valid rows), for variable width the u64 end
/// offset of every row (a null row adds no bytes), and a validity bitmap (1 = valid) once the page has
/// seen a null. Reused page after page.
/// </summary>
internal sealed class Lance20PageBuffer : ILancePageBuffer
{
    public Lance20PageBuffer(LanceLeafType type, string column)
    {
        Type = type;
        Column = column;
    }

    public LanceLeafType Type { get; }

    public string Column { get; }

    public int Count { get; private set; }

    public int NullCount { get; private set; }

    public LanceByteBuffer Values { get; } = new();

    /// <summary>Variable width: Count little-endian u64 end offsets into <see cref="Values"/> (no leading 0).</summary>
    public LanceByteBuffer Ends { get; } = new();

    /// <summary>ceil(Count / 8) bytes of validity bits once <see cref="HasNulls"/>; empty before.</summary>
    public LanceByteBuffer Validity { get; } = new();

    public bool HasNulls => NullCount > 0;

    public long ByteSize => (long)Values.Length + Ends.Length + Validity.Length;

    public ReadOnlySpan<ulong> EndSpan => MemoryMarshal.Cast<byte, ulong>(Ends.Span);

    public void Clear()
    {
        Count = 0;
        NullCount = 0;
        Values.Clear();
        Ends.Clear();
        Validity.Clear();
    }

    /// <summary>How many rows from <paramref name="start"/> fit in <paramref name="budget"/> bytes (at least 1).</summary>
    public int RowsThatFit(IArrowArray array, int start, int maxRows, long budget)
    {
        if (budget <= 0)
        {
            return Math.Min(1, maxRows);
        }
        switch (Type.Kind)
        {
            case LanceLeafKind.Fixed:
                return (int)Math.Clamp(budget * 8 / (8L * Type.RowBytes + 1), 1, maxRows);
            case LanceLeafKind.Bool:
                return (int)Math.Clamp(budget * 4, 1, maxRows);
            default:
                // 8 bytes of end offset and a validity bit a row, plus the values.
                return LancePageBudget.VariableRowsThatFit(array, start, maxRows, budget, 9);
        }
    }

    /// <summary>Appends rows [start, start + count) of <paramref name="array"/> (indexes relative to the array, which may be a slice).</summary>
    public void Append(IArrowArray array, int start, int count)
    {
        var data = array.Data;
        var validity = array.NullCount == 0 ? ReadOnlySpan<byte>.Empty : data.Buffers[0].Span;
        var first = data.Offset + start;
        var nulls = validity.IsEmpty ? 0 : count - LanceBits.CountSet(validity, first, count);
        if (nulls > 0 && NullCount == 0)
        {
            // The first null: every row before it was valid.
            Validity.Clear();
            Validity.Grow((Count + 7) >> 3).Fill(0xFF);
        }
        if (NullCount > 0 || nulls > 0)
        {
            var needed = ((Count + count + 7) >> 3) - Validity.Length;
            if (needed > 0)
            {
                Validity.Grow(needed).Clear();
            }
            if (nulls == 0)
            {
                SetBits(Validity.Span, Count, count);
            }
            else
            {
                LanceBits.Copy(validity, first, Validity.Span, Count, count);
            }
        }
        switch (Type.Kind)
        {
            case LanceLeafKind.Fixed:
                LanceFixedWidthRows.Append(Values, Type, Column, data, first, count, validity);
                break;
            case LanceLeafKind.Bool:
                var bytesNeeded = ((Count + count + 7) >> 3) - Values.Length;
                if (bytesNeeded > 0)
                {
                    Values.Grow(bytesNeeded).Clear();
                }
                LanceBits.Copy(data.Buffers[1].Span, first, Values.Span, Count, count);
                break;
            default:
                AppendVariable(data, first, count, validity);
                break;
        }
        Count += count;
        NullCount += nulls;
    }

    private void AppendVariable(ArrayData data, int first, int count, ReadOnlySpan<byte> validity)
    {
        var sourceOffsets = MemoryMarshal.Cast<byte, int>(data.Buffers[1].Span).Slice(first, count + 1);
        var bytes = data.Buffers[2].Span;
        var ends = MemoryMarshal.Cast<byte, ulong>(Ends.Grow(count * 8));
        var end = (ulong)Values.Length;
        if (validity.IsEmpty)
        {
            // One copy of the whole run of values; the ends shift by a constant.
            var from = sourceOffsets[0];
            Values.Append(bytes.Slice(from, sourceOffsets[count] - from));
            var shift = end - (ulong)from;
            for (var i = 0; i < count; i++)
            {
                ends[i] = (ulong)sourceOffsets[i + 1] + shift;
            }
            return;
        }
        for (var i = 0; i < count; i++)
        {
            if (LanceBits.Get(validity, first + i))
            {
                var length = sourceOffsets[i + 1] - sourceOffsets[i];
                Values.Append(bytes.Slice(sourceOffsets[i], length));
                end += (ulong)length;
            }
            ends[i] = end;
        }
    }

    private static void SetBits(Span<byte> bits, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            bits[i >> 3] |= (byte)(1 << (i & 7));
        }
    }
}
