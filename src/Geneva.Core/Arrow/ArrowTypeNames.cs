using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Arrow;

/// <summary>
/// The type names users write (<c>int32</c>, <c>utf8</c>, <c>fixed_size_list&lt;float32&gt;[384]</c>)
/// and that manifests store. One spelling per type, so a name round-trips exactly.
/// </summary>
public static class ArrowTypeNames
{
    public static IReadOnlyList<string> ScalarNames { get; } =
    [
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float32", "float64", "utf8", "binary", "date32", "timestamp[us]",
    ];

    public static string Format(IArrowType type) => type switch
    {
        BooleanType => "bool",
        Int8Type => "int8",
        Int16Type => "int16",
        Int32Type => "int32",
        Int64Type => "int64",
        UInt8Type => "uint8",
        UInt16Type => "uint16",
        UInt32Type => "uint32",
        UInt64Type => "uint64",
        FloatType => "float32",
        DoubleType => "float64",
        StringType => "utf8",
        BinaryType => "binary",
        LargeStringType => "large_utf8",
        LargeBinaryType => "large_binary",
        Date32Type => "date32",
        TimestampType { Unit: TimeUnit.Microsecond } => "timestamp[us]",
        FixedSizeListType f => $"fixed_size_list<{Format(f.ValueDataType)}>[{f.ListSize}]",
        ListType l => $"list<{Format(l.ValueDataType)}>",
        _ => throw new GenevaException(GenevaErrorCode.TypeMismatch,
            $"Arrow type '{type.Name}' is not supported by Geneva tables.", type.Name),
    };

    /// <summary>Parses a type name; throws <see cref="GenevaException"/> naming the accepted forms.</summary>
    public static IArrowType Parse(string name)
    {
        if (TryParse(name, out var type))
        {
            return type;
        }
        throw new GenevaException(GenevaErrorCode.InvalidArgument,
            $"Unknown Arrow type '{name}'. Use one of {string.Join(", ", ScalarNames)}, " +
            "list<T> or fixed_size_list<T>[N] (for example fixed_size_list<float32>[384]).", name);
    }

    public static bool TryParse(string name, out IArrowType type)
    {
        var text = name.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        type = null!;
        if (text.StartsWith("fixed_size_list<", StringComparison.Ordinal))
        {
            var close = text.LastIndexOf(">[", StringComparison.Ordinal);
            if (close < 0 || !text.EndsWith(']') ||
                !int.TryParse(text.AsSpan(close + 2, text.Length - close - 3), out var size) || size <= 0 ||
                !TryParse(text["fixed_size_list<".Length..close], out var child))
            {
                return false;
            }
            type = new FixedSizeListType(new Field("item", child, true), size);
            return true;
        }
        if (text.StartsWith("list<", StringComparison.Ordinal) && text.EndsWith('>'))
        {
            if (!TryParse(text[5..^1], out var child))
            {
                return false;
            }
            type = new ListType(new Field("item", child, true));
            return true;
        }
        IArrowType? scalar = text switch
        {
            "bool" or "boolean" => BooleanType.Default,
            "int8" => Int8Type.Default,
            "int16" => Int16Type.Default,
            "int32" or "int" => Int32Type.Default,
            "int64" or "long" => Int64Type.Default,
            "uint8" => UInt8Type.Default,
            "uint16" => UInt16Type.Default,
            "uint32" => UInt32Type.Default,
            "uint64" => UInt64Type.Default,
            "float32" or "float" => FloatType.Default,
            "float64" or "double" => DoubleType.Default,
            "utf8" or "string" => StringType.Default,
            "binary" => BinaryType.Default,
            "large_utf8" or "large_string" => LargeStringType.Default,
            "large_binary" => LargeBinaryType.Default,
            "date32" or "date" => Date32Type.Default,
            "timestamp[us]" or "timestamp" => new TimestampType(TimeUnit.Microsecond, "UTC"),
            _ => null,
        };
        if (scalar is null)
        {
            return false;
        }
        type = scalar;
        return true;
    }
}
