using System.Buffers.Binary;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance.Proto;
using V20 = Geneva.Core.Storage.Lance.Proto.V20;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// A list&lt;T&gt; column of an open 2.0 file, which is two columns there: the lists' offsets
/// (<c>ArrayEncoding.List</c> pages around a u64 flat array, see <see cref="Lance20ListPage"/>) and the items,
/// a column of T read by <see cref="Lance20ColumnReader"/>. A read takes the offsets of its rows (one entry
/// more for a range starting mid-page), then the one run of items they cover.
/// </summary>
internal sealed class Lance20ListColumnReader : ILance20ColumnReader
{
    private const string ArrayEncodingType = "lance.encodings.ArrayEncoding";
    private static readonly LanceLeafType s_entryType = LanceLeafType.TryCreateForRead(UInt64Type.Default)!;

    private readonly string _name;
    private readonly ListType _type;
    private readonly LancePage<Lance20ListPage>[] _pages;
    private readonly long[] _pageStarts;
    private readonly Lance20ColumnReader _items;

    private Lance20ListColumnReader(string name, ListType type, LancePage<Lance20ListPage>[] pages, long rows, Lance20ColumnReader items)
    {
        _name = name;
        _type = type;
        _pages = pages;
        _pageStarts = System.Array.ConvertAll(pages, p => p.FirstRow);
        Rows = rows;
        _items = items;
    }

    public long Rows { get; }

    /// <summary>
    /// The list column of the offsets column <paramref name="offsets"/> and the items column <paramref name="items"/>;
    /// throws DataFileCorrupt when the offsets pages do not add up to the items column's rows.
    /// </summary>
    public static Lance20ListColumnReader Create(LanceFileSource file, string name, ListType type, ColumnMetadata offsets, Lance20ColumnReader items)
    {
        var (pages, rows) = LanceColumnPages.Read(file, name, offsets,
            (encoding, buffers) => Parse(LanceColumnPages.ParseEncoding(file, name, encoding, ArrayEncodingType, V20.ArrayEncoding.Parser, " in a 2.0 file"),
                                         buffers, file.Path, name),
            (page, index) => Validate(page, file.Path, name, index));
        long item = 0;
        foreach (var page in pages)
        {
            page.Layout.FirstItem = item;
            item += (long)page.Layout.Items;
        }
        if (item != items.Rows)
        {
            throw LanceFileErrors.Corrupt(file.Path, name, $"its offsets pages hold {item} items but its items column {items.Rows}");
        }
        return new Lance20ListColumnReader(name, type, pages, rows, items);
    }

    private static Lance20ListPage Parse(V20.ArrayEncoding encoding, int bufferCount, string path, string name)
    {
        if (encoding.ArrayEncodingCase != V20.ArrayEncoding.ArrayEncodingOneofCase.List)
        {
            throw LanceFileErrors.Unsupported(path, name, $"a list column stored as '{encoding.ArrayEncodingCase}'");
        }
        var list = encoding.List;
        var entries = Lance20Encodings.Parse(list.Offsets ?? throw LanceFileErrors.Corrupt(path, name, "a list encoding has no offsets"),
                                             s_entryType, bufferCount, path, name);
        if (entries.Kind != Lance20PageKind.Flat || entries.ValidityBuffer >= 0)
        {
            throw LanceFileErrors.Corrupt(path, name, $"its list offsets are stored as {entries.Kind}{(entries.ValidityBuffer >= 0 ? " with nulls" : "")}, where they never have nulls");
        }
        // Lance needs null_offset_adjustment > num_items, or a null list and a full one would store the same entry.
        if (list.NullOffsetAdjustment <= list.NumItems || list.NumItems > int.MaxValue)
        {
            throw LanceFileErrors.Corrupt(path, name, $"a list page has {list.NumItems} items and null_offset_adjustment {list.NullOffsetAdjustment}");
        }
        return new Lance20ListPage { EntriesBuffer = entries.ValuesBuffer, NullAdjustment = list.NullOffsetAdjustment, Items = list.NumItems };
    }

