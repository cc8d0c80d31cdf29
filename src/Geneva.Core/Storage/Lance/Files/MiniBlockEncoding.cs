using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Geneva.Core.Storage.Lance.Files.Decoders;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Lance 2.1's mini-block layout for narrow values (under 256 bytes a row). A page is two buffers (three with
/// a dictionary): chunk metadata (one u16 a chunk: <c>((bytes / 8 - 1) &lt;&lt; 4) | log2(rows)</c>, the last
/// chunk's log2 0 meaning "the rest") and the chunks themselves. Every chunk but the last holds a power of two
/// rows. Each chunk is <c>u16 levels | [u16 def bytes] | u16 bytes per value buffer | pad8 | [def levels | pad8] |
/// (value buffer | pad8)*</c>.
/// Geneva writes flat or variable values (32-bit offsets counted from the start of the value buffer, then the
/// bytes, padded to 4) and flat u16 definition levels (1 = null), at most 4096 rows and 32 KiB a chunk. It reads
/// what LanceDB 0.31 writes as well, through a <see cref="Decoders.MiniBlockValueDecoder"/> per page (bitpacking,
/// RLE, dictionaries, FSST, byte-stream split, zstd/lz4) and a <see cref="Decoders.DefinitionLevelDecoder"/>.
/// </summary>
internal static class MiniBlockEncoding
{
    public const int MaxChunkBytes = 32 * 1024;
    public const int MaxChunkRows = 4096;

    /// <summary>Rows at or above this many bytes go full-zip, as in Lance (MINIBLOCK_MAX_BYTE_LENGTH_PER_VALUE).</summary>
    public const int MaxNarrowBytes = 256;

    /// <summary>Writes the page's chunks to <paramref name="data"/> and their metadata words to <paramref name="metadata"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PageLayout Encode(LancePageBuffer page, LanceByteBuffer metadata, LanceByteBuffer data)
    {
        metadata.Clear();
        data.Clear();
        var count = page.Count;
        var hasDefs = page.HasDefinitions;
        var type = page.Type;
        var row = 0;
        if (type.Kind == LanceLeafKind.Variable)
        {
            var offsets = page.OffsetSpan;
            while (row < count)
            {
                var rows = VariableChunkRows(offsets, row, count, hasDefs);
                var chunkStart = data.Length;
                WriteVariableChunk(page, row, rows, data);
                AddChunkWord(metadata, data.Length - chunkStart, ref row, rows, count);
            }
        }
        else
        {
            var full = FixedChunkRows(type, hasDefs);
            while (row < count)
            {
                var rows = Math.Min(full, count - row);
                var chunkStart = data.Length;
                WriteFixedChunk(page, row, rows, data);
                AddChunkWord(metadata, data.Length - chunkStart, ref row, rows, count);
            }
        }
        var layout = new Proto.MiniBlockLayout
        {
            ValueCompression = LanceValueCompression.For(type),
            NumBuffers = 1,
            NumItems = (ulong)count,
        };
        if (hasDefs)
        {
            layout.DefCompression = LanceValueCompression.Flat(16);
        }
        layout.Layers.Add(hasDefs ? RepDefLayer.RepdefNullableItem : RepDefLayer.RepdefAllValidItem);
        return new PageLayout { MiniBlockLayout = layout };
    }

    private static void AddChunkWord(LanceByteBuffer metadata, int bytes, ref int row, int rows, int count)
    {
        var last = row + rows == count;
        var log = last ? 0 : System.Numerics.BitOperations.Log2((uint)rows);
        metadata.AppendUInt16((ushort)(((bytes / 8 - 1) << 4) | log));
        row += rows;
    }

    /// <summary>The rows of a full fixed-width (or bool) chunk: the largest power of two that fits in 32 KiB.</summary>
    internal static int FixedChunkRows(LanceLeafType type, bool hasDefs)
    {
        var rows = MaxChunkRows;
        while (rows > 2 && FixedChunkBytes(type, rows, hasDefs) > MaxChunkBytes)
        {
            rows >>= 1;
        }
        return rows;
    }

    private static int FixedChunkBytes(LanceLeafType type, int rows, bool hasDefs)
    {
        var values = type.Kind == LanceLeafKind.Bool ? (rows + 7) >> 3 : rows * type.RowBytes;
        return 8 + (hasDefs ? Pad8(2 * rows) : 0) + Pad8(values);
    }

