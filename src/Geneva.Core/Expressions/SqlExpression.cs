using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Geneva.Core.Expressions;

/// <summary>
/// A parsed SQL expression (a DataFusion-dialect subset) used both as a <c>-Where</c> filter and
/// as an expression UDF such as <c>length(text)</c>. Parsing happens once; evaluation is
/// vectorized over whole <see cref="RecordBatch"/>es into typed buffers, with no per-row boxing.
/// Instances are immutable and safe to evaluate from several threads at once.
/// </summary>
public sealed class SqlExpression
{
    private readonly ExpressionNode _root;

    private SqlExpression(string text, ExpressionNode root)
    {
        Text = text;
        _root = root;
        var normalized = new StringBuilder();
        root.Write(normalized);
        Normalized = normalized.ToString();
        var columns = new List<string>();
        Collect(root, columns);
        Columns = columns;
    }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="ExpressionSyntaxException"/> with a 1-based position.</summary>
    public static SqlExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SqlExpression(text, SqlParser.Parse(text));
    }

    /// <summary>The text as given, for messages.</summary>
    public string Text { get; }

    /// <summary>
    /// Canonical text: keywords and function names lower case, single spaces, identifiers as
    /// written, canonical literals, parentheses only where the tree needs them. Equal trees give
    /// equal text, so this is the expression's checkpoint identity.
    /// </summary>
    public string Normalized { get; }

    /// <summary>Referenced column names, distinct, in order of first appearance; what a job must read.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// Type-checks against <paramref name="schema"/> and returns the result type, so a bad
    /// expression fails before any data is read. Unknown column: <see cref="GenevaErrorCode.ColumnNotFound"/>;
    /// mismatched operands: <see cref="GenevaErrorCode.ExpressionInvalid"/>.
    /// </summary>
    public IArrowType GetResultType(Schema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return _root.InferType(new ColumnResolver(schema));
    }

    /// <summary>
    /// Evaluates over <paramref name="batch"/>, finding columns by name in its schema. The result
    /// has <c>batch.Length</c> rows and is a new array the caller owns (and disposes). When
    /// <paramref name="resultType"/> is given the result is cast to it; values that do not fit
    /// raise <see cref="GenevaErrorCode.TypeMismatch"/>.
    /// </summary>
    public IArrowArray Evaluate(RecordBatch batch, IArrowType? resultType = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var context = new EvaluationContext(batch);
        var natural = _root.InferType(context.Columns);
        var vector = _root.Evaluate(context);
        return CastKernels.ToArrow(vector, resultType ?? natural);
    }

    /// <summary>
    /// Evaluates a predicate: true where the row matches. SQL null counts as false, as in a
    /// WHERE clause. A non-boolean expression raises <see cref="GenevaErrorCode.ExpressionInvalid"/>.
    /// </summary>
    public bool[] EvaluateFilter(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var context = new EvaluationContext(batch);
        var type = _root.InferType(context.Columns);
        if (TypeRules.KindOf(type) is not (ValueKind.Bool or ValueKind.Null))
        {
            throw new GenevaException(GenevaErrorCode.ExpressionInvalid,
                $"Filter '{Text}' must be a condition (bool) but is {TypeRules.Describe(type)}.", Text);
        }
        var vector = _root.Evaluate(context);
        var n = batch.Length;
        if (vector.IsScalar)
        {
            var all = new bool[n];
            if (!vector.ScalarIsNull && vector.ScalarBool)
            {
                System.Array.Fill(all, true);
            }
            return all;
        }
        var values = vector.GetBools();
        var validity = vector.Validity();
        if (validity is null)
        {
            // Every vector belongs to this evaluation (columns are unpacked into fresh arrays), so no copy.
            return values;
        }
        var result = new bool[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = values[i] & validity[i];
        }
        return result;
    }

    public override string ToString() => Normalized;

    private static void Collect(ExpressionNode node, List<string> columns)
    {
        if (node is ColumnNode column && !columns.Contains(column.Name, StringComparer.Ordinal))
        {
            columns.Add(column.Name);
        }
        foreach (var child in node.Children)
        {
            Collect(child, columns);
        }
    }
}
