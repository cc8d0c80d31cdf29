using Apache.Arrow;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The bytes a page (2.0 or 2.1) stores for fixed-width Arrow rows: the values, or a vector's items row
/// after row. A vector row is null or whole, so both formats store the same columns.
/// </summary>
internal static class LanceFixedWidthRows
{
    /// <summary>Appends the bytes of rows [first, first + count) of <paramref name="data"/> (first counts from the buffers' start).</summary>
    public static void Append(LanceByteBuffer values, LanceLeafType type, string column, ArrayData data, int first, int count, ReadOnlySpan<byte> validity)
    {
        var width = type.RowBytes;
        if (!type.IsFixedSizeList)
        {
            values.Append(data.Buffers[1].Span.Slice(first * width, count * width));
            return;
        }
        var child = data.Children[0];
        if (child.NullCount > 0)
        {
            CheckNoNullItems(type, column, child, first, count, validity);
        }
        var itemStart = child.Offset + first * type.Dimension;
        values.Append(child.Buffers[1].Span.Slice(itemStart * type.ItemBytes, count * width));
    }

    private static void CheckNoNullItems(LanceLeafType type, string column, ArrayData child, int first, int count, ReadOnlySpan<byte> validity)
    {
        var childValidity = child.Buffers[0].Span;
        var dim = type.Dimension;
        for (var row = first; row < first + count; row++)
        {
            if (!validity.IsEmpty && !LanceBits.Get(validity, row))
            {
                continue;
            }
            for (var k = 0; k < dim; k++)
            {
                if (!LanceBits.Get(childValidity, child.Offset + row * dim + k))
                {
                    throw LanceFileErrors.CannotWrite(column, "a fixed_size_list row holds a null item (only whole rows may be null)");
                }
            }
        }
    }
}
