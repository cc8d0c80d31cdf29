using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// list&lt;T&gt; pages in Lance 2.1's full-zip layout with repetition: every level entry (each item, and
/// one for each null or empty list) is a one-byte control word <c>rep &lt;&lt; bitsDef | def</c> zipped with
/// its value when it is visible (fixed width: the value bytes, null items too; variable width: u32
/// length and bytes, nothing for a null item). Definition levels count from the item outwards, as
/// Lance numbers them: a null item 1 (when the page has null items), then a null list, then an empty
/// list. The repetition index gives where each row starts in the data (rows + 1 positions), so a read
/// of some rows touches only their bytes.
/// </summary>
internal static class ListFullZipEncoding
{
    private readonly record struct Levels(int NullItem, int NullList, int EmptyList, int MaxVisible, int Max)
    {
        public static Levels For(bool nullItems, bool nullLists, bool emptyLists)
        {
            var item = nullItems ? 1 : 0;
            var next = item;
            var nullList = nullLists ? ++next : -1;
            var emptyList = emptyLists ? ++next : -1;
            return new Levels(nullItems ? 1 : -1, nullList, emptyList, item, next);
        }

        public static Levels For(RepDefLayer item, RepDefLayer list) => For(
            item == RepDefLayer.RepdefNullableItem,
            list is RepDefLayer.RepdefNullableList or RepDefLayer.RepdefNullAndEmptyList,
            list is RepDefLayer.RepdefEmptyableList or RepDefLayer.RepdefNullAndEmptyList);

        public int Bits => Max == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Max);
    }

    public static bool Supports(LanceLeafType itemType) => itemType.Kind != LanceLeafKind.Bool;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PageLayout Encode(LanceListPageBuffer page, LanceByteBuffer data, LanceByteBuffer repetitionIndex)
    {
        data.Clear();
        repetitionIndex.Clear();
        var items = page.Items;
        var type = items.Type;
        var nullItems = items.NullCount > 0;
        var levels = Levels.For(nullItems, page.HasNullLists, page.HasEmptyLists);
        var bitsDef = levels.Bits;
        var entries = page.Entries.Span;
        var positions = new long[page.Rows + 1];
        var row = 0;
        var item = 0;
        var width = type.RowBytes;
        var values = items.Values.Span;
        var offsets = type.Kind == LanceLeafKind.Variable ? items.OffsetSpan : default;
        foreach (var e in entries)
        {
            var kind = (LanceListEntry)(e & 0x7F);
            var rep = e >> 7;
            if (rep != 0)
            {
                positions[row++] = data.Length;
            }
            var def = kind switch
            {
                LanceListEntry.ValidItem => 0,
                LanceListEntry.NullItem => levels.NullItem,
                LanceListEntry.NullList => levels.NullList,
                _ => levels.EmptyList,
            };
            data.Grow(1)[0] = (byte)((rep << bitsDef) | def);
            if (kind is LanceListEntry.NullList or LanceListEntry.EmptyList)
            {
                continue;
            }
            if (type.Kind == LanceLeafKind.Fixed)
            {
                data.Append(values.Slice(item * width, width));
            }
            else if (kind == LanceListEntry.ValidItem)
            {
                var len = offsets[item + 1] - offsets[item];
                BinaryPrimitives.WriteUInt32LittleEndian(data.Grow(4), (uint)len);
                data.Append(values.Slice(offsets[item], len));
            }
            item++;
        }
        positions[row] = data.Length;
        FullZipRepetitionIndex.Write(positions, repetitionIndex);
        var layout = new FullZipLayout
        {
            BitsRep = 1,
            BitsDef = (uint)bitsDef,
            NumItems = (uint)entries.Length,
            NumVisibleItems = (uint)items.Count,
            ValueCompression = LanceValueCompression.For(type),
        };
        if (type.Kind == LanceLeafKind.Fixed)
        {
            layout.BitsPerValue = (uint)width * 8;
        }
        else
        {
            layout.BitsPerOffset = 32;
        }
        layout.Layers.Add(nullItems ? RepDefLayer.RepdefNullableItem : RepDefLayer.RepdefAllValidItem);
        layout.Layers.Add((page.HasNullLists, page.HasEmptyLists) switch
        {
            (true, true) => RepDefLayer.RepdefNullAndEmptyList,
            (true, false) => RepDefLayer.RepdefNullableList,
            (false, true) => RepDefLayer.RepdefEmptyableList,
            _ => RepDefLayer.RepdefAllValidList,
        });
        return new PageLayout { FullZipLayout = layout };
    }

    public static void Validate(LancePage<PageLayout> page, LanceLeafType itemType, string path, string column)
    {
        var layout = page.Layout.FullZipLayout;
        if (layout.Layers.Count != 2 || layout.BitsRep != 1 ||
            layout.Layers[0] is not (RepDefLayer.RepdefAllValidItem or RepDefLayer.RepdefNullableItem) ||
            layout.Layers[1] is not (RepDefLayer.RepdefAllValidList or RepDefLayer.RepdefNullableList or RepDefLayer.RepdefEmptyableList or RepDefLayer.RepdefNullAndEmptyList) ||
            layout.BitsDef > 2)
        {
            throw LanceFileErrors.Unsupported(path, column, $"a list page with {layout.BitsRep} repetition bits, {layout.BitsDef} definition bits and layers [{string.Join(", ", layout.Layers)}]");
        }
        var levels = Levels.For(layout.Layers[0], layout.Layers[1]);
        // Items as full-zip values are (FSST, zstd, 64-bit lengths); fixed items carry no validity bits of their own.
        var values = FullZipValues.Parse(layout, itemType, path, column);
        if (values.ValidityBytes != 0 || layout.BitsDef < levels.Bits || page.BufferOffsets.Length < 2 ||
            page.BufferSizes[1] % (ulong)(page.Rows + 1) != 0 || page.BufferSizes[1] / (ulong)(page.Rows + 1) is not (1 or 2 or 4 or 8))
        {
            throw LanceFileErrors.Unsupported(path, column, $"a list page ({layout.DetailsCase}, {page.BufferOffsets.Length} buffers) of {itemType.ArrowType.Name}");
        }
        page.State = values;
    }

    /// <summary>The bytes of rows [from, from + count) of a page, read once for both passes of a list read.</summary>
    public sealed class PageSlice(LancePage<PageLayout> page, byte[] bytes, int length, int rows, int entries, int items)
    {
        public LancePage<PageLayout> Page { get; } = page;

        public byte[] Bytes { get; } = bytes;

        public int Length { get; } = length;

        public int Rows { get; } = rows;

        public int Entries { get; } = entries;

        public int Items { get; } = items;
    }

    /// <summary>Reads the bytes of rows [from, from + count) of the page and counts their items (rented: <see cref="Release"/>).</summary>
    public static PageSlice Read(LanceFileSource file, LancePage<PageLayout> page, LanceLeafType itemType, int from, int count, string column)
    {
        var (start, length) = FullZipRepetitionIndex.RowBytes(file, page, from, count, column, "a list page");
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            file.ReadExactly(page.BufferOffsets[0] + start, bytes.AsSpan(0, length), column);
            var (entries, items) = Walk(bytes.AsSpan(0, length), page, itemType, count, null, null, file.Path, column);
            return new PageSlice(page, bytes, length, count, entries, items);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(bytes);
            throw;
        }
    }

    public static void Release(PageSlice slice) => ArrayPool<byte>.Shared.Return(slice.Bytes);

    /// <summary>Decodes a slice: list offsets and validity into <paramref name="lists"/>, items into <paramref name="items"/>.</summary>
    public static void Decode(PageSlice slice, LanceLeafType itemType, LanceListSink lists, LanceArrayBuilder items, string path, string column) =>
        Walk(slice.Bytes.AsSpan(0, slice.Length), slice.Page, itemType, slice.Rows, lists, items, path, column);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int Entries, int Items) Walk(ReadOnlySpan<byte> bytes, LancePage<PageLayout> page, LanceLeafType itemType, int rows,
                                                LanceListSink? lists, LanceArrayBuilder? items, string path, string column)
    {
        var layout = page.Layout.FullZipLayout;
        var values = (FullZipValues)page.State!;
        var levels = Levels.For(layout.Layers[0], layout.Layers[1]);
        var bitsDef = (int)layout.BitsDef;
        var defMask = (1 << bitsDef) - 1;
        var width = itemType.RowBytes;
        var pos = 0;
        var entries = 0;
        var itemCount = 0;
        var rowsSeen = 0;
        while (pos < bytes.Length)
        {
            var word = bytes[pos++];
            var rep = word >> bitsDef;
            var def = word & defMask;
            entries++;
            if (rep == 1)
            {
                rowsSeen++;
                lists?.StartRow();
            }
            else if (rep != 0 || rowsSeen == 0)
            {
                throw LanceFileErrors.Corrupt(path, column, $"a list page has repetition level {rep} where a row should start or continue");
            }
            if (def > levels.MaxVisible)
            {
                if (def == levels.NullList)
                {
                    lists?.SetRowNull();
                }
                else if (def != levels.EmptyList)
                {
                    throw LanceFileErrors.Corrupt(path, column, $"a list page has definition level {def}");
                }
                continue;
            }
            itemCount++;
            lists?.AddItem();
            var isNull = def != 0;
            if (itemType.Kind == LanceLeafKind.Fixed)
            {
                if (pos + width > bytes.Length)
                {
                    throw LanceFileErrors.Corrupt(path, column, "a list page ends inside an item");
                }
                if (items is not null)
                {
                    if (isNull)
                    {
                        items.SetNullAt(0);
                    }
                    bytes.Slice(pos, width).CopyTo(items.FixedDestination(1));
                    items.Advance(1);
                }
                pos += width;
            }
            else if (isNull)
            {
                if (items is not null)
                {
                    items.SetNullAt(0);
                    items.AppendValue([]);
                }
            }
            else
            {
                if (pos + values.LengthBytes > bytes.Length)
                {
                    throw LanceFileErrors.Corrupt(path, column, "a list page ends inside an item");
                }
                var len = values.LengthBytes == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[pos..]) : BinaryPrimitives.ReadUInt64LittleEndian(bytes[pos..]);
                pos += values.LengthBytes;
                if (len > (ulong)(bytes.Length - pos))
                {
                    throw LanceFileErrors.Corrupt(path, column, $"a list item of {len} bytes runs past its page");
                }
                if (items is not null)
                {
                    FullZipVariableDecoder.AppendValue(values, bytes.Slice(pos, (int)len), items, path, column);
                }
                pos += (int)len;
            }
        }
        if (rowsSeen != rows)
        {
            throw LanceFileErrors.Corrupt(path, column, $"a list page's repetition index covers {rows} rows but its data {rowsSeen}");
        }
        return (entries, itemCount);
    }
}
