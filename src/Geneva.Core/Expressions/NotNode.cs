using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>Logical not; null stays null (three-valued logic).</summary>
internal sealed class NotNode : ExpressionNode
{
    public NotNode(int position, ExpressionNode operand) : base(position)
    {
        Operand = operand;
    }

    public ExpressionNode Operand { get; }

    public override int Precedence => NotPrecedence;

    public override IEnumerable<ExpressionNode> Children => [Operand];

    public override void Write(StringBuilder builder)
    {
        builder.Append("not ");
        WriteOperand(builder, Operand, NotPrecedence);
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        LogicKernels.RequireBoolean(Operand, columns, "not");
        return BooleanType.Default;
    }

    public override ValueVector Evaluate(EvaluationContext context) => LogicKernels.Not(Operand.Evaluate(context));
}
