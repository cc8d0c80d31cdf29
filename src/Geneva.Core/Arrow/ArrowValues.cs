using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Arrow;

/// <summary>
/// Converts between Arrow arrays and plain .NET values, for the edges where rows become
/// objects (scalar UDFs, scriptblocks, rows piped into a table, rows read back out).
/// Hot paths stay in Arrow; nothing here is used by batch UDFs.
/// </summary>
public static class ArrowValues
{
    private static readonly DateTime s_epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The value at <paramref name="index"/> as a .NET object, or null.</summary>
    public static object? GetValue(IArrowArray array, int index)
    {
        if (array.IsNull(index))
        {
            return null;
        }
        return array switch
        {
            BooleanArray a => a.GetValue(index),
            Int8Array a => a.GetValue(index),
            Int16Array a => a.GetValue(index),
            Int32Array a => a.GetValue(index),
            Int64Array a => a.GetValue(index),
            UInt8Array a => a.GetValue(index),
            UInt16Array a => a.GetValue(index),
            UInt32Array a => a.GetValue(index),
            UInt64Array a => a.GetValue(index),
            FloatArray a => a.GetValue(index),
            DoubleArray a => a.GetValue(index),
            StringArray a => a.GetString(index),
            BinaryArray a => a.GetBytes(index).ToArray(),
            LargeStringArray a => a.GetString(index),
            LargeBinaryArray a => a.GetBytes(index).ToArray(),
            Date32Array a => a.GetDateTime(index),
            TimestampArray a => a.GetTimestamp(index),
            FixedSizeListArray a => ListToArray(a.Values, index * ((FixedSizeListType)a.Data.DataType).ListSize,
                ((FixedSizeListType)a.Data.DataType).ListSize),
            ListArray a => ListToArray(a.Values, a.ValueOffsets[index], a.GetValueLength(index)),
            _ => throw new GenevaException(GenevaErrorCode.TypeMismatch,
                $"Arrow type '{array.Data.DataType.Name}' is not supported.", array.Data.DataType.Name),
        };
    }

    private static object ListToArray(IArrowArray values, int offset, int length)
    {
        // Typed arrays for the common numeric element types: embeddings are float[].
        switch (values)
        {
            case FloatArray f when f.NullCount == 0:
                return f.Values.Slice(offset, length).ToArray();
            case DoubleArray d when d.NullCount == 0:
                return d.Values.Slice(offset, length).ToArray();
            case Int32Array i when i.NullCount == 0:
                return i.Values.Slice(offset, length).ToArray();
            case Int64Array l when l.NullCount == 0:
                return l.Values.Slice(offset, length).ToArray();
        }
        var result = new object?[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = GetValue(values, offset + i);
        }
        return result;
    }

    /// <summary>
    /// Builds an array of <paramref name="type"/> from values, converting numbers and strings
    /// where the conversion is lossless in spirit (an int for a float64 column, "1" for int32).
    /// Throws <see cref="GenevaException"/> (TypeMismatch) naming the first value that does not fit.
    /// </summary>
    public static IArrowArray Build(IArrowType type, IReadOnlyList<object?> values)
    {
        var index = 0;
        try
        {
            return type switch
            {
                BooleanType => Fill(new BooleanArray.Builder(), values, ref index, v => Convert.ToBoolean(v, CultureInfo.InvariantCulture)),
                Int8Type => Fill(new Int8Array.Builder(), values, ref index, v => Convert.ToSByte(v, CultureInfo.InvariantCulture)),
                Int16Type => Fill(new Int16Array.Builder(), values, ref index, v => Convert.ToInt16(v, CultureInfo.InvariantCulture)),
                Int32Type => Fill(new Int32Array.Builder(), values, ref index, v => Convert.ToInt32(v, CultureInfo.InvariantCulture)),
                Int64Type => Fill(new Int64Array.Builder(), values, ref index, v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
                UInt8Type => Fill(new UInt8Array.Builder(), values, ref index, v => Convert.ToByte(v, CultureInfo.InvariantCulture)),
                UInt16Type => Fill(new UInt16Array.Builder(), values, ref index, v => Convert.ToUInt16(v, CultureInfo.InvariantCulture)),
                UInt32Type => Fill(new UInt32Array.Builder(), values, ref index, v => Convert.ToUInt32(v, CultureInfo.InvariantCulture)),
                UInt64Type => Fill(new UInt64Array.Builder(), values, ref index, v => Convert.ToUInt64(v, CultureInfo.InvariantCulture)),
                FloatType => Fill(new FloatArray.Builder(), values, ref index, v => Convert.ToSingle(v, CultureInfo.InvariantCulture)),
                DoubleType => Fill(new DoubleArray.Builder(), values, ref index, v => Convert.ToDouble(v, CultureInfo.InvariantCulture)),
                StringType => BuildStrings(values, ref index),
                BinaryType => BuildBinary(values, ref index),
                Date32Type => Fill<DateTime, Date32Array, Date32Array.Builder>(new Date32Array.Builder(), values, ref index, ToDateTime),
                TimestampType t => BuildTimestamps(t, values, ref index),
                FixedSizeListType f => BuildFixedSizeList(f, values, ref index),
                ListType l => BuildList(l, values, ref index),
                _ => throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"Arrow type '{type.Name}' is not supported.", type.Name),
            };
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            var value = index < values.Count ? values[index] : null;
            throw new GenevaException(GenevaErrorCode.TypeMismatch,
                $"Value '{value}' ({value?.GetType().Name ?? "null"}) at row {index} cannot be stored as " +
                $"{ArrowTypeNames.Format(type)}: {e.Message}", index, e);
        }
    }

