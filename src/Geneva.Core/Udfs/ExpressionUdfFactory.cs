using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Expressions;

namespace Geneva.Core.Udfs;

internal sealed class ExpressionUdfFactory : IUdfFactory
{
    public string Kind => UdfKind.Expression;

    public object Create(UdfSpec spec) => new ExpressionUdf(SqlExpression.Parse(spec.Source), spec.OutputType);

    private sealed class ExpressionUdf(SqlExpression expression, string outputType) : IBatchUdf
    {
        private readonly Apache.Arrow.Types.IArrowType _type = ArrowTypeNames.Parse(outputType);

        public IArrowArray Apply(RecordBatch input) => expression.Evaluate(input, _type);
    }
}
