using System.Globalization;
using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>A constant: int64, float64, utf8, bool or null. Evaluates to a broadcast scalar, never an array.</summary>
internal sealed class LiteralNode : ExpressionNode
{
    private LiteralNode(int position, ValueKind kind) : base(position)
    {
        Kind = kind;
    }

    public ValueKind Kind { get; }

    public long IntValue { get; private init; }

    public double FloatValue { get; private init; }

    public bool BoolValue { get; private init; }

    public string StringValue { get; private init; } = "";

    public override int Precedence => PrimaryPrecedence;

    public override IEnumerable<ExpressionNode> Children => [];

    public static LiteralNode Null(int position) => new(position, ValueKind.Null);

    public static LiteralNode Bool(int position, bool value) => new(position, ValueKind.Bool) { BoolValue = value };

    public static LiteralNode String(int position, string value) => new(position, ValueKind.Utf8) { StringValue = value };

    public static LiteralNode Int(int position, long value) => new(position, ValueKind.Int) { IntValue = value };

    public static LiteralNode Float(int position, double value) => new(position, ValueKind.Float) { FloatValue = value };

    /// <summary>Integers that fit int64 stay integers (like DataFusion); larger ones become float64.</summary>
    public static LiteralNode Number(int position, string text)
    {
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') < 0 &&
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
        {
            return Int(position, integer);
        }
        return Float(position, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    public bool IsNegativeNumber => (Kind == ValueKind.Int && IntValue < 0) ||
        (Kind == ValueKind.Float && (FloatValue < 0 || double.IsNegative(FloatValue)));

    public LiteralNode Negate(int position) => Kind switch
    {
        ValueKind.Int => Int(position, -IntValue),
        ValueKind.Float => Float(position, -FloatValue),
        _ => throw new InvalidOperationException("Only numbers negate."),
    };

    public override void Validate(string text)
    {
        if (Kind == ValueKind.Float && !double.IsFinite(FloatValue))
        {
            throw new ExpressionSyntaxException(text, Position, "number is out of range for float64");
        }
    }

    public override void Write(StringBuilder builder)
    {
        switch (Kind)
        {
            case ValueKind.Null:
                builder.Append("null");
                break;
            case ValueKind.Bool:
                builder.Append(BoolValue ? "true" : "false");
                break;
            case ValueKind.Int:
                builder.Append(IntValue.ToString(CultureInfo.InvariantCulture));
                break;
            case ValueKind.Float:
                builder.Append(FormatFloat(FloatValue));
                break;
            default:
                builder.Append('\'').Append(StringValue.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
                break;
        }
    }

    /// <summary>Round-trip text that still reads back as a float (1.0, not 1).</summary>
    public static string FormatFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny('.', 'E', 'N') < 0 ? text + ".0" : text;
    }

    public override IArrowType InferType(ColumnResolver columns) => Kind switch
    {
        ValueKind.Null => NullType.Default,
        _ => TypeRules.TypeOf(Kind),
    };

    public override ValueVector Evaluate(EvaluationContext context) => Kind switch
    {
        ValueKind.Null => ValueVector.NullOf(ValueKind.Null, context.Length),
        ValueKind.Bool => ValueVector.Of(BoolValue, context.Length),
        ValueKind.Int => ValueVector.Of(IntValue, context.Length),
        ValueKind.Float => ValueVector.Of(FloatValue, context.Length),
        _ => ValueVector.OfBytes(ValueKind.Utf8, Encoding.UTF8.GetBytes(StringValue), context.Length),
    };
}
