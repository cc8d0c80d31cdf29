using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// A node of a parsed expression. Nodes are immutable, so one parsed expression can be
/// type-checked and evaluated from many threads at once.
/// </summary>
internal abstract class ExpressionNode
{
    public const int OrPrecedence = 1;
    public const int AndPrecedence = 2;
    public const int NotPrecedence = 3;
    public const int PredicatePrecedence = 4;
    public const int AdditivePrecedence = 5;
    public const int MultiplicativePrecedence = 6;
    public const int UnaryPrecedence = 7;
    public const int PrimaryPrecedence = 8;

    protected ExpressionNode(int position)
    {
        Position = position;
    }

    /// <summary>1-based character position in the source text, for error messages.</summary>
    public int Position { get; }

    /// <summary>How tightly the node binds; normalization parenthesizes operands that bind less tightly.</summary>
    public abstract int Precedence { get; }

    public abstract IEnumerable<ExpressionNode> Children { get; }

    public abstract void Write(StringBuilder builder);

    public abstract IArrowType InferType(ColumnResolver columns);

    public abstract ValueVector Evaluate(EvaluationContext context);

    /// <summary>Checks what the grammar cannot (function names and arities, literal ranges).</summary>
    public virtual void Validate(string text)
    {
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder);
        return builder.ToString();
    }

    protected static void WriteOperand(StringBuilder builder, ExpressionNode operand, int minPrecedence)
    {
        if (operand.Precedence < minPrecedence)
        {
            builder.Append('(');
            operand.Write(builder);
            builder.Append(')');
        }
        else
        {
            operand.Write(builder);
        }
    }
}
