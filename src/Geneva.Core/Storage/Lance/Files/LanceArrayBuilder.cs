using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Collects the rows a read (2.0 or 2.1) decodes, page by page and chunk by chunk, straight into the
/// buffers of the Arrow array it returns (no per-value objects). Rows arrive in order. A fixed_size_list
/// keeps its item validity when the file has one (LanceDB writes it in 2.0 when a vector holds a null item).
/// </summary>
internal sealed class LanceArrayBuilder
{
    private readonly LanceLeafType _type;
    private readonly int _length;
    private readonly byte[] _values;      // fixed: RowBytes * length; bool: bits
    private readonly byte[] _offsetBytes;  // variable: length + 1 int32 offsets
    private byte[] _data;                 // variable bytes
    private int _dataLength;
    private byte[]? _validity;            // allocated at the first null, all valid before
    private int _nullCount;
    private byte[]? _itemValidity;        // fixed_size_list: allocated at the first null item
    private int _itemNullCount;

    public LanceArrayBuilder(LanceLeafType type, int length, long variableBytesHint)
    {
        _type = type;
        _length = length;
        switch (type.Kind)
        {
            case LanceLeafKind.Fixed:
                _values = GC.AllocateUninitializedArray<byte>(checked(type.RowBytes * length));
                _offsetBytes = [];
                _data = [];
                break;
            case LanceLeafKind.Bool:
                _values = new byte[(length + 7) >> 3];
                _offsetBytes = [];
                _data = [];
                break;
            default:
                _values = [];
                _offsetBytes = GC.AllocateUninitializedArray<byte>(checked((length + 1) * 4));
                Offsets[0] = 0;
                _data = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(variableBytesHint, 0, System.Array.MaxLength));
                break;
        }
    }

    private Span<int> Offsets => MemoryMarshal.Cast<byte, int>(_offsetBytes.AsSpan());

    /// <summary>Rows written so far.</summary>
    public int Position { get; private set; }

    /// <summary>The destination of the next <paramref name="rows"/> fixed-width rows; call <see cref="Advance"/> after filling it.</summary>
    public Span<byte> FixedDestination(int rows) => _values.AsSpan(Position * _type.RowBytes, rows * _type.RowBytes);

    /// <summary>Marks rows Position + i null where <paramref name="levels"/>[i] is not 0 (before <see cref="Advance"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ApplyDefinitions(ReadOnlySpan<ushort> levels)
    {
        // Vectorised search for the next null: most pages hold few.
        var i = 0;
        while (i < levels.Length)
        {
            var next = levels[i..].IndexOfAnyExcept((ushort)0);
            if (next < 0)
            {
                break;
            }
            i += next;
            SetNull(Position + i);
            i++;
        }
    }

    /// <summary>Marks row Position + <paramref name="i"/> null (before <see cref="Advance"/>).</summary>
    public void SetNullAt(int i) => SetNull(Position + i);

    /// <summary>Takes the validity of the next <paramref name="rows"/> rows from <paramref name="bits"/> at bit <paramref name="bit"/> (before <see cref="Advance"/>).</summary>
    public void ApplyValidity(ReadOnlySpan<byte> bits, int bit, int rows)
    {
        for (var i = 0; i < rows; i++)
        {
            if (!LanceBits.Get(bits, bit + i))
            {
                SetNull(Position + i);
            }
        }
    }

    /// <summary>Takes the item validity of the next <paramref name="rows"/> fixed_size_list rows (before <see cref="Advance"/>).</summary>
    public void ApplyItemValidity(ReadOnlySpan<byte> bits, int bit, int rows)
    {
        var items = rows * _type.Dimension;
        var first = Position * _type.Dimension;
        for (var i = 0; i < items; i++)
        {
            if (!LanceBits.Get(bits, bit + i))
            {
                SetNull(ref _itemValidity, ref _itemNullCount, _length * _type.Dimension, first + i);
            }
        }
    }

    /// <summary>
    /// Takes the item validity of the <paramref name="rows"/> fixed_size_list rows that start at row Position +
    /// <paramref name="firstRow"/> from <paramref name="bits"/> at bit <paramref name="bit"/> (before <see cref="Advance"/>);
    /// whole bytes of valid items are skipped.
    /// </summary>
    public void ApplyItemValidity(ReadOnlySpan<byte> bits, int bit, int rows, int firstRow)
    {
        var items = rows * _type.Dimension;
        var first = (Position + firstRow) * _type.Dimension;
        for (var i = 0; i < items; i++)
        {
            if ((bit + i & 7) == 0 && i + 8 <= items && bits[(bit + i) >> 3] == 0xFF)
            {
                i += 7;
                continue;
            }
            if (!LanceBits.Get(bits, bit + i))
            {
                SetNull(ref _itemValidity, ref _itemNullCount, _length * _type.Dimension, first + i);
            }
        }
    }

    public void Advance(int rows)
    {
        if (_type.Kind == LanceLeafKind.Variable)
        {
            throw new InvalidOperationException("Variable rows advance through AppendVariable.");
        }
        Position += rows;
    }

    /// <summary>Appends <paramref name="rows"/> null rows.</summary>
    public void AppendNulls(int rows)
    {
        switch (_type.Kind)
        {
            case LanceLeafKind.Fixed:
                FixedDestination(rows).Clear();
                break;
            case LanceLeafKind.Variable:
                Offsets.Slice(Position + 1, rows).Fill(_dataLength);
                break;
        }
        for (var i = 0; i < rows; i++)
        {
            SetNull(Position + i);
        }
        Position += rows;
    }

    /// <summary>Copies <paramref name="rows"/> bits starting at bit <paramref name="sourceBit"/>.</summary>
    public void AppendBits(ReadOnlySpan<byte> source, int sourceBit, int rows)
    {
        LanceBits.Copy(source, sourceBit, _values, Position, rows);
        Position += rows;
    }

    /// <summary>
    /// Appends rows whose values are <paramref name="bytes"/>[offsets[i] - offsets[0] .. offsets[i + 1] - offsets[0]):
    /// one copy of the bytes, offsets shifted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AppendVariable(ReadOnlySpan<uint> offsets, ReadOnlySpan<byte> bytes)
    {
        var rows = offsets.Length - 1;
        var total = (int)(offsets[rows] - offsets[0]);
        var dest = ReserveData(total);
        bytes[..total].CopyTo(dest);
        var shift = _dataLength - (int)offsets[0];
        var destOffsets = Offsets.Slice(Position + 1, rows);
        for (var i = 0; i < rows; i++)
        {
            destOffsets[i] = (int)offsets[i + 1] + shift;
        }
        _dataLength += total;
        Position += rows;
    }

    /// <summary>Appends one variable-width row: its bytes, or null.</summary>
    public void AppendValue(ReadOnlySpan<byte> value, bool valid = true)
    {
        if (valid)
        {
            value.CopyTo(ReserveData(value.Length));
            _dataLength += value.Length;
        }
        else
        {
            SetNull(Position);
        }
        Offsets[Position + 1] = _dataLength;
        Position++;
    }

    /// <summary>
    /// Appends rows whose bytes were copied to <see cref="ReserveData"/>: row i ends <paramref name="ends"/>[i] bytes
    /// into them; <paramref name="valid"/>[i] false makes it null (its bytes, if any, stay as Arrow allows).
    /// </summary>
    public void AppendEnds(ReadOnlySpan<long> ends, ReadOnlySpan<bool> valid, int bytes)
    {
        var offsets = Offsets.Slice(Position + 1, ends.Length);
        for (var i = 0; i < ends.Length; i++)
        {
            offsets[i] = _dataLength + (int)ends[i];
            if (!valid[i])
            {
                SetNull(Position + i);
            }
        }
        _dataLength += bytes;
        Position += ends.Length;
    }

    /// <summary>Bytes of variable-width values written so far (where the next row's bytes start).</summary>
    public int DataLength => _dataLength;

    /// <summary>
    /// The end offsets of the next <paramref name="rows"/> variable-width rows, for a decoder to fill with
    /// <see cref="DataLength"/> plus the bytes it wrote to <see cref="ReserveData"/>; then <see cref="AdvanceVariable"/>.
    /// </summary>
    public Span<int> VariableEnds(int rows) => Offsets.Slice(Position + 1, rows);

    /// <summary>The offsets of the next <paramref name="rows"/> variable-width rows, their start (already <see cref="DataLength"/>) included.</summary>
    public Span<int> VariableOffsets(int rows) => Offsets.Slice(Position, rows + 1);

    /// <summary>Commits <paramref name="rows"/> rows filled through <see cref="VariableEnds"/> and <paramref name="bytes"/> bytes of <see cref="ReserveData"/>.</summary>
    public void AdvanceVariable(int rows, int bytes)
    {
        _dataLength += bytes;
        Position += rows;
    }

    /// <summary>Room for <paramref name="count"/> more bytes of variable-width values, filled by the caller, then <see cref="AppendEnds"/>.</summary>
    public Span<byte> ReserveData(int count)
    {
        var needed = (long)_dataLength + count;
        if (needed > _data.Length)
        {
            if (needed > int.MaxValue)
            {
                throw new GenevaException(GenevaErrorCode.InvalidArgument,
                    "A read of a utf8/binary column would exceed 2 GiB of values; read fewer rows at a time.");
            }
            var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(System.Array.MaxLength, Math.Max(needed, 2L * _data.Length)));
            _data.AsSpan(0, _dataLength).CopyTo(bigger);
            _data = bigger;
        }
        return _data.AsSpan(_dataLength, count);
    }

    private void SetNull(int row) => SetNull(ref _validity, ref _nullCount, _length, row);

    private static void SetNull(ref byte[]? validity, ref int nullCount, int length, int index)
    {
        if (validity is null)
        {
            validity = GC.AllocateUninitializedArray<byte>((length + 7) >> 3);
            validity.AsSpan().Fill(0xFF);
        }
        validity[index >> 3] &= (byte)~(1 << (index & 7));
        nullCount++;
    }

    /// <summary>large_utf8/large_binary: the int32 offsets widened to Arrow's int64 (the values stay under 2 GiB a read).</summary>
    private ArrowBuffer LargeOffsets()
    {
        var offsets = Offsets;
        var large = GC.AllocateUninitializedArray<byte>(offsets.Length * 8);
        var wide = MemoryMarshal.Cast<byte, long>(large.AsSpan());
        for (var i = 0; i < offsets.Length; i++)
        {
            wide[i] = offsets[i];
        }
        return new ArrowBuffer(large);
    }

    /// <summary>The Arrow array of the rows (all <c>length</c> of them must have been written); the caller owns it.</summary>
    public IArrowArray Build()
    {
        if (Position != _length)
        {
            throw new InvalidOperationException($"The read produced {Position} rows of {_length}.");
        }
        var validity = _validity is null ? ArrowBuffer.Empty : new ArrowBuffer(_validity);
        ArrayData data;
        switch (_type.Kind)
        {
            case LanceLeafKind.Variable:
                data = new ArrayData(_type.ArrowType, _length, _nullCount, 0,
                    [validity, _type.ArrowType is LargeStringType or LargeBinaryType ? LargeOffsets() : new ArrowBuffer(_offsetBytes),
                     new ArrowBuffer(_data.AsMemory(0, _dataLength))]);
                break;
            case LanceLeafKind.Fixed when _type.ArrowType is FixedSizeListType fsl:
                var itemValidity = _itemValidity is null ? ArrowBuffer.Empty : new ArrowBuffer(_itemValidity);
                var child = new ArrayData(fsl.ValueDataType, _length * _type.Dimension, _itemNullCount, 0, [itemValidity, new ArrowBuffer(_values)]);
                data = new ArrayData(_type.ArrowType, _length, _nullCount, 0, [validity], [child]);
                break;
            default:
                data = new ArrayData(_type.ArrowType, _length, _nullCount, 0, [validity, new ArrowBuffer(_values)]);
                break;
        }
        return ArrowArrayFactory.BuildArray(data);
    }
}
