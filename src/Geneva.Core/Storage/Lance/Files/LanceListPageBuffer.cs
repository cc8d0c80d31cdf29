using System.Runtime.InteropServices;
using Apache.Arrow;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>What one level entry of a list column is, before the page decides its definition level numbers.</summary>
internal enum LanceListEntry : byte
{
    ValidItem = 0,
    NullItem = 1,
    NullList = 2,
    EmptyList = 3,
}

/// <summary>
/// One page of a list&lt;T&gt; column not yet written: the items (in an inner <see cref="LancePageBuffer"/>),
/// and per level entry (every item, plus one for each null or empty list) whether it starts a row
/// and what it is. Repetition is one list level: an entry starting a row has rep 1, the rest 0.
/// </summary>
internal sealed class LanceListPageBuffer : ILancePageBuffer
{
    /// <summary>Rows per slice appended before checking the page size (a page may pass its budget by one slice).</summary>
    private const int SliceRows = 1024;

    public LanceListPageBuffer(LanceLeafType itemType, string column)
    {
        Items = new LancePageBuffer(itemType, column);
        Column = column;
    }

    public string Column { get; }

    public LancePageBuffer Items { get; }

    /// <summary>One byte a level entry: <see cref="LanceListEntry"/>, plus 0x80 when the entry starts a row.</summary>
    public LanceByteBuffer Entries { get; } = new();

    public int Rows { get; private set; }

    public bool HasNullLists { get; private set; }

    public bool HasEmptyLists { get; private set; }

    public long ByteSize => Items.ByteSize + Entries.Length;

    public void Clear()
    {
        Items.Clear();
        Entries.Clear();
        Rows = 0;
        HasNullLists = false;
        HasEmptyLists = false;
    }

    private static int SliceFor(int remaining) => Math.Min(SliceRows, remaining);

    /// <summary>A slice of lists whatever the budget: a list's items are not known before it is appended.</summary>
    public int RowsThatFit(IArrowArray array, int start, int maxRows, long budget) => SliceFor(maxRows);

    /// <summary>Appends rows [start, start + count) of the list array.</summary>
    public void Append(IArrowArray array, int start, int count)
    {
        var data = array.Data;
        var validity = array.NullCount == 0 ? ReadOnlySpan<byte>.Empty : data.Buffers[0].Span;
        var offsets = MemoryMarshal.Cast<byte, int>(data.Buffers[1].Span).Slice(data.Offset + start, count + 1);
        var child = ArrowArrayFactory.BuildArray(data.Children[0]);
        var childValidity = child.NullCount == 0 ? ReadOnlySpan<byte>.Empty : child.Data.Buffers[0].Span;
        var runStart = -1;
        var runEnd = -1;
        for (var i = 0; i < count; i++)
        {
            var r = data.Offset + start + i;
            var from = offsets[i];
            var to = offsets[i + 1];
            if (!validity.IsEmpty && !LanceBits.Get(validity, r))
            {
                Entries.Grow(1)[0] = (byte)(0x80 | (byte)LanceListEntry.NullList);
                HasNullLists = true;
                continue;
            }
            if (to == from)
            {
                Entries.Grow(1)[0] = (byte)(0x80 | (byte)LanceListEntry.EmptyList);
                HasEmptyLists = true;
                continue;
            }
            var entries = Entries.Grow(to - from);
            for (var k = 0; k < entries.Length; k++)
            {
                var item = child.Data.Offset + from + k;
                entries[k] = (byte)(!childValidity.IsEmpty && !LanceBits.Get(childValidity, item) ? LanceListEntry.NullItem : LanceListEntry.ValidItem);
            }
            entries[0] |= 0x80;
            // Items of consecutive valid lists are one run of the child: one append each run.
            if (from != runEnd)
            {
                if (runStart >= 0)
                {
                    Items.Append(child, runStart, runEnd - runStart);
                }
                runStart = from;
            }
            runEnd = to;
        }
        if (runStart >= 0)
        {
            Items.Append(child, runStart, runEnd - runStart);
        }
        Rows += count;
    }
}