    private static int VariableChunkBytes(ReadOnlySpan<int> offsets, int start, int rows, bool hasDefs) =>
        8 + (hasDefs ? Pad8(2 * rows) : 0) + Pad8(Pad4(4 * (rows + 1) + offsets[start + rows] - offsets[start]));

    /// <summary>The rest of the page when it fits one chunk, else the largest power of two rows that fits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int VariableChunkRows(ReadOnlySpan<int> offsets, int start, int count, bool hasDefs)
    {
        var remaining = count - start;
        if (remaining <= MaxChunkRows && VariableChunkBytes(offsets, start, remaining, hasDefs) <= MaxChunkBytes)
        {
            return remaining;
        }
        var rows = 1;
        while (rows * 2 <= MaxChunkRows && rows * 2 < remaining &&
               VariableChunkBytes(offsets, start, rows * 2, hasDefs) <= MaxChunkBytes)
        {
            rows *= 2;
        }
        if (rows < 2)
        {
            // Two values under 256 bytes always fit; a single row per chunk cannot be expressed (log2 0 means "the rest").
            throw new InvalidOperationException("A mini-block chunk cannot hold two values.");
        }
        return rows;
    }

    private static void WriteHeader(LanceByteBuffer data, int rows, bool hasDefs, int valueBytes)
    {
        data.AppendUInt16(hasDefs ? (ushort)rows : (ushort)0);
        if (hasDefs)
        {
            data.AppendUInt16((ushort)(rows * 2));
        }
        data.AppendUInt16((ushort)valueBytes);
        data.PadTo(8, 0);
    }

    private static void WriteDefinitions(LancePageBuffer page, int start, int rows, LanceByteBuffer data)
    {
        if (page.HasDefinitions)
        {
            data.Append(page.Definitions.Span.Slice(start * 2, rows * 2));
            data.PadTo(8, 0);
        }
    }

