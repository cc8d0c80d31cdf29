using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Geneva.Core.Storage.Lance.Proto;
using V20 = Geneva.Core.Storage.Lance.Proto.V20;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The 2.0 page encodings (<c>/lance.encodings.ArrayEncoding</c> trees), as LanceDB 0.31 writes them in a
/// 2.0 dataset (lance's <c>previous/</c> encoders, no bitpacking, FSST or compression below 2.1):
/// <list type="bullet">
/// <item>fixed width and bool: <c>nullable { no_nulls { flat } }</c>, <c>nullable { some_nulls { validity: flat(1), values: flat } }</c>, <c>nullable { all_nulls }</c>;</item>
/// <item>fixed_size_list: the same around <c>fixed_size_list { items: nullable { ... flat } }</c>;</item>
/// <item>utf8 and binary: <c>binary { indices: nullable { no_nulls { flat(64) } }, bytes: flat(8), null_adjustment }</c> (nulls
/// live in the offsets, so no validity buffer), or for a page of utf8 with fewer than 100 distinct values
/// <c>dictionary { indices: flat(8), items: binary, num_dictionary_items }</c>.</item>
/// </list>
/// Geneva writes all but the dictionary, and reads them all.
/// </summary>
internal static class Lance20Encodings
{
    /// <summary>/lance.encodings.ColumnEncoding { values: {} }: a plain column, as LanceDB writes for every 2.0 column.</summary>
    public static readonly Any PlainColumnEncoding = Any.Pack(new V20.ColumnEncoding { Values = new Empty() }, "");

    public static EncodingLocation Direct(Any any) =>
        new() { Direct = new DirectEncoding { Encoding = any.ToByteString() } };

    public static V20.ArrayEncoding AllNull() =>
        new() { Nullable = new V20.Nullable { AllNulls = new V20.Nullable.Types.AllNull() } };

    /// <summary>Fixed width, bool or fixed_size_list: buffer 0 the validity when <paramref name="hasNulls"/>, then the values.</summary>
    public static V20.ArrayEncoding Fixed(LanceLeafType type, bool hasNulls)
    {
        var valuesIndex = hasNulls ? 1u : 0u;
        V20.ArrayEncoding values;
        if (type.Kind == LanceLeafKind.Bool)
        {
            values = Flat(1, valuesIndex);
        }
        else if (type.IsFixedSizeList)
        {
            values = new V20.ArrayEncoding
            {
                FixedSizeList = new V20.FixedSizeList
                {
                    Dimension = (uint)type.Dimension,
                    Items = NoNulls(Flat(8 * type.ItemBytes, valuesIndex)),
                },
            };
        }
        else
        {
            values = Flat(8 * type.RowBytes, valuesIndex);
        }
        if (!hasNulls)
        {
            return NoNulls(values);
        }
        return new V20.ArrayEncoding
        {
            Nullable = new V20.Nullable
            {
                SomeNulls = new V20.Nullable.Types.SomeNull { Validity = Flat(1, 0), Values = values },
            },
        };
    }

    /// <summary>utf8/binary: buffer 0 the u64 end offsets, buffer 1 the bytes.</summary>
    public static V20.ArrayEncoding Binary(ulong nullAdjustment) => new()
    {
        Binary = new V20.Binary
        {
            Indices = NoNulls(Flat(64, 0)),
            Bytes = Flat(8, 1),
            NullAdjustment = nullAdjustment,
        },
    };

    private static V20.ArrayEncoding NoNulls(V20.ArrayEncoding values) =>
        new() { Nullable = new V20.Nullable { NoNulls = new V20.Nullable.Types.NoNull { Values = values } } };

    private static V20.ArrayEncoding Flat(int bits, uint buffer) => new()
    {
        Flat = new V20.Flat { BitsPerValue = (ulong)bits, Buffer = new V20.Buffer { BufferIndex = buffer } },
    };