    private static IArrowArray Fill<T, TArray, TBuilder>(IArrowArrayBuilder<T, TArray, TBuilder> builder,
        IReadOnlyList<object?> values, ref int index, Func<object, T> convert)
        where TArray : IArrowArray
        where TBuilder : IArrowArrayBuilder<TArray>
    {
        builder.Reserve(values.Count);
        for (index = 0; index < values.Count; index++)
        {
            var v = values[index];
            if (v is null || v is DBNull)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(convert(v));
            }
        }
        return builder.Build(default);
    }

    private static IArrowArray BuildStrings(IReadOnlyList<object?> values, ref int index)
    {
        var builder = new StringArray.Builder();
        for (index = 0; index < values.Count; index++)
        {
            var v = values[index];
            if (v is null || v is DBNull)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(v as string ?? Convert.ToString(v, CultureInfo.InvariantCulture));
            }
        }
        return builder.Build();
    }

    private static IArrowArray BuildBinary(IReadOnlyList<object?> values, ref int index)
    {
        var builder = new BinaryArray.Builder();
        for (index = 0; index < values.Count; index++)
        {
            switch (values[index])
            {
                case null or DBNull:
                    builder.AppendNull();
                    break;
                case byte[] bytes:
                    builder.Append(bytes.AsSpan());
                    break;
                case string s:
                    builder.Append(Convert.FromBase64String(s).AsSpan());
                    break;
                case var other:
                    throw new InvalidCastException($"Expected byte[] but got {other.GetType().Name}.");
            }
        }
        return builder.Build();
    }

    private static DateTime ToDateTime(object v) => v switch
    {
        DateTime d => d,
        DateTimeOffset o => o.UtcDateTime,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        string s => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        _ => Convert.ToDateTime(v, CultureInfo.InvariantCulture),
    };

    private static IArrowArray BuildTimestamps(TimestampType type, IReadOnlyList<object?> values, ref int index)
    {
        var builder = new TimestampArray.Builder(type);
        for (index = 0; index < values.Count; index++)
        {
            var v = values[index];
            if (v is null || v is DBNull)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(v is DateTimeOffset o ? o : new DateTimeOffset(DateTime.SpecifyKind(ToDateTime(v).ToUniversalTime(), DateTimeKind.Utc)));
            }
        }
        return builder.Build();
    }

    private static IReadOnlyList<object?> AsList(object v) => v switch
    {
        IReadOnlyList<object?> list => list,
        System.Collections.IEnumerable e when v is not string => e.Cast<object?>().ToList(),
        _ => throw new InvalidCastException($"Expected a list but got {v.GetType().Name}."),
    };

    private static IArrowArray BuildFixedSizeList(FixedSizeListType type, IReadOnlyList<object?> values, ref int index)
    {
        var size = type.ListSize;
        var flat = new List<object?>(values.Count * size);
        var validity = new ArrowBuffer.BitmapBuilder(values.Count);
        var nulls = 0;
        for (index = 0; index < values.Count; index++)
        {
            var v = values[index];
            if (v is null || v is DBNull)
            {
                validity.Append(false);
                nulls++;
                for (var i = 0; i < size; i++)
                {
                    flat.Add(null);
                }
                continue;
            }
            var items = AsList(v);
            if (items.Count != size)
            {
                throw new InvalidCastException($"Expected {size} values but got {items.Count}.");
            }
            validity.Append(true);
            flat.AddRange(items);
        }
        var child = Build(type.ValueDataType, flat);
        var data = new ArrayData(type, values.Count, nulls, 0,
            [nulls == 0 ? ArrowBuffer.Empty : validity.Build()], [child.Data]);
        return new FixedSizeListArray(data);
    }

    private static IArrowArray BuildList(ListType type, IReadOnlyList<object?> values, ref int index)
    {
        var flat = new List<object?>();
        var offsets = new ArrowBuffer.Builder<int>(values.Count + 1);
        var validity = new ArrowBuffer.BitmapBuilder(values.Count);
        var nulls = 0;
        offsets.Append(0);
        for (index = 0; index < values.Count; index++)
        {
            var v = values[index];
            if (v is null || v is DBNull)
            {
                validity.Append(false);
                nulls++;
            }
            else
            {
                validity.Append(true);
                flat.AddRange(AsList(v));
            }
            offsets.Append(flat.Count);
        }
        var child = Build(type.ValueDataType, flat);
        var data = new ArrayData(type, values.Count, nulls, 0,
            [nulls == 0 ? ArrowBuffer.Empty : validity.Build(), offsets.Build()], [child.Data]);
        return new ListArray(data);
    }
}
