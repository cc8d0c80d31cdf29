using Apache.Arrow;

namespace Geneva.Core.Arrow;

/// <summary>
/// Row selection over arrays (Arrow C# has no compute kernels). Goes through boxed values, so
/// it is for filtered paths only; unfiltered backfills never select.
/// </summary>
public static class ArrowSelection
{
    public static int[] Indices(bool[] mask)
    {
        var count = 0;
        foreach (var m in mask)
        {
            count += m ? 1 : 0;
        }
        var result = new int[count];
        var j = 0;
        for (var i = 0; i < mask.Length; i++)
        {
            if (mask[i])
            {
                result[j++] = i;
            }
        }
        return result;
    }

    /// <summary>A new array (owned by the caller) of the rows at <paramref name="indices"/>.</summary>
    public static IArrowArray Take(IArrowArray array, IReadOnlyList<int> indices)
    {
        var values = new object?[indices.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ArrowValues.GetValue(array, indices[i]);
        }
        return ArrowValues.Build(array.Data.DataType, values);
    }

    public static RecordBatch Take(RecordBatch batch, IReadOnlyList<int> indices)
    {
        var columns = new IArrowArray[batch.ColumnCount];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = Take(batch.Column(c), indices);
        }
        return new RecordBatch(batch.Schema, columns, indices.Count);
    }

    /// <summary>
    /// <paramref name="computed"/> at the rows in <paramref name="indices"/>, <paramref name="existing"/>
    /// (or null when it is null) everywhere else.
    /// </summary>
    public static IArrowArray Merge(IArrowArray? existing, IArrowArray computed, IReadOnlyList<int> indices, int length)
    {
        var values = new object?[length];
        if (existing is not null)
        {
            for (var i = 0; i < length; i++)
            {
                values[i] = ArrowValues.GetValue(existing, i);
            }
        }
        for (var j = 0; j < indices.Count; j++)
        {
            values[indices[j]] = ArrowValues.GetValue(computed, j);
        }
        return ArrowValues.Build(computed.Data.DataType, values);
    }
}
