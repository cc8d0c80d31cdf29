using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// A call of a built-in function. The name is stored canonical (lower case, aliases such as
/// <c>char_length</c> mapped to <c>length</c>) so equivalent texts normalize alike.
/// </summary>
internal sealed class FunctionNode : ExpressionNode
{
    private static readonly Dictionary<string, (string Name, int Min, int Max)> s_functions =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["length"] = ("length", 1, 1),
            ["char_length"] = ("length", 1, 1),
            ["character_length"] = ("length", 1, 1),
            ["octet_length"] = ("octet_length", 1, 1),
            ["lower"] = ("lower", 1, 1),
            ["upper"] = ("upper", 1, 1),
            ["starts_with"] = ("starts_with", 2, 2),
            ["ends_with"] = ("ends_with", 2, 2),
            ["abs"] = ("abs", 1, 1),
            ["coalesce"] = ("coalesce", 1, int.MaxValue),
            ["concat"] = ("concat", 1, int.MaxValue),
            ["substr"] = ("substr", 2, 3),
            ["round"] = ("round", 1, 2),
            ["floor"] = ("floor", 1, 1),
            ["ceil"] = ("ceil", 1, 1),
        };

    public FunctionNode(int position, string writtenName, IReadOnlyList<ExpressionNode> arguments) : base(position)
    {
        WrittenName = writtenName;
        Name = s_functions.TryGetValue(writtenName, out var f) ? f.Name : writtenName.ToLowerInvariant();
        Arguments = arguments;
    }

    public static IReadOnlyCollection<string> KnownNames => s_functions.Keys;

    public string WrittenName { get; }

    public string Name { get; }

    public IReadOnlyList<ExpressionNode> Arguments { get; }

    public override int Precedence => PrimaryPrecedence;

    public override IEnumerable<ExpressionNode> Children => Arguments;

    public override void Validate(string text)
    {
        if (!s_functions.TryGetValue(WrittenName, out var f))
        {
            throw new ExpressionSyntaxException(text, Position,
                $"unknown function '{WrittenName}'; known functions are {string.Join(", ", s_functions.Keys)}");
        }
        if (Arguments.Count < f.Min || Arguments.Count > f.Max)
        {
            var expected = f.Min == f.Max ? $"{f.Min}" : f.Max == int.MaxValue ? $"at least {f.Min}" : $"{f.Min} to {f.Max}";
            throw new ExpressionSyntaxException(text, Position,
                $"function '{Name}' takes {expected} argument(s) but got {Arguments.Count}");
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append(Name).Append('(');
        for (var i = 0; i < Arguments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }
            Arguments[i].Write(builder);
        }
        builder.Append(')');
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        var types = Arguments.Select(a => a.InferType(columns)).ToArray();
        var kinds = types.Select(TypeRules.KindOf).ToArray();
        switch (Name)
        {
            case "length":
                Require(0, kinds[0] is ValueKind.Utf8 or ValueKind.Binary or ValueKind.Null, "utf8 or binary", types);
                return Int32Type.Default;
            case "octet_length":
                Require(0, kinds[0] is ValueKind.Utf8 or ValueKind.Binary or ValueKind.Null, "utf8 or binary", types);
                return Int32Type.Default;
            case "lower" or "upper":
                Require(0, kinds[0] is ValueKind.Utf8 or ValueKind.Null, "utf8", types);
                return StringType.Default;
            case "starts_with" or "ends_with":
                Require(0, kinds[0] is ValueKind.Utf8 or ValueKind.Null, "utf8", types);
                Require(1, kinds[1] is ValueKind.Utf8 or ValueKind.Null, "utf8", types);
                return BooleanType.Default;
            case "abs":
                Require(0, TypeRules.IsNumeric(kinds[0]), "a number", types);
                return kinds[0] == ValueKind.Float ? DoubleType.Default : Int64Type.Default;
            case "round" or "floor" or "ceil":
                Require(0, TypeRules.IsNumeric(kinds[0]), "a number", types);
                if (types.Length > 1)
                {
                    Require(1, kinds[1] is ValueKind.Int or ValueKind.Null, "an integer", types);
                }
                return DoubleType.Default;
            case "substr":
                Require(0, kinds[0] is ValueKind.Utf8 or ValueKind.Null, "utf8", types);
                for (var i = 1; i < types.Length; i++)
                {
                    Require(i, kinds[i] is ValueKind.Int or ValueKind.Null, "an integer", types);
                }
                return StringType.Default;
            case "concat":
                for (var i = 0; i < types.Length; i++)
                {
                    Require(i, kinds[i] is not (ValueKind.Binary or ValueKind.Other), "a number, bool or utf8", types);
                }
                return StringType.Default;
            case "coalesce":
                return CoalesceType(types);
            default:
                throw TypeRules.Invalid($"Unknown function '{WrittenName}'.");
        }
    }

    private IArrowType CoalesceType(IArrowType[] types) =>
        TypeRules.CommonType(types, () => $"coalesce arguments must share a type, but '{this}' has " +
            $"{string.Join(", ", types.Select(TypeRules.Describe))}.");

    private void Require(int index, bool ok, string expected, IArrowType[] types)
    {
        if (!ok)
        {
            throw TypeRules.Invalid($"Argument {index + 1} of {Name} must be {expected}, but '{Arguments[index]}' is " +
                $"{TypeRules.Describe(types[index])}.");
        }
    }

    public override ValueVector Evaluate(EvaluationContext context)
    {
        var args = new ValueVector[Arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Arguments[i].Evaluate(context);
        }
        return Name switch
        {
            "length" => StringKernels.Length(args[0], characters: true),
            "octet_length" => StringKernels.Length(args[0], characters: false),
            "lower" => StringKernels.ChangeCase(args[0], upper: false),
            "upper" => StringKernels.ChangeCase(args[0], upper: true),
            "starts_with" => StringKernels.StartsOrEndsWith(args[0], args[1], starts: true),
            "ends_with" => StringKernels.StartsOrEndsWith(args[0], args[1], starts: false),
            "substr" => StringKernels.Substring(args[0], args[1], args.Length > 2 ? args[2] : null),
            "concat" => StringKernels.Concat(args),
            "abs" => ArithmeticKernels.Abs(args[0]),
            "round" => ArithmeticKernels.Round(args[0], args.Length > 1 ? args[1] : null, MidpointRounding.AwayFromZero),
            "floor" => ArithmeticKernels.Round(args[0], null, MidpointRounding.ToNegativeInfinity),
            "ceil" => ArithmeticKernels.Round(args[0], null, MidpointRounding.ToPositiveInfinity),
            "coalesce" => CastKernels.Coalesce(args, TypeRules.KindOf(InferType(context.Columns))),
            _ => throw TypeRules.Invalid($"Unknown function '{WrittenName}'."),
        };
    }
}
