using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Geneva.Core.Storage.Lance.Files.Decoders;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// list&lt;T&gt; pages in Lance 2.1's mini-block layout, as LanceDB writes them for narrow items: chunks of
/// items (a power of two of values but the last, counted by the chunk metadata words) whose header is
/// <c>u16 levels | u16 rep bytes | [u16 def bytes] | u16 bytes per value buffer | pad8</c>, then the repetition
/// levels, the definition levels and the value buffers (each padded to 8). There is one level per item and
/// one per null or empty list; repetition 1 starts a row; definition levels count from the item outwards (a
/// null item 1 when the page has null items, then a null list, then an empty list). A row may run over
/// several chunks: a chunk then begins with a "preamble" that ends the previous chunk's last row. The
/// repetition index (the page's last buffer, per chunk u64 rows ended and u64 levels left over after them)
/// says which rows start in each chunk, so a read decodes only the chunks holding its rows. The values go
/// through the same <see cref="MiniBlockValueDecoder"/>s as flat mini-block pages.
/// </summary>
internal static class ListMiniBlockEncoding
{
    // Room for a chunk's repetition and definition levels (its header counts them in a u16).
    private const int MaxLevels = 2 * ushort.MaxValue;

    public static void Validate(LancePage<PageLayout> page, LanceLeafType itemType, string path, string column)
    {
        var layout = page.Layout.MiniBlockLayout;
        if (layout.Layers.Count != 2 ||
            layout.Layers[0] is not (RepDefLayer.RepdefAllValidItem or RepDefLayer.RepdefNullableItem) ||
            layout.Layers[1] is not (RepDefLayer.RepdefAllValidList or RepDefLayer.RepdefNullableList or RepDefLayer.RepdefEmptyableList or RepDefLayer.RepdefNullAndEmptyList))
        {
            throw LanceFileErrors.Unsupported(path, column, $"a list mini-block page with layers [{string.Join(", ", layout.Layers)}]");
        }
        if (layout.RepCompression is null)
        {
            throw LanceFileErrors.Corrupt(path, column, "a list mini-block page has no repetition levels");
        }
        if (layout.RepetitionIndexDepth > 1)
        {
            throw LanceFileErrors.Unsupported(path, column, $"a mini-block repetition index of depth {layout.RepetitionIndexDepth}");
        }
        var nullItems = layout.Layers[0] == RepDefLayer.RepdefNullableItem;
        var nullLists = layout.Layers[1] is RepDefLayer.RepdefNullableList or RepDefLayer.RepdefNullAndEmptyList;
        var emptyLists = layout.Layers[1] is RepDefLayer.RepdefEmptyableList or RepDefLayer.RepdefNullAndEmptyList;
        var next = nullItems ? 1 : 0;
        var nullList = nullLists ? ++next : -1;
        var emptyList = emptyLists ? ++next : -1;
        if ((next > 0) != (layout.DefCompression is not null))
        {
            throw LanceFileErrors.Corrupt(path, column, $"a list mini-block page with layers [{string.Join(", ", layout.Layers)}] has definition levels compressed as {layout.DefCompression}");
        }
        var repetitions = DefinitionLevelDecoder.TryCreate(layout.RepCompression, path, column) ??
            throw LanceFileErrors.Unsupported(path, column, $"repetition levels compressed as {LanceValueCompression.Describe(layout.RepCompression)}");
        var definitions = layout.DefCompression is null ? null :
            DefinitionLevelDecoder.TryCreate(layout.DefCompression, path, column) ??
            throw LanceFileErrors.Unsupported(path, column, $"definition levels compressed as {LanceValueCompression.Describe(layout.DefCompression)}");
        var (values, dictionary) = MiniBlockEncoding.ValueDecoders(page, itemType, path, column);
        var buffers = 2 + (dictionary is null ? 0 : 1) + (layout.RepetitionIndexDepth > 0 ? 1 : 0);
        if (page.BufferOffsets.Length < buffers || layout.NumItems > int.MaxValue)
        {
            throw LanceFileErrors.Corrupt(path, column, $"a list mini-block page of {layout.NumItems} items has {page.BufferOffsets.Length} buffers, not {buffers}");
        }
        page.State = new ListMiniBlockPagePlan(values, dictionary, repetitions, definitions, nullItems ? 1 : -1, nullList, emptyList);
    }