    /// <summary>
    /// Reduces a page's encoding to a layout Geneva reads for <paramref name="type"/>; throws DataFileCorrupt,
    /// as a <see cref="LanceUnsupportedEncodingException"/> when the encoding is valid but not one Geneva reads.
    /// </summary>
    public static Lance20PageLayout Parse(V20.ArrayEncoding encoding, LanceLeafType type, int bufferCount, string path, string column)
    {
        var context = new ParseContext(path, column, bufferCount);
        var validity = -1;
        var values = encoding;
        if (encoding.ArrayEncodingCase == V20.ArrayEncoding.ArrayEncodingOneofCase.Nullable)
        {
            var nullable = encoding.Nullable;
            switch (nullable.NullabilityCase)
            {
                case V20.Nullable.NullabilityOneofCase.AllNulls:
                    return new Lance20PageLayout { Kind = Lance20PageKind.AllNull };
                case V20.Nullable.NullabilityOneofCase.NoNulls:
                    values = nullable.NoNulls.Values ?? throw context.Corrupt("a no_nulls encoding has no values");
                    break;
                case V20.Nullable.NullabilityOneofCase.SomeNulls:
                    validity = context.FlatBuffer(nullable.SomeNulls.Validity, 1, "validity");
                    values = nullable.SomeNulls.Values ?? throw context.Corrupt("a some_nulls encoding has no values");
                    break;
                default:
                    throw context.Corrupt("a nullable encoding says nothing of its nulls");
            }
        }
        return type.Kind switch
        {
            LanceLeafKind.Variable => ParseVariable(values, validity, context),
            LanceLeafKind.Bool => new Lance20PageLayout
            {
                Kind = Lance20PageKind.Flat, ValidityBuffer = validity, ItemBits = 1, ValuesBuffer = context.FlatBuffer(values, 1, "values"),
            },
            _ when type.IsFixedSizeList => ParseFixedSizeList(values, validity, type, context),
            _ => new Lance20PageLayout
            {
                Kind = Lance20PageKind.Flat, ValidityBuffer = validity, ItemBits = 8 * type.RowBytes,
                ValuesBuffer = context.FlatBuffer(values, 8 * type.RowBytes, "values"),
            },
        };
    }

    private static Lance20PageLayout ParseFixedSizeList(V20.ArrayEncoding values, int validity, LanceLeafType type, ParseContext context)
    {
        if (values.ArrayEncodingCase != V20.ArrayEncoding.ArrayEncodingOneofCase.FixedSizeList)
        {
            throw context.Unsupported($"a fixed_size_list column stored as '{values.ArrayEncodingCase}'");
        }
        var fsl = values.FixedSizeList;
        if (fsl.Dimension != (uint)type.Dimension)
        {
            throw context.Corrupt($"its fixed_size_list pages hold {fsl.Dimension} items a row but the schema says {type.Dimension}");
        }
        var items = fsl.Items ?? throw context.Corrupt("a fixed_size_list encoding has no items");
        var itemValidity = -1;
        if (items.ArrayEncodingCase == V20.ArrayEncoding.ArrayEncodingOneofCase.Nullable)
        {
            switch (items.Nullable.NullabilityCase)
            {
                case V20.Nullable.NullabilityOneofCase.NoNulls:
                    items = items.Nullable.NoNulls.Values;
                    break;
                case V20.Nullable.NullabilityOneofCase.SomeNulls:
                    itemValidity = context.FlatBuffer(items.Nullable.SomeNulls.Validity, 1, "item validity");
                    items = items.Nullable.SomeNulls.Values;
                    break;
                default:
                    throw context.Unsupported($"fixed_size_list items stored as '{items.Nullable.NullabilityCase}'");
            }
        }
        return new Lance20PageLayout
        {
            Kind = Lance20PageKind.Flat,
            ValidityBuffer = validity,
            ItemValidityBuffer = itemValidity,
            ItemBits = 8 * type.ItemBytes,
            ValuesBuffer = context.FlatBuffer(items, 8 * type.ItemBytes, "items"),
        };
    }

