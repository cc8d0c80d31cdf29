using System.Numerics;

namespace Geneva.Core.Expressions;

/// <summary>
/// Vectorized + - * / % on int64 or float64. Integer paths run checked in a tight loop and
/// only on an exception re-run row by row, so null rows never raise and a real overflow or
/// division by zero names its row.
/// </summary>
internal static class ArithmeticKernels
{
    private interface IOperation
    {
        static abstract T Apply<T>(T a, T b) where T : INumber<T>;
    }

    private readonly struct AddOp : IOperation
    {
        public static T Apply<T>(T a, T b) where T : INumber<T> => checked(a + b);
    }

    private readonly struct SubtractOp : IOperation
    {
        public static T Apply<T>(T a, T b) where T : INumber<T> => checked(a - b);
    }

    private readonly struct MultiplyOp : IOperation
    {
        public static T Apply<T>(T a, T b) where T : INumber<T> => checked(a * b);
    }

    private readonly struct DivideOp : IOperation
    {
        public static T Apply<T>(T a, T b) where T : INumber<T> => a / b;
    }

    private readonly struct ModuloOp : IOperation
    {
        public static T Apply<T>(T a, T b) where T : INumber<T> => a % b;
    }

    public static ValueVector Apply(BinaryOperator op, ValueVector left, ValueVector right)
    {
        var n = left.Length;
        var isFloat = left.Kind == ValueKind.Float || right.Kind == ValueKind.Float;
        if (left.IsNullScalar || right.IsNullScalar)
        {
            return ValueVector.NullOf(isFloat ? ValueKind.Float : ValueKind.Int, n);
        }
        var validity = LogicKernels.AndValidity(left.Validity(), right.Validity(), n);
        if (isFloat)
        {
            var result = new double[n];
            Dispatch(op, left, right, result);
            return ValueVector.Floats(result, validity);
        }
        var ints = new long[n];
        try
        {
            Dispatch(op, left, right, ints);
        }
        catch (ArithmeticException)
        {
            RowByRow(op, left.GetInts(), right.GetInts(), ints, validity);
        }
        return ValueVector.Ints(ints, validity);
    }

    private static void Dispatch<T>(BinaryOperator op, ValueVector left, ValueVector right, T[] result)
        where T : INumber<T>
    {
        switch (op)
        {
            case BinaryOperator.Add: Run<T, AddOp>(left, right, result); break;
            case BinaryOperator.Subtract: Run<T, SubtractOp>(left, right, result); break;
            case BinaryOperator.Multiply: Run<T, MultiplyOp>(left, right, result); break;
            case BinaryOperator.Divide: Run<T, DivideOp>(left, right, result); break;
            default: Run<T, ModuloOp>(left, right, result); break;
        }
    }

    private static void Run<T, TOp>(ValueVector left, ValueVector right, T[] result)
        where T : INumber<T>
        where TOp : IOperation
    {
        if (right.IsScalar)
        {
            var a = Values<T>(left);
            var b = Scalar<T>(right);
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.Apply(a[i], b);
            }
        }
        else if (left.IsScalar)
        {
            var a = Scalar<T>(left);
            var b = Values<T>(right);
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.Apply(a, b[i]);
            }
        }
        else
        {
            var a = Values<T>(left);
            var b = Values<T>(right);
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = TOp.Apply(a[i], b[i]);
            }
        }
    }

    internal static T[] Values<T>(ValueVector vector) where T : INumber<T> =>
        typeof(T) == typeof(long) ? (T[])(object)vector.GetInts() : (T[])(object)vector.GetFloats();

    internal static T Scalar<T>(ValueVector vector) where T : INumber<T> =>
        typeof(T) == typeof(long)
            ? T.CreateTruncating(vector.Kind == ValueKind.Bool ? (vector.ScalarBool ? 1L : 0L) : vector.ScalarInt)
            : T.CreateTruncating(vector.ScalarFloat);

    private static void RowByRow(BinaryOperator op, long[] a, long[] b, long[] result, bool[]? validity)
    {
        for (var i = 0; i < result.Length; i++)
        {
            if (validity is not null && !validity[i])
            {
                result[i] = 0;
                continue;
            }
            try
            {
                result[i] = op switch
                {
                    BinaryOperator.Add => checked(a[i] + b[i]),
                    BinaryOperator.Subtract => checked(a[i] - b[i]),
                    BinaryOperator.Multiply => checked(a[i] * b[i]),
                    BinaryOperator.Divide => a[i] / b[i],
                    _ => a[i] % b[i],
                };
            }
            catch (DivideByZeroException e)
            {
                throw new GenevaException(GenevaErrorCode.ExpressionInvalid,
                    $"Division by zero at row {i}: {a[i]} {BinaryNode.Symbol(op)} 0.", i, e);
            }
            catch (OverflowException e)
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"Integer overflow at row {i}: {a[i]} {BinaryNode.Symbol(op)} {b[i]} does not fit int64.", i, e);
            }
        }
    }

    public static ValueVector Negate(ValueVector operand) =>
        Apply(BinaryOperator.Subtract,
            operand.Kind == ValueKind.Float ? ValueVector.Of(0.0, operand.Length) : ValueVector.Of(0L, operand.Length),
            operand);

    public static ValueVector Abs(ValueVector operand)
    {
        var n = operand.Length;
        if (operand.IsNullScalar)
        {
            return ValueVector.NullOf(operand.Kind == ValueKind.Float ? ValueKind.Float : ValueKind.Int, n);
        }
        var validity = operand.Validity();
        if (operand.Kind == ValueKind.Float)
        {
            var values = operand.GetFloats();
            var result = new double[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = Math.Abs(values[i]);
            }
            return ValueVector.Floats(result, validity);
        }
        var ints = operand.GetInts();
        var abs = new long[n];
        for (var i = 0; i < n; i++)
        {
            var v = ints[i];
            if (v == long.MinValue && (validity is null || validity[i]))
            {
                throw new GenevaException(GenevaErrorCode.TypeMismatch,
                    $"Integer overflow at row {i}: abs({v}) does not fit int64.", i);
            }
            abs[i] = v < 0 ? -v : v;
        }
        return ValueVector.Ints(abs, validity);
    }

    /// <summary>round (half away from zero, optional digits), floor and ceil; float64 out.</summary>
    public static ValueVector Round(ValueVector operand, ValueVector? digits, MidpointRounding mode)
    {
        var n = operand.Length;
        if (operand.IsNullScalar || digits is { IsNullScalar: true })
        {
            return ValueVector.NullOf(ValueKind.Float, n);
        }
        var values = operand.GetFloats();
        var validity = LogicKernels.AndValidity(operand.Validity(), digits?.Validity(), n);
        var places = digits?.GetInts();
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            var d = places is null ? 0 : (int)Math.Clamp(places[i], -15, 15);
            if (d >= 0)
            {
                result[i] = Math.Round(values[i], d, mode);
            }
            else
            {
                var scale = Math.Pow(10, -d);
                result[i] = Math.Round(values[i] / scale, mode) * scale;
            }
        }
        return ValueVector.Floats(result, validity);
    }
}
