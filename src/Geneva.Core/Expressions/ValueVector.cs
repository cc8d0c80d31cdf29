using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// An intermediate column during evaluation: either a scalar broadcast to <see cref="Length"/>
/// rows, or typed values plus validity (<c>true</c> = not null; a null validity array means no
/// nulls). Arrow inputs are wrapped and widened to long[]/double[]/bool[] only when a kernel
/// asks, so kernels that read Arrow buffers directly (length, string compares) never copy.
/// </summary>
internal sealed class ValueVector
{
    private long[]? _ints;
    private double[]? _floats;
    private bool[]? _bools;
    private bool[]? _validity;
    private bool _validityKnown;

    private ValueVector(ValueKind kind, int length, bool isScalar)
    {
        Kind = kind;
        Length = length;
        IsScalar = isScalar;
    }

    public ValueKind Kind { get; }

    public int Length { get; }

    public bool IsScalar { get; }

    public bool ScalarIsNull { get; private init; }

    public long ScalarInt { get; private init; }

    public double ScalarFloat { get; private init; }

    public bool ScalarBool { get; private init; }

    /// <summary>UTF-8 (or raw) bytes of a utf8/binary scalar.</summary>
    public byte[] ScalarBytes { get; private init; } = [];

    /// <summary>The Arrow array behind this vector, if any (always set for utf8/binary/other arrays).</summary>
    public IArrowArray? Source { get; private init; }

    /// <summary>True when <see cref="Source"/> was made by evaluation and may be handed to the caller as is.</summary>
    public bool OwnsSource { get; private init; }

    public bool IsNullScalar => IsScalar && ScalarIsNull;

    public static ValueVector NullOf(ValueKind kind, int length) =>
        new(kind, length, true) { ScalarIsNull = true };

    public static ValueVector Of(long value, int length) =>
        new(ValueKind.Int, length, true) { ScalarInt = value, ScalarFloat = value };

    public static ValueVector Of(double value, int length) =>
        new(ValueKind.Float, length, true) { ScalarFloat = value };

    public static ValueVector Of(bool value, int length) =>
        new(ValueKind.Bool, length, true) { ScalarBool = value };

    public static ValueVector OfBytes(ValueKind kind, byte[] value, int length) =>
        new(kind, length, true) { ScalarBytes = value };

    public static ValueVector Ints(long[] values, bool[]? validity) =>
        new(ValueKind.Int, values.Length, false) { _ints = values, _validity = validity, _validityKnown = true };

    public static ValueVector Floats(double[] values, bool[]? validity) =>
        new(ValueKind.Float, values.Length, false) { _floats = values, _validity = validity, _validityKnown = true };

    public static ValueVector Bools(bool[] values, bool[]? validity) =>
        new(ValueKind.Bool, values.Length, false) { _bools = values, _validity = validity, _validityKnown = true };

    public static ValueVector FromArrow(IArrowArray array, bool owned) => array.Data.DataType is NullType
        ? NullOf(ValueKind.Null, array.Length)
        : new(TypeRules.KindOf(array.Data.DataType), array.Length, false) { Source = array, OwnsSource = owned };

    /// <summary>The strings of a utf8/binary array vector.</summary>
    public BinaryArray Strings => Source as BinaryArray
        ?? throw new InvalidOperationException($"A {Kind} vector has no string array.");

    /// <summary>Validity per row; null means every row is valid.</summary>
    public bool[]? Validity()
    {
        if (IsScalar)
        {
            return ScalarIsNull ? new bool[Length] : null;
        }
        if (!_validityKnown)
        {
            _validity = ArrowBits.ReadValidity(Source!);
            _validityKnown = true;
        }
        return _validity;
    }

    public long[] GetInts()
    {
        if (_ints is not null)
        {
            return _ints;
        }
        if (IsScalar)
        {
            var filled = new long[Length];
            System.Array.Fill(filled, Kind == ValueKind.Bool ? (ScalarBool ? 1 : 0) : ScalarInt);
            return filled;
        }
        if (Kind == ValueKind.Bool)
        {
            var bools = GetBools();
            var result = new long[Length];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = bools[i] ? 1 : 0;
            }
            return result;
        }
        _ints = ArrowBits.ReadInts(Source!);
        return _ints;
    }

    public double[] GetFloats()
    {
        if (_floats is not null)
        {
            return _floats;
        }
        if (IsScalar)
        {
            var filled = new double[Length];
            System.Array.Fill(filled, ScalarFloat);
            return filled;
        }
        if (Kind == ValueKind.Int)
        {
            var ints = GetInts();
            var result = new double[ints.Length];
            for (var i = 0; i < ints.Length; i++)
            {
                result[i] = ints[i];
            }
            _floats = result;
            return result;
        }
        _floats = Source switch
        {
            DoubleArray d => d.Values.ToArray(),
            FloatArray f => ArrowBits.Widen(f.Values),
            _ => throw new InvalidOperationException($"A {Kind} vector has no float values."),
        };
        return _floats;
    }

    public bool[] GetBools()
    {
        if (_bools is not null)
        {
            return _bools;
        }
        if (IsScalar)
        {
            var filled = new bool[Length];
            if (ScalarBool)
            {
                System.Array.Fill(filled, true);
            }
            return filled;
        }
        _bools = ArrowBits.ReadBools((BooleanArray)Source!);
        return _bools;
    }

    /// <summary>The scalar as a float, whether it is an integer or a float scalar.</summary>
    public double ScalarAsFloat => Kind == ValueKind.Int ? ScalarInt : ScalarFloat;

    public IArrowType SourceType => Source?.Data.DataType ?? TypeRules.TypeOf(Kind);
}
