using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary><c>x [not] like 'pattern'</c>: case-sensitive, <c>%</c> any run, <c>_</c> one character, <c>\</c> escapes.</summary>
internal sealed class LikeNode : ExpressionNode
{
    public LikeNode(ExpressionNode operand, ExpressionNode pattern, bool negated) : base(operand.Position)
    {
        Operand = operand;
        Pattern = pattern;
        Negated = negated;
    }

    public ExpressionNode Operand { get; }

    public ExpressionNode Pattern { get; }

    public bool Negated { get; }

    public override int Precedence => PredicatePrecedence;

    public override IEnumerable<ExpressionNode> Children => [Operand, Pattern];

    public override void Write(StringBuilder builder)
    {
        WriteOperand(builder, Operand, AdditivePrecedence);
        builder.Append(Negated ? " not like " : " like ");
        WriteOperand(builder, Pattern, AdditivePrecedence);
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        foreach (var side in (ReadOnlySpan<ExpressionNode>)[Operand, Pattern])
        {
            var type = side.InferType(columns);
            if (TypeRules.KindOf(type) is not (ValueKind.Utf8 or ValueKind.Null))
            {
                throw TypeRules.Invalid($"'like' needs utf8 operands, but '{side}' is {TypeRules.Describe(type)}.");
            }
        }
        return BooleanType.Default;
    }

    public override ValueVector Evaluate(EvaluationContext context)
    {
        var result = StringKernels.Like(Operand.Evaluate(context), Pattern.Evaluate(context));
        return Negated ? LogicKernels.Not(result) : result;
    }
}
