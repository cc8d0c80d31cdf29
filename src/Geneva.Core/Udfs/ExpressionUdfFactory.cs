using Geneva.Core.Expressions;

namespace Geneva.Core.Udfs;

internal sealed class ExpressionUdfFactory : IUdfFactory
{
    public string Kind => UdfKind.Expression;

    public object Create(UdfSpec spec) => new ExpressionUdf(SqlExpression.Parse(spec.Source), spec.OutputType);
}
