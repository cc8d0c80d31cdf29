using System.Globalization;
using System.Text.RegularExpressions;
using Apache.Arrow.Types;
using Geneva.Core.Arrow;

namespace Geneva.Core.Storage;

/// <summary>
/// How CSV text becomes typed values: what the inference recognizes, the null markers, and the converter to each
/// Arrow type a column can be given. The rules follow what pandas and DuckDB users expect: integers, floats
/// (NaN and Infinity included), true/false, ISO 8601 dates (<c>2024-05-31</c>) and date-times
/// (<c>2024-05-31T12:30:00</c>, a space for the T, optional fraction, optional <c>Z</c> or offset).
/// </summary>
internal static partial class CsvValues
{
    /// <summary>
    /// Texts read as null in a column that is not text (pandas's default missing-value markers, which the
    /// pandas-to-Arrow conversion turns into nulls): empty, NA, N/A, n/a, #N/A, #NA, &lt;NA&gt;, NULL, null,
    /// None, NaN, nan. A text column keeps them as they are.
    /// </summary>
    public static IReadOnlyList<string> NullMarkers { get; } =
        ["", "NA", "N/A", "n/a", "#N/A", "#NA", "<NA>", "NULL", "null", "None", "NaN", "nan"];

    private static readonly HashSet<string> s_nullMarkers = new(NullMarkers, StringComparer.Ordinal);

    public static bool IsNull(string? text) => text is null || s_nullMarkers.Contains(text);

    /// <summary>The kind one non-null value parses as.</summary>
    public static CsvColumnKind KindOf(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? CsvColumnKind.Int
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? CsvColumnKind.Float
        : bool.TryParse(value, out _) ? CsvColumnKind.Bool
        : IsoDate().IsMatch(value) && TryDate(value, out _) ? CsvColumnKind.Date
        : IsoDateTime().IsMatch(value) && TryTimestamp(value, out _) ? CsvColumnKind.Timestamp
        : CsvColumnKind.Text;

    public static CsvColumnKind Widen(CsvColumnKind kind, string? value)
    {
        if (IsNull(value) || kind == CsvColumnKind.Text)
        {
            return kind;
        }
        var seen = KindOf(value!);
        return (kind, seen) switch
        {
            (CsvColumnKind.Unknown, _) => seen,
            _ when kind == seen => kind,
            (CsvColumnKind.Int, CsvColumnKind.Float) or (CsvColumnKind.Float, CsvColumnKind.Int) => CsvColumnKind.Float,
            (CsvColumnKind.Date, CsvColumnKind.Timestamp) or (CsvColumnKind.Timestamp, CsvColumnKind.Date) => CsvColumnKind.Timestamp,
            _ => CsvColumnKind.Text,
        };
    }

    public static string TypeName(CsvColumnKind kind) => kind switch
    {
        CsvColumnKind.Bool => "bool",
        CsvColumnKind.Int => "int64",
        CsvColumnKind.Float => "float64",
        CsvColumnKind.Date => "date32",
        CsvColumnKind.Timestamp => "timestamp[us]",
        _ => "utf8",
    };

    /// <summary>
    /// The converter from CSV text to a value <see cref="ArrowValues.Build"/> stores as <paramref name="type"/>; it
    /// returns false for text that is not such a value. Null for a type CSV text cannot give (lists).
    /// </summary>
    public static TryConvert? ConverterFor(IArrowType type) => type switch
    {
        BooleanType => (string s, out object? v) => Set(TryBool(s, out var b), b, out v),
        Int8Type => Integer(sbyte.MinValue, sbyte.MaxValue),
        Int16Type => Integer(short.MinValue, short.MaxValue),
        Int32Type => Integer(int.MinValue, int.MaxValue),
        Int64Type => Integer(long.MinValue, long.MaxValue),
        UInt8Type or UInt16Type or UInt32Type or UInt64Type => Unsigned(type switch
        {
            UInt8Type => byte.MaxValue,
            UInt16Type => ushort.MaxValue,
            UInt32Type => uint.MaxValue,
            _ => ulong.MaxValue,
        }),
        FloatType or DoubleType => (string s, out object? v) =>
            Set(double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) &&
                (type is DoubleType || float.IsFinite((float)d) || !double.IsFinite(d)), d, out v),
        StringType or LargeStringType => (string s, out object? v) => Set(true, s, out v),
        BinaryType or LargeBinaryType => (string s, out object? v) =>
        {
            var buffer = new byte[s.Length];
            return Set(Convert.TryFromBase64String(s, buffer, out var written), buffer[..written], out v);
        },
        Date32Type => (string s, out object? v) => Set(TryDate(s, out var d), d, out v),
        TimestampType => (string s, out object? v) => Set(TryTimestamp(s, out var t), t, out v),
        _ => null,
    };

    public delegate bool TryConvert(string text, out object? value);

    /// <summary>What a type's values look like in CSV, for error messages.</summary>
    public static string Expected(IArrowType type) => type switch
    {
        BooleanType => "true, false, 1 or 0",
        Date32Type => "an ISO 8601 date such as 2024-05-31",
        TimestampType => "an ISO 8601 date-time such as 2024-05-31T12:30:00Z",
        BinaryType or LargeBinaryType => "base64 text",
        _ => $"a valid {ArrowTypeNames.Format(type)} value",
    };

    private static bool Set<T>(bool ok, T parsed, out object? value)
    {
        value = ok ? parsed : null;
        return ok;
    }

    private static TryConvert Integer(long min, long max) => (string s, out object? v) =>
        Set(long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max, n, out v);

    private static TryConvert Unsigned(ulong max) => (string s, out object? v) =>
        Set(ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max, n, out v);

    private static bool TryBool(string s, out bool value)
    {
        if (bool.TryParse(s, out value))
        {
            return true;
        }
        value = s == "1";
        return s is "1" or "0";
    }

    private static bool TryDate(string s, out DateTime value)
    {
        var ok = DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date);
        value = ok ? date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : default;
        return ok;
    }

    /// <summary>An ISO 8601 date or date-time; one without an offset is taken as UTC, one with an offset converted to UTC.</summary>
    private static bool TryTimestamp(string s, out DateTimeOffset value)
    {
        value = default;
        if (!IsoDateTime().IsMatch(s) && !IsoDate().IsMatch(s))
        {
            return false;
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}(:?\d{2})?)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex IsoDateTime();
}
