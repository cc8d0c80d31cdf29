using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary><c>x [not] between low and high</c>, inclusive, as <c>x &gt;= low and x &lt;= high</c>.</summary>
internal sealed class BetweenNode : ExpressionNode
{
    public BetweenNode(ExpressionNode operand, ExpressionNode low, ExpressionNode high, bool negated) : base(operand.Position)
    {
        Operand = operand;
        Low = low;
        High = high;
        Negated = negated;
    }

    public ExpressionNode Operand { get; }

    public ExpressionNode Low { get; }

    public ExpressionNode High { get; }

    public bool Negated { get; }

    public override int Precedence => PredicatePrecedence;

    public override IEnumerable<ExpressionNode> Children => [Operand, Low, High];

    public override void Write(StringBuilder builder)
    {
        WriteOperand(builder, Operand, AdditivePrecedence);
        builder.Append(Negated ? " not between " : " between ");
        WriteOperand(builder, Low, AdditivePrecedence);
        builder.Append(" and ");
        WriteOperand(builder, High, AdditivePrecedence);
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        var type = Operand.InferType(columns);
        ComparisonKernels.RequireComparable(type, Low.InferType(columns), "between", this);
        ComparisonKernels.RequireComparable(type, High.InferType(columns), "between", this);
        return BooleanType.Default;
    }

    public override ValueVector Evaluate(EvaluationContext context)
    {
        var operand = Operand.Evaluate(context);
        var result = LogicKernels.And(
            ComparisonKernels.Compare(BinaryOperator.GreaterOrEqual, operand, Low.Evaluate(context)),
            ComparisonKernels.Compare(BinaryOperator.LessOrEqual, operand, High.Evaluate(context)));
        return Negated ? LogicKernels.Not(result) : result;
    }
}
