using Apache.Arrow.Types;
using Geneva.Core.Arrow;

namespace Geneva.Core.Expressions;

/// <summary>Maps Arrow types to evaluation families and decides the type of mixed operands.</summary>
internal static class TypeRules
{
    public static ValueKind KindOf(IArrowType type) => type switch
    {
        NullType => ValueKind.Null,
        BooleanType => ValueKind.Bool,
        Int8Type or Int16Type or Int32Type or Int64Type or UInt8Type or UInt16Type or UInt32Type or UInt64Type => ValueKind.Int,
        FloatType or DoubleType => ValueKind.Float,
        StringType => ValueKind.Utf8,
        BinaryType => ValueKind.Binary,
        _ => ValueKind.Other,
    };

    public static IArrowType TypeOf(ValueKind kind) => kind switch
    {
        ValueKind.Null => NullType.Default,
        ValueKind.Bool => BooleanType.Default,
        ValueKind.Int => Int64Type.Default,
        ValueKind.Float => DoubleType.Default,
        ValueKind.Utf8 => StringType.Default,
        ValueKind.Binary => BinaryType.Default,
        _ => throw new InvalidOperationException($"No default type for {kind}."),
    };

    public static bool IsNumeric(ValueKind kind) => kind is ValueKind.Int or ValueKind.Float or ValueKind.Null;

    public static string Describe(IArrowType type)
    {
        if (type is NullType)
        {
            return "null";
        }
        try
        {
            return ArrowTypeNames.Format(type);
        }
        catch (GenevaException)
        {
            return type.Name;
        }
    }

    /// <summary>The family two operands are compared or combined in, or null when they do not mix.</summary>
    public static ValueKind? Common(ValueKind left, ValueKind right)
    {
        if (left == ValueKind.Null)
        {
            return right;
        }
        if (right == ValueKind.Null || left == right)
        {
            return left;
        }
        if (left is ValueKind.Int or ValueKind.Float && right is ValueKind.Int or ValueKind.Float)
        {
            return ValueKind.Float;
        }
        return null;
    }

    /// <summary>
    /// The one type several alternatives (coalesce arguments, CASE branches) are returned as: the
    /// shared type when all agree, else their common family's type; nulls do not count.
    /// </summary>
    public static IArrowType CommonType(IReadOnlyList<IArrowType> types, Func<string> mismatch)
    {
        var present = types.Where(t => KindOf(t) != ValueKind.Null).ToArray();
        if (present.Length == 0)
        {
            return NullType.Default;
        }
        ValueKind? kind = KindOf(present[0]);
        foreach (var type in present)
        {
            kind = kind is null ? null : Common(kind.Value, KindOf(type));
        }
        if (kind is null)
        {
            throw Invalid(mismatch());
        }
        var first = Describe(present[0]);
        if (kind == ValueKind.Other)
        {
            throw Invalid(present.All(t => Describe(t) == first)
                ? $"A choice between values (CASE, coalesce) supports numbers, bool, utf8 and binary, not {first}."
                : mismatch());
        }
        return present.All(t => Describe(t) == first) ? present[0] : TypeOf(kind.Value);
    }

    public static GenevaException Invalid(string message) => new(GenevaErrorCode.ExpressionInvalid, message);
}
