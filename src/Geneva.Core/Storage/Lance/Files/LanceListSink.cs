using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>The list level of a list&lt;T&gt; read: row offsets into the items, and which rows are null.</summary>
internal sealed class LanceListSink
{
    private readonly ListType _type;
    private readonly int _rows;
    private readonly int[] _offsets;
    private byte[]? _validity;
    private int _nullCount;
    private int _row = -1;
    private int _items;

    public LanceListSink(ListType type, int rows)
    {
        _type = type;
        _rows = rows;
        _offsets = new int[rows + 1];
    }

    public void StartRow()
    {
        _row++;
        _offsets[_row] = _items;
    }

    public void AddItem() => _items++;

    /// <summary>Adds <paramref name="count"/> items to the current row.</summary>
    public void AddItems(int count) => _items += count;

    public void SetRowNull()
    {
        if (_validity is null)
        {
            _validity = new byte[(_rows + 7) >> 3];
            _validity.AsSpan().Fill(0xFF);
        }
        _validity[_row >> 3] &= (byte)~(1 << (_row & 7));
        _nullCount++;
    }

    public IArrowArray Build(IArrowArray items)
    {
        if (_row + 1 != _rows || _items != items.Length)
        {
            throw new InvalidOperationException($"The list read produced {_row + 1} rows of {_rows} and {_items} items of {items.Length}.");
        }
        _offsets[_rows] = _items;
        var offsets = new byte[(_rows + 1) * 4];
        Buffer.BlockCopy(_offsets, 0, offsets, 0, offsets.Length);
        var data = new ArrayData(_type, _rows, _nullCount, 0,
            [_validity is null ? ArrowBuffer.Empty : new ArrowBuffer(_validity), new ArrowBuffer(offsets)], [items.Data]);
        return ArrowArrayFactory.BuildArray(data);
    }
}
