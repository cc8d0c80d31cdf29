using Apache.Arrow.Types;

namespace Geneva.Core.Verification;

/// <summary>
/// Compares a stored value with a recomputed one as <see cref="Arrow.ArrowValues.GetValue"/> gives them: floats
/// within a tolerance (scaled by the values' size above 1), lists element by element, everything else exactly.
/// A null matches only a null.
/// </summary>
internal static class ValueComparison
{
    public static bool Matches(object? stored, object? recomputed, double tolerance)
    {
        if (stored is null || recomputed is null)
        {
            return stored is null && recomputed is null;
        }
        if (IsFloat(stored) && IsFloat(recomputed))
        {
            return Close(AsDouble(stored), AsDouble(recomputed), tolerance);
        }
        if (stored is Array a && recomputed is Array b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }
            for (var i = 0; i < a.Length; i++)
            {
                if (!Matches(a.GetValue(i), b.GetValue(i), tolerance))
                {
                    return false;
                }
            }
            return true;
        }
        return stored.Equals(recomputed);
    }

    public static bool Close(double x, double y, double tolerance)
    {
        if (double.IsNaN(x) || double.IsNaN(y))
        {
            return double.IsNaN(x) && double.IsNaN(y);
        }
        if (x == y || double.IsInfinity(x) || double.IsInfinity(y))
        {
            return x == y; // an infinity matches only itself
        }
        return Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));
    }

    /// <summary>Whether values of <paramref name="type"/> are compared with a tolerance (floats, and lists of them).</summary>
    public static bool IsFloating(IArrowType type) => type switch
    {
        FloatType or DoubleType or HalfFloatType => true,
        FixedSizeListType l => IsFloating(l.ValueDataType),
        ListType l => IsFloating(l.ValueDataType),
        _ => false,
    };

    private static bool IsFloat(object value) => value is float or double or Half;

    private static double AsDouble(object value) => value switch
    {
        float f => f,
        Half h => (double)h,
        _ => (double)value,
    };
}
