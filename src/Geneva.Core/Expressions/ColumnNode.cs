using System.Text;
using System.Text.RegularExpressions;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>A column reference, kept as written; resolved against the batch schema at evaluation.</summary>
internal sealed partial class ColumnNode : ExpressionNode
{
    public ColumnNode(int position, string name) : base(position)
    {
        Name = name;
    }

    public string Name { get; }

    public override int Precedence => PrimaryPrecedence;

    public override IEnumerable<ExpressionNode> Children => [];

    public override void Validate(string text)
    {
        if (Name.Length == 0)
        {
            throw new ExpressionSyntaxException(text, Position, "a quoted column name may not be empty");
        }
    }

    public override void Write(StringBuilder builder)
    {
        if (PlainIdentifier().IsMatch(Name) && !SqlParser.IsKeyword(Name))
        {
            builder.Append(Name);
        }
        else
        {
            builder.Append('"').Append(Name.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
    }

    public override IArrowType InferType(ColumnResolver columns) => columns.TypeOf(Name);

    public override ValueVector Evaluate(EvaluationContext context) => context.Column(Name);

    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{N}_]*$")]
    private static partial Regex PlainIdentifier();
}
