namespace Geneva.Core.Expressions;

/// <summary>Three-valued and/or/not, is null, and validity combination.</summary>
internal static class LogicKernels
{
    public static void RequireBoolean(ExpressionNode operand, ColumnResolver columns, string op)
    {
        var type = operand.InferType(columns);
        if (TypeRules.KindOf(type) is not (ValueKind.Bool or ValueKind.Null))
        {
            throw TypeRules.Invalid($"'{op}' needs bool operands, but '{operand}' is {TypeRules.Describe(type)}.");
        }
    }

    /// <summary>Rows valid in both; null when every row is.</summary>
    public static bool[]? AndValidity(bool[]? left, bool[]? right, int n)
    {
        if (left is null)
        {
            return right;
        }
        if (right is null)
        {
            return left;
        }
        var result = new bool[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = left[i] & right[i];
        }
        return result;
    }

    public static ValueVector And(ValueVector left, ValueVector right) => Combine(left, right, and: true);

    public static ValueVector Or(ValueVector left, ValueVector right) => Combine(left, right, and: false);

    /// <summary>
    /// For and, a known false wins over null; for or, a known true does. Otherwise the result is
    /// null if either side is. <paramref name="and"/> picks which constant dominates.
    /// </summary>
    private static ValueVector Combine(ValueVector left, ValueVector right, bool and)
    {
        var n = left.Length;
        var dominant = !and;
        var lv = left.GetBools();
        var rv = right.GetBools();
        var lok = left.Validity();
        var rok = right.Validity();
        var values = new bool[n];
        if (lok is null && rok is null)
        {
            for (var i = 0; i < n; i++)
            {
                values[i] = and ? lv[i] & rv[i] : lv[i] | rv[i];
            }
            return ValueVector.Bools(values, null);
        }
        var validity = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var lValid = lok is null || lok[i];
            var rValid = rok is null || rok[i];
            if ((lValid && lv[i] == dominant) || (rValid && rv[i] == dominant))
            {
                values[i] = dominant;
                validity[i] = true;
            }
            else if (lValid && rValid)
            {
                values[i] = !dominant;
                validity[i] = true;
            }
        }
        return ValueVector.Bools(values, validity);
    }

    public static ValueVector Not(ValueVector operand)
    {
        if (operand.IsNullScalar)
        {
            return ValueVector.NullOf(ValueKind.Bool, operand.Length);
        }
        if (operand.IsScalar)
        {
            return ValueVector.Of(!operand.ScalarBool, operand.Length);
        }
        var values = operand.GetBools();
        var result = new bool[values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = !values[i];
        }
        return ValueVector.Bools(result, operand.Validity());
    }

    public static ValueVector IsNull(ValueVector operand, bool negated)
    {
        if (operand.IsScalar)
        {
            return ValueVector.Of(operand.ScalarIsNull != negated, operand.Length);
        }
        var validity = operand.Validity();
        if (validity is null)
        {
            return ValueVector.Of(negated, operand.Length);
        }
        var result = new bool[validity.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = validity[i] == negated;
        }
        return ValueVector.Bools(result, null);
    }
}
