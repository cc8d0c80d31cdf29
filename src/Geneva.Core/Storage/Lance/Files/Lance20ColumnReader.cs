using System.Buffers.Binary;
using Geneva.Core.Storage.Lance.Proto;
using V20 = Geneva.Core.Storage.Lance.Proto.V20;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// One column of an open 2.0 file: its pages, each checked once at open against the buffers it names; a
/// read fetches only the byte ranges of the rows asked for (a dictionary page's items once).
/// </summary>
internal sealed class Lance20ColumnReader : ILance20ColumnReader
{
    private const string ArrayEncodingType = "lance.encodings.ArrayEncoding";

    private readonly LancePage<Lance20PageLayout>[] _pages;
    private readonly long[] _pageStarts;

    private Lance20ColumnReader(string name, LanceLeafType type, LancePage<Lance20PageLayout>[] pages, long rows)
    {
        Name = name;
        Type = type;
        _pages = pages;
        _pageStarts = System.Array.ConvertAll(pages, p => p.FirstRow);
        Rows = rows;
    }

    public string Name { get; }

    public LanceLeafType Type { get; }

    public long Rows { get; }

    public static Lance20ColumnReader Create(LanceFileSource file, string name, LanceLeafType type, ColumnMetadata metadata)
    {
        var (pages, rows) = LanceColumnPages.Read(file, name, metadata,
            (encoding, buffers) => Lance20Encodings.Parse(
                LanceColumnPages.ParseEncoding(file, name, encoding, ArrayEncodingType, V20.ArrayEncoding.Parser, " in a 2.0 file"), type, buffers, file.Path, name),
            (page, index) => Validate(page, type, file.Path, name, index));
        return new Lance20ColumnReader(name, type, pages, rows);
    }

    /// <summary>Each buffer the layout names is big enough for the page's rows.</summary>
    private static void Validate(LancePage<Lance20PageLayout> page, LanceLeafType type, string path, string name, int index)
    {
        var layout = page.Layout;
        var rows = (ulong)page.Rows;
        void Need(int buffer, ulong bits, string what)
        {
            if (buffer >= 0 && page.BufferSizes[buffer] < (bits + 7) / 8)
            {
                throw LanceFileErrors.Corrupt(path, name, $"the {what} buffer of page {index} has {page.BufferSizes[buffer]} bytes, fewer than its {rows} rows need");
            }
        }
        Need(layout.ValidityBuffer, rows, "validity");
        switch (layout.Kind)
        {
            case Lance20PageKind.Flat:
                Need(layout.ValuesBuffer, rows * (ulong)type.Dimension * (ulong)layout.ItemBits, "values");
                Need(layout.ItemValidityBuffer, rows * (ulong)type.Dimension, "item validity");
                break;
            case Lance20PageKind.Binary:
                Need(layout.OffsetsBuffer, rows * (ulong)layout.OffsetBits, "offsets");
                break;
            case Lance20PageKind.Dictionary:
                Need(layout.IndicesBuffer, rows * (ulong)layout.IndexBits, "dictionary indices");
                Need(layout.OffsetsBuffer, (ulong)layout.DictionaryItems * (ulong)layout.OffsetBits, "dictionary offsets");
                break;
        }
        if (layout.Kind is Lance20PageKind.Binary or Lance20PageKind.Dictionary && layout.NullAdjustment == 0)
        {
            throw LanceFileErrors.Corrupt(path, name, $"page {index} has a binary encoding with null_adjustment 0");
        }
    }

