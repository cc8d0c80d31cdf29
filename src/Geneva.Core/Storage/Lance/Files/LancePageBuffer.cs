using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Apache.Arrow;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// One column's rows not yet written: the values as they will be encoded (fixed: RowBytes per row;
/// bool: packed bits; variable: data bytes plus 32-bit offsets), and definition levels (u16, 0 valid,
/// 1 null) once the page has seen a null. Reused page after page.
/// </summary>
internal sealed class LancePageBuffer : ILancePageBuffer
{
    public LancePageBuffer(LanceLeafType type, string column)
    {
        Type = type;
        Column = column;
        if (type.Kind == LanceLeafKind.Variable)
        {
            Offsets.AppendInt32(0);
        }
    }

    public LanceLeafType Type { get; }

    public string Column { get; }

    public int Count { get; private set; }

    public int NullCount { get; private set; }

    /// <summary>The longest variable-width value in the page (decides mini-block or full-zip).</summary>
    public int MaxValueLength { get; private set; }

    public LanceByteBuffer Values { get; } = new();

    /// <summary>Variable width: Count + 1 little-endian int32 offsets into <see cref="Values"/>, the first 0.</summary>
    public LanceByteBuffer Offsets { get; } = new();

    /// <summary>Count u16 levels once <see cref="HasDefinitions"/>; empty before.</summary>
    public LanceByteBuffer Definitions { get; } = new();

    public bool HasDefinitions { get; private set; }

    public long ByteSize => (long)Values.Length + Offsets.Length + Definitions.Length;

    public ReadOnlySpan<int> OffsetSpan => MemoryMarshal.Cast<byte, int>(Offsets.Span);

    public ReadOnlySpan<ushort> DefinitionSpan => MemoryMarshal.Cast<byte, ushort>(Definitions.Span);

    public void Clear()
    {
        Count = 0;
        NullCount = 0;
        MaxValueLength = 0;
        Values.Clear();
        Offsets.Clear();
        Definitions.Clear();
        HasDefinitions = false;
        if (Type.Kind == LanceLeafKind.Variable)
        {
            Offsets.AppendInt32(0);
        }
    }

    /// <summary>How many rows from <paramref name="start"/> fit in <paramref name="budget"/> bytes (at least 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int RowsThatFit(IArrowArray array, int start, int maxRows, long budget)
    {
        if (budget <= 0)
        {
            return Math.Min(1, maxRows);
        }
        switch (Type.Kind)
        {
            case LanceLeafKind.Fixed:
                return (int)Math.Clamp(budget / (Type.RowBytes + 2), 1, maxRows);
            case LanceLeafKind.Bool:
                return (int)Math.Clamp(budget * 8 / 17, 1, maxRows);
            default:
                return LancePageBudget.VariableRowsThatFit(array, start, maxRows, budget, 6);
        }
    }

    /// <summary>Appends rows [start, start + count) of <paramref name="array"/> (indexes relative to the array, which may be a slice).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(IArrowArray array, int start, int count)
    {
        var data = array.Data;
        var validity = array.NullCount == 0 ? ReadOnlySpan<byte>.Empty : data.Buffers[0].Span;
        var first = data.Offset + start;
        var nulls = validity.IsEmpty ? 0 : count - LanceBits.CountSet(validity, first, count);
        if (nulls > 0 && !HasDefinitions)
        {
            HasDefinitions = true;
            Definitions.Grow(Count * 2).Clear();
        }
        if (HasDefinitions)
        {
            var defs = MemoryMarshal.Cast<byte, ushort>(Definitions.Grow(count * 2));
            if (nulls == 0)
            {
                defs.Clear();
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    defs[i] = (ushort)(((validity[(first + i) >> 3] >> ((first + i) & 7)) & 1) ^ 1);
                }
            }
        }
        switch (Type.Kind)
        {
            case LanceLeafKind.Fixed:
                LanceFixedWidthRows.Append(Values, Type, Column, data, first, count, validity);
                break;
            case LanceLeafKind.Bool:
                AppendBits(data.Buffers[1].Span, first, count);
                break;
            default:
                AppendVariable(data, first, count, validity);
                break;
        }
        Count += count;
        NullCount += nulls;
    }

    private void AppendBits(ReadOnlySpan<byte> source, int first, int count)
    {
        var destBit = Count;
        var needed = ((destBit + count + 7) >> 3) - Values.Length;
        if (needed > 0)
        {
            Values.Grow(needed).Clear();
        }
        LanceBits.Copy(source, first, Values.Span, destBit, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AppendVariable(ArrayData data, int first, int count, ReadOnlySpan<byte> validity)
    {
        var sourceOffsets = MemoryMarshal.Cast<byte, int>(data.Buffers[1].Span).Slice(first, count + 1);
        var bytes = data.Buffers[2].Span;
        var destOffsets = MemoryMarshal.Cast<byte, int>(Offsets.Grow(count * 4));
        var end = MemoryMarshal.Cast<byte, int>(Offsets.Span)[Count];
        var max = MaxValueLength;
        if (validity.IsEmpty)
        {
            // One copy of the whole run of values; offsets shift by a constant.
            var from = sourceOffsets[0];
            var length = sourceOffsets[count] - from;
            Values.Append(bytes.Slice(from, length));
            var shift = end - from;
            for (var i = 0; i < count; i++)
            {
                var next = sourceOffsets[i + 1];
                var len = next - sourceOffsets[i];
                if (len > max)
                {
                    max = len;
                }
                destOffsets[i] = next + shift;
            }
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                var r = first + i;
                if (((validity[r >> 3] >> (r & 7)) & 1) != 0)
                {
                    var len = sourceOffsets[i + 1] - sourceOffsets[i];
                    Values.Append(bytes.Slice(sourceOffsets[i], len));
                    end += len;
                    if (len > max)
                    {
                        max = len;
                    }
                }
                destOffsets[i] = end;
            }
        }
        MaxValueLength = max;
    }
}