    private static void WriteFixedChunk(LancePageBuffer page, int start, int rows, LanceByteBuffer data)
    {
        var type = page.Type;
        if (type.Kind == LanceLeafKind.Bool)
        {
            var bytes = (rows + 7) >> 3;
            WriteHeader(data, rows, page.HasDefinitions, bytes);
            WriteDefinitions(page, start, rows, data);
            // Chunks start on a multiple of 4096 rows, a whole byte of the page's bits.
            var dest = data.Grow(bytes);
            page.Values.Span.Slice(start >> 3, bytes).CopyTo(dest);
            if ((rows & 7) != 0)
            {
                dest[^1] &= (byte)((1 << (rows & 7)) - 1);
            }
        }
        else
        {
            var bytes = rows * type.RowBytes;
            WriteHeader(data, rows, page.HasDefinitions, bytes);
            WriteDefinitions(page, start, rows, data);
            data.Append(page.Values.Span.Slice(start * type.RowBytes, bytes));
        }
        data.PadTo(8, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteVariableChunk(LancePageBuffer page, int start, int rows, LanceByteBuffer data)
    {
        var offsets = page.OffsetSpan;
        var first = offsets[start];
        var length = offsets[start + rows] - first;
        var valueBytes = Pad4(4 * (rows + 1) + length);
        WriteHeader(data, rows, page.HasDefinitions, valueBytes);
        WriteDefinitions(page, start, rows, data);
        var chunkOffsets = MemoryMarshal.Cast<byte, int>(data.Grow(4 * (rows + 1)));
        var shift = 4 * (rows + 1) - first;
        var source = offsets.Slice(start, rows + 1);
        for (var i = 0; i < chunkOffsets.Length; i++)
        {
            chunkOffsets[i] = source[i] + shift;
        }
        data.Append(page.Values.Span.Slice(first, length));
        data.PadTo(8, 0);
    }

    private static int Pad8(int n) => (n + 7) & ~7;

    private static int Pad4(int n) => (n + 3) & ~3;

    /// <summary>
    /// Checks the page's layout and makes its decoders (kept in the page's state); throws DataFileCorrupt for a
    /// broken layout and LanceUnsupportedEncoding, naming the encoding, for what Geneva does not read.
    /// </summary>
    public static void Validate(LancePage<PageLayout> page, LanceLeafType type, string path, string column)
    {
        var layout = page.Layout.MiniBlockLayout;
        if (layout.RepCompression is not null || layout.RepetitionIndexDepth != 0)
        {
            throw LanceFileErrors.Unsupported(path, column, "a mini-block page with repetition levels (a list)");
        }
        if (layout.Layers.Count != 1 ||
            (layout.Layers[0] != RepDefLayer.RepdefAllValidItem && layout.Layers[0] != RepDefLayer.RepdefNullableItem))
        {
            throw LanceFileErrors.Unsupported(path, column, $"mini-block layers [{string.Join(", ", layout.Layers)}]");
        }
        var nullable = layout.Layers[0] == RepDefLayer.RepdefNullableItem;
        if (nullable != (layout.DefCompression is not null))
        {
            throw LanceFileErrors.Corrupt(path, column, $"a mini-block page with layer {layout.Layers[0]} has definition levels compressed as {layout.DefCompression}");
        }
        var definitions = layout.DefCompression is null ? null :
            DefinitionLevelDecoder.TryCreate(layout.DefCompression, path, column) ??
            throw LanceFileErrors.Unsupported(path, column, $"definition levels compressed as {LanceValueCompression.Describe(layout.DefCompression)}");
        DictionaryValueDecoder? dictionary = null;
        MiniBlockValueDecoder values;
        if (layout.Dictionary is not null)
        {
            var indices = LanceValueCompression.TryIndexDecoder(layout.ValueCompression, path, column) ??
                throw LanceFileErrors.Unsupported(path, column, $"dictionary indices compressed as {LanceValueCompression.Describe(layout.ValueCompression)}");
            var itemBytes = layout.Dictionary switch
            {
                { Variable: { Values: null, Offsets.Flat: { BitsPerValue: 32 or 64, Data: null } } } when type.Kind == LanceLeafKind.Variable => 0,
                { Flat: { Data: null } flat } when type.Kind == LanceLeafKind.Fixed && flat.BitsPerValue == (ulong)type.RowBytes * 8 => type.RowBytes,
                _ => throw LanceFileErrors.Unsupported(path, column,
                    $"a dictionary of {type.ArrowType.Name} items compressed as {LanceValueCompression.Describe(layout.Dictionary)}"),
            };
            if (layout.NumDictionaryItems > int.MaxValue / 8 || page.BufferOffsets.Length < 3)
            {
                throw LanceFileErrors.Corrupt(path, column, $"a mini-block dictionary of {layout.NumDictionaryItems} items in {page.BufferOffsets.Length} page buffers");
            }
            values = dictionary = new DictionaryValueDecoder(indices, itemBytes, (int)layout.NumDictionaryItems, path, column);
        }
        else
        {
            values = LanceValueCompression.MiniBlockDecoder(layout.ValueCompression, type, path, column);
        }
        if (layout.NumBuffers != (ulong)values.BufferCount || page.BufferOffsets.Length < 2)
        {
            throw LanceFileErrors.Corrupt(path, column, $"a mini-block page of {values.Name} values has {layout.NumBuffers} value buffers and {page.BufferOffsets.Length} page buffers");
        }
        if (layout.NumItems != (ulong)page.Rows)
        {
            throw LanceFileErrors.Corrupt(path, column, $"a mini-block page of {page.Rows} rows has {layout.NumItems} items");
        }
        page.State = new MiniBlockPagePlan(values, definitions, dictionary);
    }

    /// <summary>What a mini-block page's values and definition levels are encoded as (e.g. for the decode bench).</summary>
    public static string Describe(LancePage<PageLayout> page) => page.State is MiniBlockPagePlan plan
        ? plan.Definitions is null ? plan.Values.Name : $"{plan.Values.Name}, nulls {plan.Definitions.Name}"
        : "mini-block";

    /// <summary>Decodes rows [from, from + count) of the page (relative to its first row) into <paramref name="builder"/>.</summary>
    public static void Decode(LanceFileSource file, LancePage<PageLayout> page, LanceLeafType type, int from, int count, LanceArrayBuilder builder, string column)
    {
        var plan = page.State as MiniBlockPagePlan ?? throw new InvalidOperationException("A mini-block page is decoded before it was validated.");
        plan.EnsureLoaded(() => LoadIndex(file, page, plan, column));
        var rowStart = plan.RowStart;
        var byteStart = plan.ByteStart;
        var c0 = ChunkOf(rowStart, from);
        var c1 = ChunkOf(rowStart, from + count - 1);
        var byteFrom = byteStart[c0];
        var total = (int)(byteStart[c1 + 1] - byteFrom);
        var rented = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var bytes = rented.AsSpan(0, total);
            file.ReadExactly(page.BufferOffsets[1] + (ulong)byteFrom, bytes, column);
            for (var c = c0; c <= c1; c++)
            {
                var chunk = bytes.Slice((int)(byteStart[c] - byteFrom), (int)(byteStart[c + 1] - byteStart[c]));
                var chunkRows = rowStart[c + 1] - rowStart[c];
                var a = Math.Max(from, rowStart[c]) - rowStart[c];
                var b = Math.Min(from + count, rowStart[c + 1]) - rowStart[c];
                DecodeChunk(chunk, chunkRows, a, b, plan, builder, file.Path, column);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A chunk is <c>u16 levels | [u16 def bytes] | u16 bytes per value buffer | pad8 | [defs | pad8] | (buffer | pad8)*</c>;
    /// decodes its rows [a, b).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeChunk(ReadOnlySpan<byte> chunk, int chunkRows, int a, int b, MiniBlockPagePlan plan,
                                    LanceArrayBuilder builder, string path, string column)
    {
        var decoder = plan.Values;
        var hasDefs = plan.Definitions is not null;
        var buffers = decoder.BufferCount;
        var header = 2 + (hasDefs ? 2 : 0) + 2 * buffers;
        if (chunk.Length < Pad8(header))
        {
            throw LanceFileErrors.Corrupt(path, column, $"a mini-block chunk of {chunk.Length} bytes is too short for its header");
        }
        var levels = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
        var defBytes = hasDefs ? BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]) : 0;
        Span<int> starts = stackalloc int[MiniBlockBuffers.Max];
        Span<int> sizes = stackalloc int[MiniBlockBuffers.Max];
        var pos = Pad8(header);
        var defStart = pos;
        pos += Pad8(defBytes);
        for (var i = 0; i < buffers; i++)
        {
            sizes[i] = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(2 + (hasDefs ? 2 : 0) + 2 * i)..]);
            starts[i] = pos;
            pos += Pad8(sizes[i]);
        }
        var end = buffers == 0 ? defStart + defBytes : starts[buffers - 1] + sizes[buffers - 1];
        if ((hasDefs ? levels != chunkRows : levels != 0) || defStart + defBytes > chunk.Length || end > chunk.Length)
        {
            throw LanceFileErrors.Corrupt(path, column,
                $"a mini-block chunk of {chunkRows} rows has a header of {levels} levels, {defBytes} definition bytes and {buffers} buffers ending at {end} in {chunk.Length} bytes");
        }
        if (hasDefs)
        {
            var defs = plan.Definitions!.Decode(chunk.Slice(defStart, defBytes), chunkRows);
            builder.ApplyDefinitions(defs[a..b]);
        }
        var spans = new MiniBlockBuffers(buffers,
            chunk.Slice(starts[0], sizes[0]),
            buffers > 1 ? chunk.Slice(starts[1], sizes[1]) : default,
            buffers > 2 ? chunk.Slice(starts[2], sizes[2]) : default,
            buffers > 3 ? chunk.Slice(starts[3], sizes[3]) : default);
        decoder.Append(spans, chunkRows, a, b, builder);
    }

    private static int ChunkOf(int[] rowStart, int row)
    {
        var i = System.Array.BinarySearch(rowStart, row);
        return i >= 0 ? i : ~i - 1;
    }

    private static (int[] RowStart, long[] ByteStart) LoadIndex(LanceFileSource file, LancePage<PageLayout> page, MiniBlockPagePlan plan, string column)
    {
        var metadata = file.ReadBytes(page.BufferOffsets[0], page.BufferSizes[0], column);
        var words = MemoryMarshal.Cast<byte, ushort>(metadata.AsSpan(0, metadata.Length & ~1));
        var rowStart = new int[words.Length + 1];
        var byteStart = new long[words.Length + 1];
        long rows = 0;
        long bytes = 0;
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i];
            var log = word & 0xF;
            var chunkRows = log == 0 && i == words.Length - 1 ? page.Rows - rows : 1L << log;
            rows += chunkRows;
            bytes += ((word >> 4) + 1) * 8;
            if (chunkRows <= 0 || rows > page.Rows)
            {
                break;
            }
            rowStart[i + 1] = (int)rows;
            byteStart[i + 1] = bytes;
        }
        if (rows != page.Rows || bytes > (long)page.BufferSizes[1] || words.Length == 0)
        {
            throw LanceFileErrors.Corrupt(file.Path, column,
                $"a mini-block page's {words.Length} chunks cover {rows} rows and {bytes} bytes, not its {page.Rows} rows in {page.BufferSizes[1]} bytes");
        }
        if (plan.Dictionary is { } dictionary)
        {
            dictionary.Load(file.ReadBytes(page.BufferOffsets[2], page.BufferSizes[2], column));
        }
        return (rowStart, byteStart);
    }
}
