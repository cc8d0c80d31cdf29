using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Arrow;

namespace Geneva.Core.Expressions;

/// <summary>
/// Turns evaluation results into Arrow arrays of a requested type. Numeric casts are checked:
/// a value that does not fit is a <see cref="GenevaErrorCode.TypeMismatch"/> naming its row,
/// never a silent wrap. Anything casts to utf8 (invariant culture).
/// </summary>
internal static class CastKernels
{
    public static IArrowArray ToArrow(ValueVector vector, IArrowType target)
    {
        var n = vector.Length;
        if (vector.IsNullScalar || vector.Kind == ValueKind.Null)
        {
            return target is NullType ? new NullArray(n) : ArrowValues.Build(target, new object?[n]);
        }
        if (vector.OwnsSource && TypeRules.Describe(vector.SourceType) == TypeRules.Describe(target))
        {
            return vector.Source!;
        }
        try
        {
            return target switch
            {
                BooleanType => ToBool(vector),
                Int8Type => Integers<sbyte>(vector, target),
                Int16Type => Integers<short>(vector, target),
                Int32Type => Integers<int>(vector, target),
                Int64Type => Integers<long>(vector, target),
                UInt8Type => Integers<byte>(vector, target),
                UInt16Type => Integers<ushort>(vector, target),
                UInt32Type => Integers<uint>(vector, target),
                UInt64Type => Integers<ulong>(vector, target),
                FloatType => Floats<float>(vector, target),
                DoubleType => Floats<double>(vector, target),
                StringType => ToUtf8(vector).Source!,
                BinaryType when vector.Kind is ValueKind.Utf8 or ValueKind.Binary => CopyStrings(vector, ValueKind.Binary),
                _ when vector.Kind == ValueKind.Other && TypeRules.Describe(vector.SourceType) == TypeRules.Describe(target) =>
                    ArrowValues.Build(target, Enumerable.Range(0, n).Select(i => ArrowValues.GetValue(vector.Source!, i)).ToArray()),
                _ => throw Mismatch(vector, target, null),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            throw Mismatch(vector, target, e);
        }
    }

    private static GenevaException Mismatch(ValueVector vector, IArrowType target, Exception? inner) =>
        new(GenevaErrorCode.TypeMismatch,
            $"Cannot convert {TypeRules.Describe(vector.SourceType)} to {TypeRules.Describe(target)}" +
            (inner is null ? "." : $": {inner.Message}"), TypeRules.Describe(target), inner);

    private static GenevaException RowMismatch(int row, string value, IArrowType target) =>
        new(GenevaErrorCode.TypeMismatch,
            $"Value {value} at row {row} does not fit {TypeRules.Describe(target)}.", row);

    private static IArrowArray ToBool(ValueVector vector)
    {
        var n = vector.Length;
        var validity = vector.Validity();
        switch (vector.Kind)
        {
            case ValueKind.Bool:
                return ArrowBits.Booleans(vector.GetBools(), validity);
            case ValueKind.Int:
            {
                var ints = vector.GetInts();
                var result = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    result[i] = ints[i] != 0;
                }
                return ArrowBits.Booleans(result, validity);
            }
            case ValueKind.Float:
            {
                var floats = vector.GetFloats();
                var result = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    result[i] = floats[i] != 0;
                }
                return ArrowBits.Booleans(result, validity);
            }
            case ValueKind.Utf8:
            {
                var text = new StringColumn(vector);
                var result = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    if (validity is null || validity[i])
                    {
                        var s = Encoding.UTF8.GetString(text[i]).Trim();
                        result[i] = bool.TryParse(s, out var b) ? b : throw RowMismatch(i, $"'{s}'", BooleanType.Default);
                    }
                }
                return ArrowBits.Booleans(result, validity);
            }
            default:
                throw Mismatch(vector, BooleanType.Default, null);
        }
    }

    private static IArrowArray Integers<T>(ValueVector vector, IArrowType target)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IMinMaxValue<T>
    {
        var n = vector.Length;
        var validity = vector.Validity();
        var bytes = new byte[n * Marshal.SizeOf<T>()];
        var result = MemoryMarshal.Cast<byte, T>(bytes.AsSpan());
        switch (vector.Kind)
        {
            case ValueKind.Int or ValueKind.Bool:
            {
                var ints = vector.GetInts();
                var min = long.CreateSaturating(T.MinValue);
                var max = long.CreateSaturating(T.MaxValue);
                for (var i = 0; i < n; i++)
                {
                    var v = ints[i];
                    if (v < min || v > max)
                    {
                        if (validity is null || validity[i])
                        {
                            throw RowMismatch(i, v.ToString(CultureInfo.InvariantCulture), target);
                        }
                        continue;
                    }
                    result[i] = T.CreateTruncating(v);
                }
                break;
            }
            case ValueKind.Float:
            {
                // DataFusion truncates toward zero; out of range and NaN are errors here, not wraps.
                var floats = vector.GetFloats();
                var min = double.CreateSaturating(T.MinValue);
                var max = double.CreateSaturating(T.MaxValue);
                for (var i = 0; i < n; i++)
                {
                    var v = Math.Truncate(floats[i]);
                    if (!(v >= min && v <= max))
                    {
                        if (validity is null || validity[i])
                        {
                            throw RowMismatch(i, floats[i].ToString("R", CultureInfo.InvariantCulture), target);
                        }
                        continue;
                    }
                    result[i] = T.CreateSaturating(v);
                }
                break;
            }
            case ValueKind.Utf8:
            {
                var text = new StringColumn(vector);
                for (var i = 0; i < n; i++)
                {
                    if (validity is null || validity[i])
                    {
                        result[i] = T.TryParse(text[i].Length == 0 ? "x" : Encoding.UTF8.GetString(text[i]).Trim(),
                            NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                            ? parsed
                            : throw RowMismatch(i, $"'{Encoding.UTF8.GetString(text[i])}'", target);
                    }
                }
                break;
            }
            default:
                throw Mismatch(vector, target, null);
        }
        return ArrowBits.Primitive(target, bytes, validity, n);
    }

    private static IArrowArray Floats<T>(ValueVector vector, IArrowType target)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var n = vector.Length;
        var validity = vector.Validity();
        var bytes = new byte[n * Marshal.SizeOf<T>()];
        var result = MemoryMarshal.Cast<byte, T>(bytes.AsSpan());
        double[] source;
        if (vector.Kind == ValueKind.Utf8)
        {
            var text = new StringColumn(vector);
            source = new double[n];
            for (var i = 0; i < n; i++)
            {
                if (validity is null || validity[i])
                {
                    var s = Encoding.UTF8.GetString(text[i]).Trim();
                    source[i] = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                        ? d
                        : throw RowMismatch(i, $"'{s}'", target);
                }
            }
        }
        else if (vector.Kind is ValueKind.Int or ValueKind.Float or ValueKind.Bool)
        {
            source = vector.Kind == ValueKind.Bool ? [.. vector.GetInts().Select(v => (double)v)] : vector.GetFloats();
        }
        else
        {
            throw Mismatch(vector, target, null);
        }
        for (var i = 0; i < n; i++)
        {
            var v = T.CreateTruncating(source[i]);
            if (T.IsInfinity(v) && double.IsFinite(source[i]) && (validity is null || validity[i]))
            {
                throw RowMismatch(i, source[i].ToString("R", CultureInfo.InvariantCulture), target);
            }
            result[i] = v;
        }
        return ArrowBits.Primitive(target, bytes, validity, n);
    }

    /// <summary>Any vector as utf8: numbers and bools in invariant text, dates ISO 8601.</summary>
    public static ValueVector ToUtf8(ValueVector vector)
    {
        var n = vector.Length;
        if (vector.IsNullScalar)
        {
            return ValueVector.NullOf(ValueKind.Utf8, n);
        }
        if (vector.Kind == ValueKind.Utf8)
        {
            return vector.IsScalar || vector.OwnsSource ? vector : ValueVector.FromArrow(CopyStrings(vector, ValueKind.Utf8), owned: true);
        }
        if (vector.IsScalar)
        {
            return ValueVector.OfBytes(ValueKind.Utf8, Encoding.UTF8.GetBytes(Format(vector, 0)), n);
        }
        var validity = vector.Validity();
        if (vector.Kind == ValueKind.Binary)
        {
            var strict = new UTF8Encoding(false, true);
            var raw = new StringColumn(vector);
            for (var i = 0; i < n; i++)
            {
                if (validity is null || validity[i])
                {
                    try
                    {
                        strict.GetCharCount(raw[i]);
                    }
                    catch (DecoderFallbackException e)
                    {
                        throw new GenevaException(GenevaErrorCode.TypeMismatch,
                            $"Binary value at row {i} is not valid UTF-8 and cannot become utf8.", i, e);
                    }
                }
            }
            return ValueVector.FromArrow(CopyStrings(vector, ValueKind.Utf8), owned: true);
        }
        var builder = new Utf8ArrayBuilder(n, n * 8);
        for (var i = 0; i < n; i++)
        {
            if (validity is not null && !validity[i])
            {
                builder.AppendNull();
                continue;
            }
            builder.Append(Encoding.UTF8.GetBytes(Format(vector, i)));
        }
        return ValueVector.FromArrow(builder.Build(ValueKind.Utf8), owned: true);
    }

    private static string Format(ValueVector vector, int row) => vector.Kind switch
    {
        ValueKind.Bool => (vector.IsScalar ? vector.ScalarBool : vector.GetBools()[row]) ? "true" : "false",
        ValueKind.Int => (vector.IsScalar ? vector.ScalarInt : vector.GetInts()[row]).ToString(CultureInfo.InvariantCulture),
        ValueKind.Float => (vector.IsScalar ? vector.ScalarFloat : vector.GetFloats()[row]).ToString("R", CultureInfo.InvariantCulture),
        _ => ArrowValues.GetValue(vector.Source!, row) switch
        {
            DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset o => o.ToString("O", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => other?.ToString() ?? "",
        },
    };

    /// <summary>Copies a string vector into fresh buffers the caller owns (rebased offsets, sliced bytes).</summary>
    private static BinaryArray CopyStrings(ValueVector vector, ValueKind kind)
    {
        var n = vector.Length;
        var validity = vector.Validity();
        var text = new StringColumn(vector);
        var builder = new Utf8ArrayBuilder(n, vector.IsScalar ? vector.ScalarBytes.Length * n : vector.Strings.ValueBuffer.Length);
        for (var i = 0; i < n; i++)
        {
            if (validity is not null && !validity[i])
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(text[i]);
            }
        }
        return builder.Build(kind);
    }

    /// <summary>First non-null argument per row, in the family the arguments share.</summary>
    public static ValueVector Coalesce(ValueVector[] args, ValueKind kind)
    {
        var n = args[0].Length;
        var present = args.Where(a => !a.IsNullScalar).ToArray();
        if (present.Length == 0 || kind == ValueKind.Null)
        {
            return ValueVector.NullOf(kind, n);
        }
        var validities = present.Select(a => a.Validity()).ToArray();
        var pick = new int[n];
        for (var i = 0; i < n; i++)
        {
            pick[i] = -1;
            for (var k = 0; k < present.Length; k++)
            {
                if (validities[k] is not { } v || v[i])
                {
                    pick[i] = k;
                    break;
                }
            }
        }
        return Pick(present, pick, null, kind, n);
    }

    /// <summary>
    /// Gathers one result from several sources: row <c>i</c> takes row <c>rows[i]</c> (or <c>i</c> when
    /// <paramref name="rows"/> is null) of <c>sources[pick[i]]</c>, and is null where <c>pick[i]</c> is
    /// negative or that value is null. Sources of narrower kinds widen to <paramref name="kind"/>.
    /// </summary>
    public static ValueVector Pick(IReadOnlyList<ValueVector> sources, int[] pick, int[]? rows, ValueKind kind, int n)
    {
        if (kind == ValueKind.Null || sources.Count == 0)
        {
            return ValueVector.NullOf(kind, n);
        }
        var validities = sources.Select(s => s.Validity()).ToArray();
        var validity = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var k = pick[i];
            if (k >= 0 && !sources[k].IsNullScalar)
            {
                var row = rows?[i] ?? i;
                validity[i] = validities[k] is not { } v || v[row];
            }
        }
        switch (kind)
        {
            case ValueKind.Int:
            {
                var values = sources.Select(s => s.IsNullScalar ? null : s.GetInts()).ToArray();
                var result = new long[n];
                for (var i = 0; i < n; i++)
                {
                    result[i] = validity[i] ? values[pick[i]]![rows?[i] ?? i] : 0;
                }
                return ValueVector.Ints(result, validity);
            }
            case ValueKind.Float:
            {
                var values = sources.Select(s => s.IsNullScalar ? null : s.GetFloats()).ToArray();
                var result = new double[n];
                for (var i = 0; i < n; i++)
                {
                    result[i] = validity[i] ? values[pick[i]]![rows?[i] ?? i] : 0;
                }
                return ValueVector.Floats(result, validity);
            }
            case ValueKind.Bool:
            {
                var values = sources.Select(s => s.IsNullScalar ? null : s.GetBools()).ToArray();
                var result = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    result[i] = validity[i] && values[pick[i]]![rows?[i] ?? i];
                }
                return ValueVector.Bools(result, validity);
            }
            case ValueKind.Utf8 or ValueKind.Binary:
            {
                var builder = new Utf8ArrayBuilder(n, 16 * n);
                for (var i = 0; i < n; i++)
                {
                    if (validity[i])
                    {
                        builder.Append(new StringColumn(sources[pick[i]])[rows?[i] ?? i]);
                    }
                    else
                    {
                        builder.AppendNull();
                    }
                }
                return ValueVector.FromArrow(builder.Build(kind), owned: true);
            }
            default:
                throw TypeRules.Invalid($"Values of kind {kind} cannot be chosen between.");
        }
    }
}
