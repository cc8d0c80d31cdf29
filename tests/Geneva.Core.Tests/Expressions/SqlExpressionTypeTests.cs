using Apache.Arrow.Types;
using Geneva.Core.Expressions;

namespace Geneva.Core.Tests.Expressions;

public sealed class SqlExpressionTypeTests
{
    [Theory]
    [InlineData("i8", typeof(Int8Type))]
    [InlineData("length(s)", typeof(Int32Type))]
    [InlineData("i8 + i8", typeof(Int64Type))]
    [InlineData("i8 + 1.0", typeof(DoubleType))]
    [InlineData("lower(s)", typeof(StringType))]
    [InlineData("i > 1 and b", typeof(BooleanType))]
    [InlineData("coalesce(i8, i8)", typeof(Int8Type))]
    [InlineData("coalesce(i8, i)", typeof(Int64Type))]
    [InlineData("coalesce(i, f)", typeof(DoubleType))]
    [InlineData("null", typeof(NullType))]
    public void GetResultType_ValidExpression_ReturnsType(string text, Type expected)
    {
        Assert.IsType(expected, SqlExpression.Parse(text).GetResultType(TestBatches.Mixed().Schema));
    }

    [Theory]
    [InlineData("missing > 1", "missing")]
    [InlineData("length(\"no such\")", "no such")]
    [InlineData("i > 1 or other", "other")]
    public void GetResultType_UnknownColumn_ThrowsColumnNotFound(string text, string column)
    {
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse(text).GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(GenevaErrorCode.ColumnNotFound, e.Code);
        Assert.Equal(column, e.Target);
    }

    [Fact]
    public void Evaluate_UnknownColumn_ThrowsColumnNotFound()
    {
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("nope").Evaluate(TestBatches.Mixed()));
        Assert.Equal(GenevaErrorCode.ColumnNotFound, e.Code);
    }

    [Theory]
    [InlineData("s + 1")]
    [InlineData("s > 1")]
    [InlineData("i and b")]
    [InlineData("not i")]
    [InlineData("-s")]
    [InlineData("length(i)")]
    [InlineData("lower(i)")]
    [InlineData("abs(s)")]
    [InlineData("s like 1")]
    [InlineData("i in (1, 'a')")]
    [InlineData("i between 'a' and 'b'")]
    [InlineData("coalesce(i, s)")]
    [InlineData("substr(s, 'a')")]
    [InlineData("starts_with(s, 1)")]
    public void GetResultType_MismatchedOperands_ThrowsExpressionInvalid(string text)
    {
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse(text).GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
        Assert.IsNotType<ExpressionSyntaxException>(e);
    }

    [Fact]
    public void GetResultType_DateComparison_ThrowsExpressionInvalid()
    {
        var batch = TestBatches.Build(("d", Date32Type.Default, [new DateTime(2024, 1, 1)]));
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("d > d").GetResultType(batch.Schema));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
    }

    [Fact]
    public void GetResultType_AmbiguousCaseInsensitiveName_ThrowsColumnNotFound()
    {
        var batch = TestBatches.Build(("Ab", Int32Type.Default, [1]), ("aB", Int32Type.Default, [2]));
        Assert.IsType<Int32Type>(SqlExpression.Parse("Ab").GetResultType(batch.Schema));
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("ab").GetResultType(batch.Schema));
        Assert.Equal(GenevaErrorCode.ColumnNotFound, e.Code);
    }
}
