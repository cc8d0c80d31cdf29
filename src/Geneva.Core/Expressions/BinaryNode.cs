using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>Logical, comparison and arithmetic operators on two operands.</summary>
internal sealed class BinaryNode : ExpressionNode
{
    public BinaryNode(BinaryOperator op, ExpressionNode left, ExpressionNode right) : base(left.Position)
    {
        Operator = op;
        Left = left;
        Right = right;
    }

    public BinaryOperator Operator { get; }

    public ExpressionNode Left { get; }

    public ExpressionNode Right { get; }

    public override IEnumerable<ExpressionNode> Children => [Left, Right];

    public override int Precedence => Operator switch
    {
        BinaryOperator.Or => OrPrecedence,
        BinaryOperator.And => AndPrecedence,
        BinaryOperator.Add or BinaryOperator.Subtract => AdditivePrecedence,
        BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Modulo => MultiplicativePrecedence,
        _ => PredicatePrecedence,
    };

    public bool IsComparison => Precedence == PredicatePrecedence;

    public bool IsLogical => Operator is BinaryOperator.And or BinaryOperator.Or;

    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => "or",
        BinaryOperator.And => "and",
        BinaryOperator.Equal => "=",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        _ => "%",
    };

    public override void Write(StringBuilder builder)
    {
        // Left-associative: a left operand of equal precedence needs no parentheses, a right one does.
        // Comparisons do not chain, so both of their operands must bind tighter.
        WriteOperand(builder, Left, IsComparison ? Precedence + 1 : Precedence);
        builder.Append(' ').Append(Symbol(Operator)).Append(' ');
        WriteOperand(builder, Right, Precedence + 1);
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        if (IsLogical)
        {
            LogicKernels.RequireBoolean(Left, columns, Symbol(Operator));
            LogicKernels.RequireBoolean(Right, columns, Symbol(Operator));
            return BooleanType.Default;
        }
        var left = Left.InferType(columns);
        var right = Right.InferType(columns);
        if (IsComparison)
        {
            ComparisonKernels.RequireComparable(left, right, Symbol(Operator), this);
            return BooleanType.Default;
        }
        var lk = TypeRules.KindOf(left);
        var rk = TypeRules.KindOf(right);
        if (!TypeRules.IsNumeric(lk) || !TypeRules.IsNumeric(rk))
        {
            throw TypeRules.Invalid($"Operator '{Symbol(Operator)}' needs numbers, but '{this}' combines " +
                $"{TypeRules.Describe(left)} and {TypeRules.Describe(right)}.");
        }
        return lk == ValueKind.Float || rk == ValueKind.Float ? DoubleType.Default : Int64Type.Default;
    }

    public override ValueVector Evaluate(EvaluationContext context)
    {
        var left = Left.Evaluate(context);
        var right = Right.Evaluate(context);
        return Operator switch
        {
            BinaryOperator.And => LogicKernels.And(left, right),
            BinaryOperator.Or => LogicKernels.Or(left, right),
            _ when IsComparison => ComparisonKernels.Compare(Operator, left, right),
            _ => ArithmeticKernels.Apply(Operator, left, right),
        };
    }
}