    private static void Validate(LancePage<Lance20ListPage> page, string path, string name, int index)
    {
        if (page.BufferSizes[page.Layout.EntriesBuffer] < 8UL * (ulong)page.Rows)
        {
            throw LanceFileErrors.Corrupt(path, name, $"the offsets buffer of list page {index} has {page.BufferSizes[page.Layout.EntriesBuffer]} bytes, fewer than its {page.Rows} rows need");
        }
    }

    public Apache.Arrow.IArrowArray Read(LanceFileSource file, long start, int length)
    {
        var ends = new long[length];
        var valid = new bool[length];
        long firstItem = -1;
        long nextItem = 0;
        var done = 0;
        for (var i = length == 0 ? _pages.Length : PageOf(start); i < _pages.Length && done < length; i++)
        {
            var page = _pages[i];
            var from = (int)(start + done - page.FirstRow);
            var count = (int)Math.Min(length - done, page.Rows - from);
            var (first, last) = ReadEntries(file, page, from, count, ends.AsSpan(done, count), valid.AsSpan(done, count));
            var pageFirst = page.Layout.FirstItem + first;
            if (firstItem < 0)
            {
                firstItem = pageFirst;
            }
            else if (pageFirst != nextItem)
            {
                throw LanceFileErrors.Corrupt(file.Path, _name, $"list page {i} starts at item {pageFirst} but the page before it ends at item {nextItem}");
            }
            // Row ends relative to the read's first item.
            var shift = page.Layout.FirstItem - firstItem;
            for (var r = done; r < done + count; r++)
            {
                ends[r] += shift;
            }
            nextItem = page.Layout.FirstItem + last;
            done += count;
        }
        var total = firstItem < 0 ? 0 : nextItem - firstItem;
        if (total > int.MaxValue)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"A read of list column '{_name}' would hold {total} items, more than an Arrow list holds; read fewer rows at a time.");
        }
        var items = _items.Read(file, Math.Max(firstItem, 0), (int)total);
        var lists = new LanceListSink(_type, length);
        long previous = 0;
        for (var r = 0; r < length; r++)
        {
            lists.StartRow();
            for (var k = previous; k < ends[r]; k++)
            {
                lists.AddItem();
            }
            if (!valid[r])
            {
                lists.SetRowNull();
            }
            previous = ends[r];
        }
        return lists.Build(items);
    }

    /// <summary>
    /// Rows [from, from + count) of a page: each row's end item (from the page's first item) and whether it is
    /// a list; returns the page items the rows cover, [first, last).
    /// </summary>
    private (long First, long Last) ReadEntries(LanceFileSource file, LancePage<Lance20ListPage> page, int from, int count, Span<long> ends, Span<bool> valid)
    {
        var layout = page.Layout;
        // Row i's end is entry i; its start is entry i - 1's end (0 for the page's row 0), so one entry before the range.
        var lead = from == 0 ? 0 : 1;
        var raw = file.ReadBytes(page.BufferOffsets[layout.EntriesBuffer] + 8UL * (ulong)(from - lead), 8UL * (ulong)(count + lead), _name);
        var first = lead == 0 ? 0UL : End(file.Path, raw, 0, page, from - 1, out _);
        var previous = first;
        for (var r = 0; r < count; r++)
        {
            var end = End(file.Path, raw, r + lead, page, from + r, out valid[r]);
            if (end < previous)
            {
                throw LanceFileErrors.Corrupt(file.Path, _name, $"list row {page.FirstRow + from + r} ends at item {end}, before its start {previous}");
            }
            ends[r] = (long)end;
            previous = end;
        }
        return ((long)first, (long)previous);
    }

    /// <summary>Entry <paramref name="index"/> of <paramref name="raw"/> without its null marker, checked against the page's items.</summary>
    private ulong End(string path, byte[] raw, int index, LancePage<Lance20ListPage> page, int row, out bool valid)
    {
        var layout = page.Layout;
        var entry = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(8 * index));
        valid = entry < layout.NullAdjustment;
        var end = valid ? entry : entry - layout.NullAdjustment;
        if (end > layout.Items)
        {
            throw LanceFileErrors.Corrupt(path, _name, $"list row {page.FirstRow + row} ends at item {end} of a page of {layout.Items} items");
        }
        return end;
    }

    private int PageOf(long row)
    {
        var i = System.Array.BinarySearch(_pageStarts, row);
        return i >= 0 ? i : Math.Max(0, ~i - 1);
    }
}