    private static Lance20PageLayout ParseVariable(V20.ArrayEncoding values, int validity, ParseContext context)
    {
        switch (values.ArrayEncodingCase)
        {
            case V20.ArrayEncoding.ArrayEncodingOneofCase.Binary:
                var binary = values.Binary;
                var (offsets, offsetBits) = context.OffsetsBuffer(binary.Indices, "offsets");
                return new Lance20PageLayout
                {
                    Kind = Lance20PageKind.Binary,
                    ValidityBuffer = validity,
                    OffsetsBuffer = offsets,
                    OffsetBits = offsetBits,
                    NullAdjustment = binary.NullAdjustment,
                    ValuesBuffer = context.FlatBuffer(binary.Bytes, 8, "bytes"),
                };
            case V20.ArrayEncoding.ArrayEncodingOneofCase.Dictionary:
                var dictionary = values.Dictionary;
                var indices = Unwrap(dictionary.Indices);
                var indexBits = indices?.Flat?.BitsPerValue ?? 0;
                if (indexBits is not (8 or 16 or 32))
                {
                    throw context.Unsupported($"dictionary indices of {indexBits} bits");
                }
                if (dictionary.Items?.ArrayEncodingCase != V20.ArrayEncoding.ArrayEncodingOneofCase.Binary)
                {
                    throw context.Unsupported($"dictionary items stored as '{dictionary.Items?.ArrayEncodingCase}'");
                }
                if (dictionary.NumDictionaryItems > int.MaxValue)
                {
                    throw context.Corrupt($"a dictionary says it has {dictionary.NumDictionaryItems} items");
                }
                var items = dictionary.Items.Binary;
                var (itemOffsets, itemOffsetBits) = context.OffsetsBuffer(items.Indices, "dictionary offsets");
                return new Lance20PageLayout
                {
                    Kind = Lance20PageKind.Dictionary,
                    ValidityBuffer = validity,
                    IndicesBuffer = context.FlatBuffer(indices!, (int)indexBits, "dictionary indices"),
                    IndexBits = (int)indexBits,
                    DictionaryItems = (int)dictionary.NumDictionaryItems,
                    OffsetsBuffer = itemOffsets,
                    OffsetBits = itemOffsetBits,
                    NullAdjustment = items.NullAdjustment,
                    ItemBytesBuffer = context.FlatBuffer(items.Bytes, 8, "dictionary bytes"),
                };
            default:
                throw context.Unsupported($"a utf8/binary column stored as '{values.ArrayEncodingCase}'");
        }
    }

    /// <summary>The values of a <c>nullable { no_nulls }</c> wrapper, or the encoding itself.</summary>
    private static V20.ArrayEncoding? Unwrap(V20.ArrayEncoding? encoding) =>
        encoding?.Nullable?.NullabilityCase == V20.Nullable.NullabilityOneofCase.NoNulls ? encoding.Nullable.NoNulls.Values : encoding;

    private readonly record struct ParseContext(string Path, string Column, int BufferCount)
    {
        public GenevaException Corrupt(string problem) => LanceFileErrors.Corrupt(Path, Column, problem);

        /// <summary>An encoding Geneva does not read: only this column's reads fail, the file still opens.</summary>
        public GenevaException Unsupported(string what) =>
            LanceFileErrors.Unsupported(Path, Column, what);

        /// <summary>The page buffer of a plain <c>flat</c> encoding of <paramref name="bits"/> bits a value.</summary>
        public int FlatBuffer(V20.ArrayEncoding? encoding, int bits, string what)
        {
            if (encoding?.ArrayEncodingCase != V20.ArrayEncoding.ArrayEncodingOneofCase.Flat)
            {
                throw Unsupported($"its {what} stored as '{encoding?.ArrayEncodingCase.ToString() ?? "nothing"}'");
            }
            var flat = encoding.Flat;
            if (flat.BitsPerValue != (ulong)bits)
            {
                throw Corrupt($"its {what} have {flat.BitsPerValue} bits a value where {bits} are expected");
            }
            if (flat.Compression is { Scheme.Length: > 0 } compression)
            {
                throw Unsupported($"'{compression.Scheme}' compression of its {what}");
            }
            var buffer = flat.Buffer ?? new V20.Buffer();
            if (buffer.BufferType != V20.Buffer.Types.BufferType.Page)
            {
                throw Unsupported($"its {what} in a {buffer.BufferType} buffer");
            }
            if (buffer.BufferIndex >= (uint)BufferCount)
            {
                throw Corrupt($"its {what} are in buffer {buffer.BufferIndex} of a page of {BufferCount} buffers");
            }
            return (int)buffer.BufferIndex;
        }

        public (int Buffer, int Bits) OffsetsBuffer(V20.ArrayEncoding? encoding, string what)
        {
            var flat = Unwrap(encoding);
            var bits = flat?.Flat?.BitsPerValue ?? 0;
            if (bits is not (32 or 64))
            {
                throw Unsupported($"its {what} stored as {(bits == 0 ? $"'{flat?.ArrayEncodingCase}'" : $"{bits}-bit values")}");
            }
            return (FlatBuffer(flat, (int)bits, what), (int)bits);
        }
    }
}
