using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary><c>x is [not] null</c>; works on every column type and is never null itself.</summary>
internal sealed class IsNullNode : ExpressionNode
{
    public IsNullNode(ExpressionNode operand, bool negated) : base(operand.Position)
    {
        Operand = operand;
        Negated = negated;
    }

    public ExpressionNode Operand { get; }

    public bool Negated { get; }

    public override int Precedence => PredicatePrecedence;

    public override IEnumerable<ExpressionNode> Children => [Operand];

    public override void Write(StringBuilder builder)
    {
        WriteOperand(builder, Operand, AdditivePrecedence);
        builder.Append(Negated ? " is not null" : " is null");
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        Operand.InferType(columns);
        return BooleanType.Default;
    }

    public override ValueVector Evaluate(EvaluationContext context) =>
        LogicKernels.IsNull(Operand.Evaluate(context), Negated);
}
