using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Lance 2.1's full-zip layout for wide values (256 bytes a row or more, and any value over what a
/// 32 KiB mini-block chunk holds). Each row is its control word (the definition level, one byte, when
/// the page has nulls) zipped with its value: fixed width always carries the value bytes (null rows too);
/// variable width carries a u32 length and the bytes, and nothing for a null. Variable pages add a
/// repetition index: rows + 1 byte positions of each row in the data buffer, packed as u8/u16/u32/u64
/// by the largest.
/// </summary>
internal static class FullZipEncoding
{
    /// <summary>Zips the page into <paramref name="data"/> and, for variable width, its repetition index into <paramref name="repetitionIndex"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PageLayout Encode(LancePageBuffer page, LanceByteBuffer data, LanceByteBuffer repetitionIndex)
    {
        data.Clear();
        repetitionIndex.Clear();
        var type = page.Type;
        var count = page.Count;
        var hasDefs = page.HasDefinitions;
        var defs = page.DefinitionSpan;
        var layout = new FullZipLayout
        {
            BitsDef = hasDefs ? 1u : 0u,
            NumItems = (uint)count,
            NumVisibleItems = (uint)count,
            ValueCompression = LanceValueCompression.For(type),
        };
        layout.Layers.Add(hasDefs ? RepDefLayer.RepdefNullableItem : RepDefLayer.RepdefAllValidItem);
        if (type.Kind == LanceLeafKind.Fixed)
        {
            layout.BitsPerValue = (uint)type.RowBytes * 8;
            var width = type.RowBytes;
            var values = page.Values.Span;
            if (!hasDefs)
            {
                data.Append(values[..(count * width)]);
            }
            else
            {
                var stride = width + 1;
                var dest = data.Grow(count * stride);
                for (var i = 0; i < count; i++)
                {
                    dest[i * stride] = (byte)defs[i];
                    values.Slice(i * width, width).CopyTo(dest.Slice(i * stride + 1, width));
                }
            }
        }
        else if (type.Kind == LanceLeafKind.Variable)
        {
            layout.BitsPerOffset = 32;
            var offsets = page.OffsetSpan;
            var values = page.Values.Span;
            var positions = new long[count + 1];
            for (var i = 0; i < count; i++)
            {
                positions[i] = data.Length;
                var isNull = hasDefs && defs[i] != 0;
                if (hasDefs)
                {
                    data.Grow(1)[0] = (byte)defs[i];
                }
                if (!isNull)
                {
                    var len = offsets[i + 1] - offsets[i];
                    BinaryPrimitives.WriteUInt32LittleEndian(data.Grow(4), (uint)len);
                    data.Append(values.Slice(offsets[i], len));
                }
            }
            positions[count] = data.Length;
            FullZipRepetitionIndex.Write(positions, repetitionIndex);
        }
        else
        {
            throw new InvalidOperationException("Bool pages are mini-block.");
        }
        return new PageLayout { FullZipLayout = layout };
    }

    /// <summary>Checks a page against the column's type at open and keeps its <see cref="FullZipValues"/> in the page's state.</summary>
    public static void Validate(LancePage<PageLayout> page, LanceLeafType type, string path, string column)
    {
        var layout = page.Layout.FullZipLayout;
        if (layout.BitsRep != 0)
        {
            throw LanceFileErrors.Unsupported(path, column, "a full-zip page with repetition levels");
        }
        var nullable = layout.Layers.Count == 1 && layout.Layers[0] == RepDefLayer.RepdefNullableItem;
        if (layout.Layers.Count != 1 || (!nullable && layout.Layers[0] != RepDefLayer.RepdefAllValidItem) ||
            layout.BitsDef != (nullable ? 1u : 0u))
        {
            throw LanceFileErrors.Unsupported(path, column, $"a full-zip page with {layout.BitsDef} definition bits and layers [{string.Join(", ", layout.Layers)}]");
        }
        if (layout.NumItems != (uint)page.Rows || layout.NumVisibleItems != (uint)page.Rows)
        {
            throw LanceFileErrors.Corrupt(path, column, $"a full-zip page of {page.Rows} rows has {layout.NumItems} items");
        }
        var values = FullZipValues.Parse(layout, type, path, column);
        if (type.Kind == LanceLeafKind.Fixed)
        {
            if (page.BufferOffsets.Length < 1 ||
                page.BufferSizes[0] < (ulong)page.Rows * (ulong)(type.RowBytes + values.ValidityBytes + (nullable ? 1 : 0)))
            {
                throw LanceFileErrors.Corrupt(path, column, $"a full-zip page of {page.Rows} rows has {page.BufferOffsets.Length} buffers, too short for its rows");
            }
        }
        else
        {
            var width = page.BufferOffsets.Length >= 2 ? page.BufferSizes[1] / (ulong)(page.Rows + 1) : 0;
            if (width is not (1 or 2 or 4 or 8) || page.BufferSizes[1] != (ulong)(page.Rows + 1) * width)
            {
                throw LanceFileErrors.Corrupt(path, column, $"a full-zip page of {page.Rows} rows has no repetition index of 1, 2, 4 or 8 bytes a row");
            }
        }
        page.State = values;
    }

    /// <summary>Decodes rows [from, from + count) of the page into <paramref name="builder"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decode(LanceFileSource file, LancePage<PageLayout> page, LanceLeafType type, int from, int count, LanceArrayBuilder builder, string column)
    {
        var nullable = page.Layout.FullZipLayout.BitsDef != 0;
        var values = (FullZipValues)page.State!;
        if (type.Kind == LanceLeafKind.Fixed)
        {
            DecodeFixed(file, page, type, from, count, nullable, values.ValidityBytes, builder, column);
            return;
        }
        FullZipVariableDecoder.Decode(file, page, values, from, count, nullable, builder, column);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeFixed(LanceFileSource file, LancePage<PageLayout> page, LanceLeafType type, int from, int count, bool nullable,
        int validityBytes, LanceArrayBuilder builder, string column)
    {
        var width = type.RowBytes;
        var stride = width + validityBytes + (nullable ? 1 : 0);
        if (!nullable && validityBytes == 0)
        {
            file.ReadExactly(page.BufferOffsets[0] + (ulong)from * (ulong)stride, builder.FixedDestination(count), column);
            builder.Advance(count);
            return;
        }
        // Rows hold [definition byte][item validity bits][values]: unzip a bounded batch of rows at a time.
        var batch = Math.Max(1, Math.Min(count, (1 << 20) / stride));
        var rented = ArrayPool<byte>.Shared.Rent(checked(batch * stride));
        try
        {
            for (var done = 0; done < count; done += batch)
            {
                var rows = Math.Min(batch, count - done);
                var bytes = rented.AsSpan(0, rows * stride);
                file.ReadExactly(page.BufferOffsets[0] + (ulong)(from + done) * (ulong)stride, bytes, column);
                var dest = builder.FixedDestination(rows);
                for (var i = 0; i < rows; i++)
                {
                    var row = bytes.Slice(i * stride, stride);
                    if (nullable)
                    {
                        if (row[0] != 0)
                        {
                            builder.SetNullAt(i);
                        }
                        row = row[1..];
                    }
                    if (validityBytes != 0)
                    {
                        builder.ApplyItemValidity(row[..validityBytes], 0, 1, i);
                    }
                    row[validityBytes..].CopyTo(dest.Slice(i * width, width));
                }
                builder.Advance(rows);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
