using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Google.Protobuf;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Lance fields &lt;-&gt; Arrow fields. Lance stores a list&lt;T&gt; as a parent field plus a child "item"
/// field; a fixed_size_list is ONE field with logical_type <c>fixed_size_list:float:384</c>.
/// </summary>
internal static class LanceSchema
{
    /// <summary>
    /// The Lance fields for one Arrow field, the top first, then its children; ids are assigned
    /// <paramref name="nextId"/>, nextId+1, ... and the top's parent_id is -1.
    /// </summary>
    public static IReadOnlyList<LanceField> FromArrow(Field field, ref int nextId)
    {
        var result = new List<LanceField>(2);
        Add(field, -1, ref nextId, result);
        return result;
    }

    private static void Add(Field field, int parentId, ref int nextId, List<LanceField> result)
    {
        var lance = new LanceField
        {
            Name = field.Name,
            Id = nextId++,
            ParentId = parentId,
            LogicalType = LogicalType(field.DataType, field.Name),
            Nullable = field.IsNullable,
            // The deprecated v1 encoding LanceDB still fills in: plain for fixed width, var-binary for bytes.
            Encoding = field.DataType switch
            {
                StringType or BinaryType => Proto.Encoding.VarBinary,
                ListType => Proto.Encoding.None,
                _ => Proto.Encoding.Plain,
            },
        };
        if (field.HasMetadata)
        {
            foreach (var (key, value) in field.Metadata)
            {
                lance.Metadata[key] = ByteString.CopyFromUtf8(value);
            }
        }
        result.Add(lance);
        if (field.DataType is ListType list)
        {
            Add(list.ValueField, lance.Id, ref nextId, result);
        }
    }

    /// <summary>The Arrow field for a top-level Lance field, its children looked up in <paramref name="allFields"/>.</summary>
    public static Field ToArrow(IReadOnlyList<LanceField> allFields, LanceField top)
    {
        IArrowType type;
        if (top.LogicalType == "list")
        {
            LanceField? child = null;
            foreach (var f in allFields)
            {
                if (f.ParentId == top.Id)
                {
                    child = f;
                    break;
                }
            }
            if (child is null)
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"Lance list field '{top.Name}' (id {top.Id}) has no child field.", top.Name);
            }
            type = new ListType(ToArrow(allFields, child));
        }
        else
        {
            type = ParseLogicalType(top.LogicalType, top.Name);
        }
        Dictionary<string, string>? metadata = null;
        if (top.Metadata.Count > 0)
        {
            metadata = new Dictionary<string, string>(top.Metadata.Count, StringComparer.Ordinal);
            foreach (var (key, value) in top.Metadata)
            {
                metadata[key] = value.ToStringUtf8();
            }
        }
        return new Field(top.Name, type, top.Nullable, metadata);
    }

    /// <summary>Lance's logical type name of an Arrow type (lance-core's <c>LogicalType::try_from</c>).</summary>
    public static string LogicalType(IArrowType type, string column) => type switch
    {
        BooleanType => "bool",
        Int8Type => "int8",
        UInt8Type => "uint8",
        Int16Type => "int16",
        UInt16Type => "uint16",
        Int32Type => "int32",
        UInt32Type => "uint32",
        Int64Type => "int64",
        UInt64Type => "uint64",
        FloatType => "float",
        DoubleType => "double",
        StringType => "string",
        BinaryType => "binary",
        LargeStringType => "large_string",
        LargeBinaryType => "large_binary",
        Date32Type => "date32:day",
        TimestampType t => $"timestamp:{Unit(t.Unit)}:{(string.IsNullOrEmpty(t.Timezone) ? "-" : t.Timezone)}",
        ListType => "list",
        FixedSizeListType f when f.ValueDataType is not (ListType or FixedSizeListType) =>
            $"fixed_size_list:{LogicalType(f.ValueDataType, column)}:{f.ListSize.ToString(CultureInfo.InvariantCulture)}",
        _ => throw LanceFileErrors.CannotWrite(column, $"the Arrow type {type.Name} has no Lance mapping here"),
    };

    /// <summary>The Arrow type of a leaf logical type; lists are resolved by <see cref="ToArrow"/>.</summary>
    public static IArrowType ParseLogicalType(string logicalType, string column)
    {
        switch (logicalType)
        {
            case "bool": return BooleanType.Default;
            case "int8": return Int8Type.Default;
            case "uint8": return UInt8Type.Default;
            case "int16": return Int16Type.Default;
            case "uint16": return UInt16Type.Default;
            case "int32": return Int32Type.Default;
            case "uint32": return UInt32Type.Default;
            case "int64": return Int64Type.Default;
            case "uint64": return UInt64Type.Default;
            case "float": return FloatType.Default;
            case "double": return DoubleType.Default;
            case "string": return StringType.Default;
            case "binary": return BinaryType.Default;
            case "large_string": return LargeStringType.Default;
            case "large_binary": return LargeBinaryType.Default;
            case "date32:day": return Date32Type.Default;
        }
        if (logicalType.StartsWith("timestamp:", StringComparison.Ordinal))
        {
            var parts = logicalType.Split(':', 3);
            if (parts.Length == 3 && TryUnit(parts[1], out var unit))
            {
                return new TimestampType(unit, parts[2] == "-" ? null : parts[2]);
            }
        }
        if (logicalType.StartsWith("fixed_size_list:", StringComparison.Ordinal))
        {
            var last = logicalType.LastIndexOf(':');
            var inner = logicalType["fixed_size_list:".Length..last];
            if (int.TryParse(logicalType.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
            {
                return new FixedSizeListType(new Field("item", ParseLogicalType(inner, column), true), size);
            }
        }
        throw new GenevaException(GenevaErrorCode.TypeMismatch,
            $"Lance logical type '{logicalType}' of column '{column}' is not supported by Geneva.", column);
    }

    private static string Unit(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };

    private static bool TryUnit(string text, out TimeUnit unit)
    {
        (var ok, unit) = text switch
        {
            "s" => (true, TimeUnit.Second),
            "ms" => (true, TimeUnit.Millisecond),
            "us" => (true, TimeUnit.Microsecond),
            "ns" => (true, TimeUnit.Nanosecond),
            _ => (false, TimeUnit.Second),
        };
        return ok;
    }
}