    /// <summary>Decodes rows [start, start + length) into a new Arrow array the caller owns.</summary>
    public Apache.Arrow.IArrowArray Read(LanceFileSource file, long start, int length)
    {
        var first = PageOf(start);
        var hint = 0L;
        if (Type.Kind == LanceLeafKind.Variable && length > 0)
        {
            for (var i = first; i < _pages.Length && _pages[i].FirstRow < start + length; i++)
            {
                var page = _pages[i];
                if (page.Layout.Kind == Lance20PageKind.Binary)
                {
                    var overlap = Math.Min(start + length, page.FirstRow + page.Rows) - Math.Max(start, page.FirstRow);
                    hint += (long)page.BufferSizes[page.Layout.ValuesBuffer] * overlap / page.Rows;
                }
            }
        }
        var builder = new LanceArrayBuilder(Type, length, hint);
        for (var i = first; i < _pages.Length && builder.Position < length; i++)
        {
            var page = _pages[i];
            var from = (int)(start + builder.Position - page.FirstRow);
            var count = (int)Math.Min(length - builder.Position, page.Rows - from);
            switch (page.Layout.Kind)
            {
                case Lance20PageKind.AllNull:
                    builder.AppendNulls(count);
                    break;
                case Lance20PageKind.Flat:
                    ReadFlat(file, page, from, count, builder);
                    break;
                case Lance20PageKind.Binary:
                    ReadBinary(file, page, from, count, builder);
                    break;
                default:
                    ReadDictionary(file, page, from, count, builder);
                    break;
            }
        }
        return builder.Build();
    }

    private void ReadFlat(LanceFileSource file, LancePage<Lance20PageLayout> page, int from, int count, LanceArrayBuilder builder)
    {
        var layout = page.Layout;
        if (layout.ValidityBuffer >= 0)
        {
            var (bits, bit) = ReadBits(file, page, layout.ValidityBuffer, from, count);
            builder.ApplyValidity(bits, bit, count);
        }
        if (layout.ItemValidityBuffer >= 0)
        {
            var (bits, bit) = ReadBits(file, page, layout.ItemValidityBuffer, (long)from * Type.Dimension, count * Type.Dimension);
            builder.ApplyItemValidity(bits, bit, count);
        }
        if (Type.Kind == LanceLeafKind.Bool)
        {
            var (bits, bit) = ReadBits(file, page, layout.ValuesBuffer, from, count);
            builder.AppendBits(bits, bit, count);
        }
        else
        {
            file.ReadExactly(page.BufferOffsets[layout.ValuesBuffer] + (ulong)from * (ulong)Type.RowBytes, builder.FixedDestination(count), Name);
            builder.Advance(count);
        }
    }

    /// <summary>The bytes holding bits [first, first + count) of a buffer, and where the first one sits in them.</summary>
    private (byte[] Bytes, int Bit) ReadBits(LanceFileSource file, LancePage<Lance20PageLayout> page, int buffer, long first, int count)
    {
        var startByte = first >> 3;
        var endByte = (first + count + 7) >> 3;
        var bytes = file.ReadBytes(page.BufferOffsets[buffer] + (ulong)startByte, (ulong)(endByte - startByte), Name);
        return (bytes, (int)(first & 7));
    }

