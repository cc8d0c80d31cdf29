using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>Unary minus over a non-literal (minus on a number literal is folded into the literal).</summary>
internal sealed class NegateNode : ExpressionNode
{
    public NegateNode(int position, ExpressionNode operand) : base(position)
    {
        Operand = operand;
    }

    public ExpressionNode Operand { get; }

    public override int Precedence => UnaryPrecedence;

    public override IEnumerable<ExpressionNode> Children => [Operand];

    public override void Write(StringBuilder builder)
    {
        builder.Append('-');
        // "--" would read as a comment in SQL, so a nested minus is parenthesized.
        var nested = Operand is NegateNode || Operand is LiteralNode { IsNegativeNumber: true };
        WriteOperand(builder, Operand, nested ? int.MaxValue : UnaryPrecedence);
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        var type = Operand.InferType(columns);
        return TypeRules.KindOf(type) switch
        {
            ValueKind.Int => Int64Type.Default,
            ValueKind.Float => DoubleType.Default,
            ValueKind.Null => Int64Type.Default,
            _ => throw TypeRules.Invalid($"Unary minus needs a number, but '{Operand}' is {TypeRules.Describe(type)}."),
        };
    }

    public override ValueVector Evaluate(EvaluationContext context) =>
        ArithmeticKernels.Negate(Operand.Evaluate(context));
}