    /// <summary>
    /// First pass of a read of rows [from, from + count) of the page: reads the chunks that hold them and walks
    /// their levels (rows, items, nulls). The slice's bytes are rented: <see cref="Release"/> it.
    /// </summary>
    public static ListMiniBlockSlice Read(LanceFileSource file, LancePage<PageLayout> page, int from, int count, string column)
    {
        var plan = page.State as ListMiniBlockPagePlan ?? throw new InvalidOperationException("A list mini-block page is read before it was validated.");
        plan.EnsureLoaded(() => Load(file, page, plan, column));
        var path = file.Path;
        var rowStart = plan.RowStart;
        var preamble = plan.Preamble;
        var chunks = rowStart.Length - 1;
        var c0 = ChunkOfRow(rowStart, from, chunks);
        var c1 = ChunkOfRow(rowStart, from + count - 1, chunks);
        // The last row ends where a chunk that begins with a preamble also starts a row (or at the page's end).
        while (c1 + 1 < chunks && preamble[c1 + 1])
        {
            c1++;
            if (rowStart[c1 + 1] > rowStart[c1])
            {
                break;
            }
        }
        var byteFrom = plan.ByteStart[c0];
        var total = (int)(plan.ByteStart[c1 + 1] - byteFrom);
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, total));
        var levels = ArrayPool<ushort>.Shared.Rent(MaxLevels);
        try
        {
            file.ReadExactly(page.BufferOffsets[1] + (ulong)byteFrom, bytes.AsSpan(0, total), column);
            var rowItems = new int[count];
            var rowNull = new bool[count];
            var nullItems = new List<int>();
            var ranges = new (int A, int B)[c1 - c0 + 1];
            var items = 0;
            long valueBytes = 0;
            // The row being walked, page-relative; a chunk with a preamble continues the row before its first start.
            var row = rowStart[c0] - 1;
            var end = from + count;
            Span<int> starts = stackalloc int[MiniBlockBuffers.Max];
            Span<int> sizes = stackalloc int[MiniBlockBuffers.Max];
            for (var c = c0; c <= c1 && row < end; c++)
            {
                var chunk = bytes.AsSpan((int)(plan.ByteStart[c] - byteFrom), (int)(plan.ByteStart[c + 1] - plan.ByteStart[c]));
                var chunkValues = plan.ValueStart[c + 1] - plan.ValueStart[c];
                var header = ParseHeader(chunk, plan, starts, sizes, path, column);
                for (var i = 0; i < plan.Values.BufferCount; i++)
                {
                    valueBytes += sizes[i];
                }
                var n = DecodeLevels(chunk, header, plan, levels);
                ReadOnlySpan<ushort> rep = levels.AsSpan(0, n);
                ReadOnlySpan<ushort> def = plan.Definitions is null ? default : levels.AsSpan(n, n);
                if (c == c0 && preamble[c] == (rep[0] == 1))
                {
                    throw LanceFileErrors.Corrupt(path, column, $"a list mini-block chunk's first repetition level {rep[0]} disagrees with the repetition index");
                }
                var value = 0;
                var a = -1;
                var b = -1;
                if (def.IsEmpty)
                {
                    // Every level is a valid item: the rows' items are the levels from the first row in range on.
                    var i = 0;
                    for (; i < rep.Length; i++)
                    {
                        var r = rep[i];
                        if (r != 0)
                        {
                            if (r != 1)
                            {
                                throw LanceFileErrors.Corrupt(path, column, $"a list mini-block chunk has repetition level {r}");
                            }
                            if (++row >= end)
                            {
                                break;
                            }
                        }
                        if (row >= from)
                        {
                            if (a < 0)
                            {
                                a = i;
                            }
                            rowItems[row - from]++;
                        }
                    }
                    value = i;
                    if (a >= 0)
                    {
                        b = i;
                        items += b - a;
                    }
                }
                else
                {
                    for (var i = 0; i < rep.Length; i++)
                    {
                        var r = rep[i];
                        if (r == 1)
                        {
                            row++;
                            if (row >= end)
                            {
                                break;
                            }
                        }
                        else if (r != 0)
                        {
                            throw LanceFileErrors.Corrupt(path, column, $"a list mini-block chunk has repetition level {r}");
                        }
                        var d = def.IsEmpty ? 0 : def[i];
                        var inRange = row >= from;
                        if (d > plan.MaxVisible)
                        {
                            if (r != 1 || (d != plan.NullList && d != plan.EmptyList))
                            {
                                throw LanceFileErrors.Corrupt(path, column, $"a list mini-block chunk has definition level {d} (repetition {r})");
                            }
                            if (inRange && d == plan.NullList)
                            {
                                rowNull[row - from] = true;
                            }
                            continue;
                        }
                        if (d != 0 && d != plan.NullItem)
                        {
                            throw LanceFileErrors.Corrupt(path, column, $"a list mini-block chunk has definition level {d}");
                        }
                        if (inRange)
                        {
                            if (a < 0)
                            {
                                a = value;
                            }
                            b = value + 1;
                            if (d != 0)
                            {
                                nullItems.Add(items);
                            }
                            rowItems[row - from]++;
                            items++;
                        }
                        value++;
                    }
                }
                if (value > chunkValues || (row < end && value != chunkValues))
                {
                    throw LanceFileErrors.Corrupt(path, column, $"a list mini-block chunk of {chunkValues} values has levels for {value}");
                }
                ranges[c - c0] = a < 0 ? (0, 0) : (a, b);
            }
            if (row < end - 1)
            {
                throw LanceFileErrors.Corrupt(path, column, $"a list mini-block page's chunks hold rows up to {row + 1}, not {end}");
            }
            return new ListMiniBlockSlice
            {
                Page = page,
                Plan = plan,
                Bytes = bytes,
                FirstChunk = c0,
                ChunkValues = ranges,
                RowItems = rowItems,
                RowNull = rowNull,
                NullItems = nullItems,
                Items = items,
                ValueBytes = valueBytes,
            };
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(bytes);
            throw;
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(levels);
        }
    }

    /// <summary>
    /// A list page in the all-null layout: without buffers (LanceDB's "simple" all-null) every row is a null list;
    /// with two (the "complex" all-null) they hold the page's raw u16 repetition and definition levels, rows of
    /// null or empty lists or of null items only.
    /// </summary>
    public static void ValidateAllNull(LancePage<PageLayout> page, string path, string column)
    {
        var layers = page.Layout.AllNullLayout.Layers;
        if (page.BufferOffsets.Length == 0)
        {
            return;
        }
        if (page.BufferOffsets.Length != 2 || layers.Count != 2 ||
            layers[0] is not (RepDefLayer.RepdefAllValidItem or RepDefLayer.RepdefNullableItem) ||
            layers[1] is not (RepDefLayer.RepdefAllValidList or RepDefLayer.RepdefNullableList or RepDefLayer.RepdefEmptyableList or RepDefLayer.RepdefNullAndEmptyList))
        {
            throw LanceFileErrors.Unsupported(path, column, $"an all-null list page with {page.BufferOffsets.Length} buffers and layers [{string.Join(", ", layers)}]");
        }
    }

    /// <summary>Rows [from, from + count) of an all-null list page (all its items, if any, null).</summary>
    public static ListMiniBlockSlice ReadAllNull(LanceFileSource file, LancePage<PageLayout> page, int from, int count, string column)
    {
        var rowItems = new int[count];
        var rowNull = new bool[count];
        var nullItems = new List<int>();
        var items = 0;
        if (page.BufferOffsets.Length == 0)
        {
            rowNull.AsSpan().Fill(true);
        }
        else
        {
            var layers = page.Layout.AllNullLayout.Layers;
            var item = layers[0] == RepDefLayer.RepdefNullableItem ? 1 : 0;
            var next = item;
            var nullList = layers[1] is RepDefLayer.RepdefNullableList or RepDefLayer.RepdefNullAndEmptyList ? ++next : -1;
            var emptyList = layers[1] is RepDefLayer.RepdefEmptyableList or RepDefLayer.RepdefNullAndEmptyList ? ++next : -1;
            var repBytes = file.ReadBytes(page.BufferOffsets[0], page.BufferSizes[0], column);
            var defBytes = file.ReadBytes(page.BufferOffsets[1], page.BufferSizes[1], column);
            var rep = MemoryMarshal.Cast<byte, ushort>(repBytes.AsSpan(0, repBytes.Length & ~1));
            var def = MemoryMarshal.Cast<byte, ushort>(defBytes.AsSpan(0, defBytes.Length & ~1));
            if (rep.Length == 0 || def.Length != rep.Length || rep[0] != 1)
            {
                throw LanceFileErrors.Corrupt(file.Path, column, $"an all-null list page has {rep.Length} repetition and {def.Length} definition levels");
            }
            var row = -1;
            var end = from + count;
            for (var i = 0; i < rep.Length; i++)
            {
                if (rep[i] == 1 && ++row >= end)
                {
                    break;
                }
                var d = def[i];
                if (rep[i] > 1 || (d != nullList && d != emptyList && d != item) || (d != item && rep[i] != 1))
                {
                    throw LanceFileErrors.Corrupt(file.Path, column, $"an all-null list page has levels {rep[i]}/{d}");
                }
                if (row < from)
                {
                    continue;
                }
                if (d == nullList)
                {
                    rowNull[row - from] = true;
                }
                else if (d == item)
                {
                    nullItems.Add(items++);
                    rowItems[row - from]++;
                }
            }
            if (row < end - 1)
            {
                throw LanceFileErrors.Corrupt(file.Path, column, $"an all-null list page's levels hold {row + 1} rows, not {end}");
            }
        }
        return new ListMiniBlockSlice
        {
            Page = page,
            Plan = null,
            Bytes = ArrayPool<byte>.Shared.Rent(1),
            FirstChunk = 0,
            ChunkValues = [],
            RowItems = rowItems,
            RowNull = rowNull,
            NullItems = nullItems,
            Items = items,
            ValueBytes = 0,
        };
    }

    public static void Release(ListMiniBlockSlice slice) => ArrayPool<byte>.Shared.Return(slice.Bytes);

    /// <summary>Second pass: the rows' list offsets and nulls into <paramref name="lists"/>, their items into <paramref name="items"/>.</summary>
    public static void Decode(ListMiniBlockSlice slice, LanceListSink lists, LanceArrayBuilder items, string path, string column)
    {
        for (var r = 0; r < slice.RowItems.Length; r++)
        {
            lists.StartRow();
            lists.AddItems(slice.RowItems[r]);
            if (slice.RowNull[r])
            {
                lists.SetRowNull();
            }
        }
        if (slice.Plan is not { } plan)
        {
            items.AppendNulls(slice.Items);
            return;
        }
        var byteFrom = plan.ByteStart[slice.FirstChunk];
        var first = items.Position;
        var nulls = slice.NullItems;
        var nextNull = 0;
        Span<int> starts = stackalloc int[MiniBlockBuffers.Max];
        Span<int> sizes = stackalloc int[MiniBlockBuffers.Max];
        for (var k = 0; k < slice.ChunkValues.Length; k++)
        {
            var (a, b) = slice.ChunkValues[k];
            if (a == b)
            {
                continue;
            }
            var c = slice.FirstChunk + k;
            var chunk = slice.Bytes.AsSpan((int)(plan.ByteStart[c] - byteFrom), (int)(plan.ByteStart[c + 1] - plan.ByteStart[c]));
            ParseHeader(chunk, plan, starts, sizes, path, column);
            var at = items.Position - first;
            while (nextNull < nulls.Count && nulls[nextNull] < at + b - a)
            {
                items.SetNullAt(nulls[nextNull++] - at);
            }
            var buffers = plan.Values.BufferCount;
            var spans = new MiniBlockBuffers(buffers,
                buffers > 0 ? chunk.Slice(starts[0], sizes[0]) : default,
                buffers > 1 ? chunk.Slice(starts[1], sizes[1]) : default,
                buffers > 2 ? chunk.Slice(starts[2], sizes[2]) : default,
                buffers > 3 ? chunk.Slice(starts[3], sizes[3]) : default);
            plan.Values.Append(spans, plan.ValueStart[c + 1] - plan.ValueStart[c], a, b, items);
        }
    }

    private readonly record struct ChunkHeader(int Levels, int RepStart, int RepBytes, int DefStart, int DefBytes);

    /// <summary>Parses a chunk's header; the value buffers' starts and sizes go to <paramref name="starts"/> and <paramref name="sizes"/>.</summary>
    private static ChunkHeader ParseHeader(ReadOnlySpan<byte> chunk, ListMiniBlockPagePlan plan, Span<int> starts, Span<int> sizes, string path, string column)
    {
        var hasDefs = plan.Definitions is not null;
        var buffers = plan.Values.BufferCount;
        var header = 4 + (hasDefs ? 2 : 0) + 2 * buffers;
        if (chunk.Length < Pad8(header))
        {
            throw LanceFileErrors.Corrupt(path, column, $"a list mini-block chunk of {chunk.Length} bytes is too short for its header");
        }
        var levels = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
        var repBytes = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
        var defBytes = hasDefs ? BinaryPrimitives.ReadUInt16LittleEndian(chunk[4..]) : 0;
        var pos = Pad8(header);
        var repStart = pos;
        pos += Pad8(repBytes);
        var defStart = pos;
        pos += Pad8(defBytes);
        var end = defStart + defBytes;
        for (var i = 0; i < buffers; i++)
        {
            sizes[i] = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(4 + (hasDefs ? 2 : 0) + 2 * i)..]);
            starts[i] = pos;
            end = pos + sizes[i];
            pos += Pad8(sizes[i]);
        }
        if (levels == 0 || repStart + repBytes > chunk.Length || defStart + defBytes > chunk.Length || end > chunk.Length)
        {
            throw LanceFileErrors.Corrupt(path, column,
                $"a list mini-block chunk has a header of {levels} levels, {repBytes} repetition and {defBytes} definition bytes and {buffers} buffers ending at {end} in {chunk.Length} bytes");
        }
        return new ChunkHeader(levels, repStart, repBytes, defStart, defBytes);
    }

    /// <summary>
    /// Copies the chunk's repetition levels to <paramref name="levels"/>[0, n) and its definition levels, if any,
    /// to [n, 2n); returns n.
    /// </summary>
    private static int DecodeLevels(ReadOnlySpan<byte> chunk, ChunkHeader header, ListMiniBlockPagePlan plan, ushort[] levels)
    {
        var n = header.Levels;
        if (2 * n > levels.Length)
        {
            throw LanceFileErrors.Corrupt(plan.Values.Path, plan.Values.Column, $"a list mini-block chunk claims {n} levels");
        }
        // The level decoders return per-thread scratch: copy the repetition levels out before decoding the definitions.
        var rep = levels.AsSpan(0, n);
        plan.Repetitions.Decode(chunk.Slice(header.RepStart, header.RepBytes), n).CopyTo(rep);
        plan.Definitions?.Decode(chunk.Slice(header.DefStart, header.DefBytes), n).CopyTo(levels.AsSpan(n, n));
        return n;
    }

    private static (int[] ValueStart, long[] ByteStart, int[] RowStart, bool[] Preamble) Load(LanceFileSource file, LancePage<PageLayout> page, ListMiniBlockPagePlan plan, string column)
    {
        var path = file.Path;
        var layout = page.Layout.MiniBlockLayout;
        var metadata = file.ReadBytes(page.BufferOffsets[0], page.BufferSizes[0], column);
        var words = MemoryMarshal.Cast<byte, ushort>(metadata.AsSpan(0, metadata.Length & ~1));
        var n = words.Length;
        var valueStart = new int[n + 1];
        var byteStart = new long[n + 1];
        var pageValues = (long)layout.NumItems;
        long values = 0;
        long bytes = 0;
        for (var i = 0; i < n; i++)
        {
            var word = words[i];
            var log = word & 0xF;
            var chunkValues = i == n - 1 ? pageValues - values : 1L << log;
            values += chunkValues;
            bytes += ((word >> 4) + 1) * 8;
            if (chunkValues <= 0 || values > pageValues)
            {
                break;
            }
            valueStart[i + 1] = (int)values;
            byteStart[i + 1] = bytes;
        }
        if (n == 0 || values != pageValues || bytes > (long)page.BufferSizes[1])
        {
            throw LanceFileErrors.Corrupt(path, column,
                $"a list mini-block page's {n} chunks cover {values} values and {bytes} bytes, not its {pageValues} values in {page.BufferSizes[1]} bytes");
        }
        var rowStart = new int[n + 1];
        var preamble = new bool[n];
        if (layout.RepetitionIndexDepth > 0)
        {
            var index = page.BufferOffsets.Length - 1;
            var stride = (int)layout.RepetitionIndexDepth + 1;
            var raw = file.ReadBytes(page.BufferOffsets[index], page.BufferSizes[index], column);
            if (raw.Length != 8 * stride * n)
            {
                throw LanceFileErrors.Corrupt(path, column, $"a list mini-block page of {n} chunks has a repetition index of {raw.Length} bytes");
            }
            long rows = 0;
            var carried = false;
            for (var i = 0; i < n; i++)
            {
                var ended = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(8 * stride * i));
                var partial = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(8 * stride * i + 8));
                preamble[i] = carried;
                // Rows that start in the chunk: those it ends, plus one left open, less the one it finishes.
                var started = (long)Math.Min(ended, (ulong)int.MaxValue) + (partial > 0 ? 1 : 0) - (carried ? 1 : 0);
                if (started < 0 || rows + started > page.Rows || (i == 0 && carried))
                {
                    throw LanceFileErrors.Corrupt(path, column, $"a list mini-block page's repetition index claims {started} rows in chunk {i}");
                }
                rowStart[i] = (int)rows;
                rows += started;
                carried = partial > 0;
            }
            if (rows != page.Rows || carried)
            {
                throw LanceFileErrors.Corrupt(path, column, $"a list mini-block page's repetition index covers {rows} rows, not its {page.Rows}");
            }
        }
        else
        {
            // No index: count the row starts of every chunk's repetition levels.
            var all = file.ReadBytes(page.BufferOffsets[1], (ulong)bytes, column);
            var levels = new ushort[MaxLevels];
            Span<int> starts = stackalloc int[MiniBlockBuffers.Max];
            Span<int> sizes = stackalloc int[MiniBlockBuffers.Max];
            var rows = 0;
            for (var i = 0; i < n; i++)
            {
                var chunk = all.AsSpan((int)byteStart[i], (int)(byteStart[i + 1] - byteStart[i]));
                var rep = levels.AsSpan(0, DecodeLevels(chunk, ParseHeader(chunk, plan, starts, sizes, path, column), plan, levels));
                preamble[i] = rep[0] != 1;
                rowStart[i] = rows;
                foreach (var r in rep)
                {
                    rows += r == 1 ? 1 : 0;
                }
            }
            if (rows != page.Rows || preamble[0])
            {
                throw LanceFileErrors.Corrupt(path, column, $"a list mini-block page's repetition levels start {rows} rows, not its {page.Rows}");
            }
        }
        rowStart[n] = page.Rows;
        if (plan.Dictionary is { } dictionary)
        {
            dictionary.Load(file.ReadBytes(page.BufferOffsets[2], page.BufferSizes[2], column));
        }
        return (valueStart, byteStart, rowStart, preamble);
    }

    /// <summary>The chunk where row <paramref name="row"/> starts: the first whose next chunk's first row is after it.</summary>
    private static int ChunkOfRow(int[] rowStart, int row, int chunks)
    {
        var lo = 0;
        var hi = chunks - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (rowStart[mid + 1] > row)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static int Pad8(int n) => (n + 7) & ~7;
}