    private void ReadBinary(LanceFileSource file, LancePage<Lance20PageLayout> page, int from, int count, LanceArrayBuilder builder)
    {
        var layout = page.Layout;
        // Row i's end is entry i; its start is entry i - 1's end (0 for row 0), so one entry before the range.
        var lead = from == 0 ? 0 : 1;
        var width = layout.OffsetBits / 8;
        var raw = file.ReadBytes(page.BufferOffsets[layout.OffsetsBuffer] + (ulong)((from - lead) * (long)width), (ulong)((count + lead) * (long)width), Name);
        var valid = new bool[count];
        var ends = new long[count];
        var bytesSize = page.BufferSizes[layout.ValuesBuffer];
        var start = lead == 0 ? 0UL : Normalize(Entry(raw, 0, width), layout.NullAdjustment, out _);
        var previous = start;
        for (var i = 0; i < count; i++)
        {
            var end = Normalize(Entry(raw, i + lead, width), layout.NullAdjustment, out valid[i]);
            if (end < previous || end > bytesSize)
            {
                throw LanceFileErrors.Corrupt(file.Path, Name, $"row {page.FirstRow + from + i} ends at byte {end}, outside [{previous}, {bytesSize}] of its page");
            }
            ends[i] = (long)(end - start);
            previous = end;
        }
        if (layout.ValidityBuffer >= 0)
        {
            var (bits, bit) = ReadBits(file, page, layout.ValidityBuffer, from, count);
            for (var i = 0; i < count; i++)
            {
                valid[i] &= LanceBits.Get(bits, bit + i);
            }
        }
        var total = (long)(previous - start);
        if (total > int.MaxValue)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                "A read of a utf8/binary column would exceed 2 GiB of values; read fewer rows at a time.");
        }
        file.ReadExactly(page.BufferOffsets[layout.ValuesBuffer] + start, builder.ReserveData((int)total), Name);
        builder.AppendEnds(ends, valid, (int)total);
    }

    private void ReadDictionary(LanceFileSource file, LancePage<Lance20PageLayout> page, int from, int count, LanceArrayBuilder builder)
    {
        var layout = page.Layout;
        var items = page.State as Lance20DictionaryItems ?? LoadDictionary(file, page);
        var width = layout.IndexBits / 8;
        var indices = file.ReadBytes(page.BufferOffsets[layout.IndicesBuffer] + (ulong)((long)from * width), (ulong)((long)count * width), Name);
        byte[]? bits = null;
        var bit = 0;
        if (layout.ValidityBuffer >= 0)
        {
            (bits, bit) = ReadBits(file, page, layout.ValidityBuffer, from, count);
        }
        for (var i = 0; i < count; i++)
        {
            var index = (long)Entry(indices, i, width);
            // Index 0 is a null row; index k is item k - 1.
            if (index == 0 || (bits is not null && !LanceBits.Get(bits, bit + i)))
            {
                builder.AppendValue([], false);
                continue;
            }
            if (index > items.Count)
            {
                throw LanceFileErrors.Corrupt(file.Path, Name, $"row {page.FirstRow + from + i} points at dictionary item {index - 1} of {items.Count}");
            }
            var k = (int)index - 1;
            var starts = items.Starts;
            builder.AppendValue(items.Bytes.AsSpan((int)starts[k], (int)(starts[k + 1] - starts[k])), items.Valid[k]);
        }
    }

    private Lance20DictionaryItems LoadDictionary(LanceFileSource file, LancePage<Lance20PageLayout> page)
    {
        var layout = page.Layout;
        var count = layout.DictionaryItems;
        var width = layout.OffsetBits / 8;
        var raw = file.ReadBytes(page.BufferOffsets[layout.OffsetsBuffer], (ulong)((long)count * width), Name);
        var bytesSize = page.BufferSizes[layout.ItemBytesBuffer];
        if (bytesSize > int.MaxValue)
        {
            throw LanceFileErrors.Corrupt(file.Path, Name, $"a dictionary of {bytesSize} bytes is larger than Geneva reads at once");
        }
        var starts = new long[count + 1];
        var valid = new bool[count];
        for (var k = 0; k < count; k++)
        {
            var end = Normalize(Entry(raw, k, width), layout.NullAdjustment, out valid[k]);
            if (end < (ulong)starts[k] || end > bytesSize)
            {
                throw LanceFileErrors.Corrupt(file.Path, Name, $"dictionary item {k} ends at byte {end}, outside [{starts[k]}, {bytesSize}]");
            }
            starts[k + 1] = (long)end;
        }
        var bytes = file.ReadBytes(page.BufferOffsets[layout.ItemBytesBuffer], (ulong)starts[count], Name);
        var items = new Lance20DictionaryItems(starts, valid, bytes);
        return Interlocked.CompareExchange(ref page.State, items, null) as Lance20DictionaryItems ?? items;
    }

    private static ulong Entry(byte[] raw, int index, int width) => width switch
    {
        1 => raw[index],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * index)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(4 * index)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(8 * index)),
    };

    /// <summary>A binary end offset without its null marker: at or above null_adjustment it is a null row's end plus it.</summary>
    private static ulong Normalize(ulong entry, ulong nullAdjustment, out bool valid)
    {
        valid = entry < nullAdjustment;
        return valid ? entry : entry - nullAdjustment;
    }

    private int PageOf(long row)
    {
        var i = System.Array.BinarySearch(_pageStarts, row);
        return i >= 0 ? i : Math.Max(0, ~i - 1);
    }
}
