using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Expressions;

namespace Geneva.Core.Udfs;

/// <summary>A SQL-style expression evaluated over each batch, vectorized.</summary>
internal sealed class ExpressionUdf(SqlExpression expression, string outputType) : IBatchUdf
{
    private readonly Apache.Arrow.Types.IArrowType _type = ArrowTypeNames.Parse(outputType);

    public IArrowArray Apply(RecordBatch input) => expression.Evaluate(input, _type);
}
