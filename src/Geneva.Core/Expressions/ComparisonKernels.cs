using System.Numerics;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// Vectorized comparisons. Numbers compare as int64 when both sides are integers, else as
/// float64; utf8 and binary compare bytewise (ordinal by code point); bools false &lt; true.
/// Column-against-literal runs as one tight loop over the column.
/// </summary>
internal static class ComparisonKernels
{
    private interface IComparison
    {
        static abstract bool Test<T>(T a, T b) where T : INumber<T>;

        static abstract bool FromOrder(int order);
    }

    private readonly struct EqualOp : IComparison
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a == b;

        public static bool FromOrder(int order) => order == 0;
    }

    private readonly struct NotEqualOp : IComparison
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a != b;

        public static bool FromOrder(int order) => order != 0;
    }

    private readonly struct LessOp : IComparison
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a < b;

        public static bool FromOrder(int order) => order < 0;
    }

    private readonly struct LessOrEqualOp : IComparison
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a <= b;

        public static bool FromOrder(int order) => order <= 0;
    }

    private readonly struct GreaterOp : IComparison
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a > b;

        public static bool FromOrder(int order) => order > 0;
    }

    private readonly struct GreaterOrEqualOp : IComparison
    {
        public static bool Test<T>(T a, T b) where T : INumber<T> => a >= b;

        public static bool FromOrder(int order) => order >= 0;
    }

    public static void RequireComparable(IArrowType left, IArrowType right, string op, ExpressionNode node)
    {
        var common = TypeRules.Common(TypeRules.KindOf(left), TypeRules.KindOf(right));
        if (common is null or ValueKind.Other)
        {
            throw TypeRules.Invalid($"'{op}' cannot compare {TypeRules.Describe(left)} with {TypeRules.Describe(right)} in '{node}'.");
        }
    }

    public static ValueVector Compare(BinaryOperator op, ValueVector left, ValueVector right)
    {
        var n = left.Length;
        if (left.IsNullScalar || right.IsNullScalar)
        {
            return ValueVector.NullOf(ValueKind.Bool, n);
        }
        var kind = TypeRules.Common(left.Kind, right.Kind)
            ?? throw TypeRules.Invalid($"Cannot compare {left.Kind} with {right.Kind}.");
        var validity = LogicKernels.AndValidity(left.Validity(), right.Validity(), n);
        var result = new bool[n];
        switch (op)
        {
            case BinaryOperator.Equal: Run<EqualOp>(kind, left, right, result); break;
            case BinaryOperator.NotEqual: Run<NotEqualOp>(kind, left, right, result); break;
            case BinaryOperator.Less: Run<LessOp>(kind, left, right, result); break;
            case BinaryOperator.LessOrEqual: Run<LessOrEqualOp>(kind, left, right, result); break;
            case BinaryOperator.Greater: Run<GreaterOp>(kind, left, right, result); break;
            default: Run<GreaterOrEqualOp>(kind, left, right, result); break;
        }
        return ValueVector.Bools(result, validity);
    }

    private static void Run<TOp>(ValueKind kind, ValueVector left, ValueVector right, bool[] result)
        where TOp : IComparison
    {
        switch (kind)
        {
            case ValueKind.Int or ValueKind.Bool:
                Numbers<long, TOp>(left, right, result);
                break;
            case ValueKind.Float:
                Numbers<double, TOp>(left, right, result);
                break;
            case ValueKind.Utf8 or ValueKind.Binary:
                Strings<TOp>(left, right, result);
                break;
            default:
                throw TypeRules.Invalid($"Values of kind {kind} cannot be compared.");
        }
    }

    private static void Numbers<T, TOp>(ValueVector left, ValueVector right, bool[] result)
        where T : INumber<T>
        where TOp : IComparison
    {
        if (left.IsScalar && right.IsScalar)
        {
            System.Array.Fill(result, TOp.Test(ArithmeticKernels.Scalar<T>(left), ArithmeticKernels.Scalar<T>(right)));
        }
        else if (right.IsScalar)
        {
            if (typeof(T) == typeof(long) && TryNarrowScan<TOp>(left, right, result))
            {
                return;
            }
            var a = ArithmeticKernels.Values<T>(left);
            var b = ArithmeticKernels.Scalar<T>(right);
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.Test(a[i], b);
            }
        }
        else if (left.IsScalar)
        {
            var a = ArithmeticKernels.Scalar<T>(left);
            var b = ArithmeticKernels.Values<T>(right);
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.Test(a, b[i]);
            }
        }
        else
        {
            var a = ArithmeticKernels.Values<T>(left);
            var b = ArithmeticKernels.Values<T>(right);
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.Test(a[i], b[i]);
            }
        }
    }

    /// <summary>int32/int64 columns against an integer literal straight from the Arrow buffer, without widening.</summary>
    private static bool TryNarrowScan<TOp>(ValueVector column, ValueVector literal, bool[] result)
        where TOp : IComparison
    {
        if (column.Kind != ValueKind.Int || literal.Kind != ValueKind.Int)
        {
            return false;
        }
        switch (column.Source)
        {
            case Int64Array a:
            {
                var values = a.Values;
                var b = literal.ScalarInt;
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = TOp.Test(values[i], b);
                }
                return true;
            }
            case Int32Array a:
            {
                var values = a.Values;
                var b = literal.ScalarInt;
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = TOp.Test((long)values[i], b);
                }
                return true;
            }
            default:
                return false;
        }
    }

    private static void Strings<TOp>(ValueVector left, ValueVector right, bool[] result)
        where TOp : IComparison
    {
        if (left.IsScalar && right.IsScalar)
        {
            System.Array.Fill(result, TOp.FromOrder(left.ScalarBytes.AsSpan().SequenceCompareTo(right.ScalarBytes)));
        }
        else if (right.IsScalar)
        {
            var a = left.Strings;
            var offsets = a.ValueOffsets;
            var data = a.ValueBuffer.Span;
            ReadOnlySpan<byte> b = right.ScalarBytes;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.FromOrder(data[offsets[i]..offsets[i + 1]].SequenceCompareTo(b));
            }
        }
        else if (left.IsScalar)
        {
            ReadOnlySpan<byte> a = left.ScalarBytes;
            var b = right.Strings;
            var offsets = b.ValueOffsets;
            var data = b.ValueBuffer.Span;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.FromOrder(a.SequenceCompareTo(data[offsets[i]..offsets[i + 1]]));
            }
        }
        else
        {
            var a = left.Strings;
            var b = right.Strings;
            var ao = a.ValueOffsets;
            var ad = a.ValueBuffer.Span;
            var bo = b.ValueOffsets;
            var bd = b.ValueBuffer.Span;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.FromOrder(ad[ao[i]..ao[i + 1]].SequenceCompareTo(bd[bo[i]..bo[i + 1]]));
            }
        }
    }
}
