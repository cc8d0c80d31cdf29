using System.Text;
using Apache.Arrow.Types;
using Geneva.Core.Arrow;

namespace Geneva.Core.Expressions;

/// <summary>
/// <c>case [operand] when a then x ... [else y] end</c> with DataFusion's semantics: the first
/// branch whose condition is true wins (a null condition is not taken; in the simple form a branch
/// is taken when <c>operand = a</c> is true); no branch and no ELSE gives null; the result has the
/// common type of the branches. Branches are evaluated over the whole batch first; only if that
/// raises (a division by zero on a row another branch decides) is each condition and value
/// evaluated again on just the rows it decides, so a guard like <c>when b &lt;&gt; 0 then a / b</c>
/// works as in SQL without slowing the common case.
/// </summary>
internal sealed class CaseNode : ExpressionNode
{
    public CaseNode(int position, ExpressionNode? operand, IReadOnlyList<(ExpressionNode When, ExpressionNode Then)> branches,
        ExpressionNode? otherwise) : base(position)
    {
        Operand = operand;
        Branches = branches;
        Else = otherwise;
    }

    /// <summary>The value compared with each WHEN in the simple form; null in the searched form.</summary>
    public ExpressionNode? Operand { get; }

    public IReadOnlyList<(ExpressionNode When, ExpressionNode Then)> Branches { get; }

    public ExpressionNode? Else { get; }

    public override int Precedence => PrimaryPrecedence;

    public override IEnumerable<ExpressionNode> Children
    {
        get
        {
            if (Operand is not null)
            {
                yield return Operand;
            }
            foreach (var (when, then) in Branches)
            {
                yield return when;
                yield return then;
            }
            if (Else is not null)
            {
                yield return Else;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append("case");
        if (Operand is not null)
        {
            builder.Append(' ');
            Operand.Write(builder);
        }
        foreach (var (when, then) in Branches)
        {
            builder.Append(" when ");
            when.Write(builder);
            builder.Append(" then ");
            then.Write(builder);
        }
        if (Else is not null)
        {
            builder.Append(" else ");
            Else.Write(builder);
        }
        builder.Append(" end");
    }

    public override IArrowType InferType(ColumnResolver columns)
    {
        var operandType = Operand?.InferType(columns);
        foreach (var (when, _) in Branches)
        {
            var whenType = when.InferType(columns);
            if (operandType is not null)
            {
                ComparisonKernels.RequireComparable(operandType, whenType, "case", this);
            }
            else if (TypeRules.KindOf(whenType) is not (ValueKind.Bool or ValueKind.Null))
            {
                throw TypeRules.Invalid($"A CASE WHEN condition must be a bool, but '{when}' is {TypeRules.Describe(whenType)}.");
            }
        }
        var results = Branches.Select(b => b.Then).Append(Else).OfType<ExpressionNode>().ToArray();
        var types = results.Select(r => r.InferType(columns)).ToArray();
        return TypeRules.CommonType(types, () => $"The THEN and ELSE values of a CASE must share a type, but '{this}' has " +
            $"{string.Join(", ", types.Select(TypeRules.Describe))}.");
    }

    public override ValueVector Evaluate(EvaluationContext context)
    {
        var kind = TypeRules.KindOf(InferType(context.Columns));
        var n = context.Length;
        var operand = Operand?.Evaluate(context);
        var open = new bool[n];
        System.Array.Fill(open, true);
        var openCount = n;
        var sources = new List<ValueVector>();
        var pick = new int[n];
        System.Array.Fill(pick, -1);
        foreach (var (when, then) in Branches)
        {
            if (openCount == 0)
            {
                break;
            }
            var condition = EvaluateOn(when, context, open, openCount);
            if (operand is not null)
            {
                condition = ComparisonKernels.Compare(BinaryOperator.Equal, operand, condition);
            }
            var taken = Taken(condition, open, out var takenCount);
            if (takenCount == 0)
            {
                continue;
            }
            sources.Add(EvaluateOn(then, context, taken, takenCount));
            for (var i = 0; i < n; i++)
            {
                if (taken[i])
                {
                    pick[i] = sources.Count - 1;
                    open[i] = false;
                }
            }
            openCount -= takenCount;
        }
        if (Else is not null && openCount > 0)
        {
            sources.Add(EvaluateOn(Else, context, open, openCount));
            for (var i = 0; i < n; i++)
            {
                if (open[i])
                {
                    pick[i] = sources.Count - 1;
                }
            }
        }
        return CastKernels.Pick(sources, pick, null, kind, n);
    }

    /// <summary>Rows still open whose condition is true (not false, not null).</summary>
    private static bool[] Taken(ValueVector condition, bool[] open, out int count)
    {
        var n = open.Length;
        var taken = new bool[n];
        count = 0;
        if (condition.IsScalar)
        {
            if (condition.ScalarIsNull || !condition.ScalarBool)
            {
                return taken;
            }
            System.Array.Copy(open, taken, n);
            count = open.Count(o => o);
            return taken;
        }
        var values = condition.GetBools();
        var validity = condition.Validity();
        for (var i = 0; i < n; i++)
        {
            if (open[i] && values[i] && (validity is null || validity[i]))
            {
                taken[i] = true;
                count++;
            }
        }
        return taken;
    }

    /// <summary>
    /// <paramref name="node"/> over every row of the context (null where <paramref name="rows"/> is false
    /// when it had to be evaluated on those rows alone, after it raised on the whole batch).
    /// </summary>
    private static ValueVector EvaluateOn(ExpressionNode node, EvaluationContext context, bool[] rows, int count)
    {
        if (count == rows.Length)
        {
            return node.Evaluate(context);
        }
        try
        {
            return node.Evaluate(context);
        }
        catch (GenevaException)
        {
            var indices = ArrowSelection.Indices(rows);
            var subset = context.Subset(indices);
            var value = node.Evaluate(subset);
            var pick = new int[rows.Length];
            var at = new int[rows.Length];
            System.Array.Fill(pick, -1);
            for (var j = 0; j < indices.Length; j++)
            {
                pick[indices[j]] = 0;
                at[indices[j]] = j;
            }
            return CastKernels.Pick([value], pick, at, value.Kind, rows.Length);
        }
    }
}
