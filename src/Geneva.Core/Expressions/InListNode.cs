using System.Text;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// <c>x [not] in (a, b, ...)</c> with SQL semantics: true on any match, else null when x or
/// any item is null, else false. Evaluated as a chain of equalities.
/// </summary>
internal sealed class InListNode : ExpressionNode
{
    public InListNode(ExpressionNode operand, IReadOnlyList<ExpressionNode> items, bool negated) : base(operand.Position)
    {
        Operand = operand;
        Items = items;
        Negated = negated;
    }

    public ExpressionNode Operand { get; }

    public IReadOnlyList<ExpressionNode> Items { get; }

    public bool Negated { get; }

    public override int Precedence => PredicatePrecedence;

    public override IEnumerable<ExpressionNode> Children => [Operand, .. Items];

    public override void Write(StringBuilder builder)
    {
        WriteOperand(builder, Operand, AdditivePrecedence);
        builder.Append(Negated ? " not in (" : " in (");
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }
            Items[i].Write(builder);
        }
        builder.Append(')');
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        var type = Operand.InferType(columns);
        foreach (var item in Items)
        {
            ComparisonKernels.RequireComparable(type, item.InferType(columns), "in", this);
        }
        return BooleanType.Default;
    }

    public override ValueVector Evaluate(EvaluationContext context)
    {
        var operand = Operand.Evaluate(context);
        ValueVector? result = null;
        foreach (var item in Items)
        {
            var equal = ComparisonKernels.Compare(BinaryOperator.Equal, operand, item.Evaluate(context));
            result = result is null ? equal : LogicKernels.Or(result, equal);
        }
        return Negated ? LogicKernels.Not(result!) : result!;
    }
}
