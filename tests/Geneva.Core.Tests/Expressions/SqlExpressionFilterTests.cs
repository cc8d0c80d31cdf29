using Apache.Arrow.Types;
using Geneva.Core.Expressions;

namespace Geneva.Core.Tests.Expressions;

public sealed class SqlExpressionFilterTests
{
    [Theory]
    [InlineData("i > 1", new[] { false, true, false, false, true })]
    [InlineData("s is null", new[] { false, false, true, false, false })]
    [InlineData("not (i > 1)", new[] { true, false, false, true, false })]
    [InlineData("b", new[] { true, false, false, true, false })]
    [InlineData("b or s is null", new[] { true, false, true, true, false })]
    [InlineData("length(s) > 5 and i is not null", new[] { false, true, false, false, true })]
    [InlineData("true", new[] { true, true, true, true, true })]
    [InlineData("null", new[] { false, false, false, false, false })]
    [InlineData("i in (2, null)", new[] { false, true, false, false, false })]
    public void EvaluateFilter_NullRows_CountAsFalse(string text, bool[] expected)
    {
        Assert.Equal(expected, SqlExpression.Parse(text).EvaluateFilter(TestBatches.Mixed()));
    }

    [Theory]
    [InlineData("i + 1")]
    [InlineData("s")]
    public void EvaluateFilter_NonBoolean_ThrowsExpressionInvalid(string text)
    {
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse(text).EvaluateFilter(TestBatches.Mixed()));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
    }

    [Fact]
    public void EvaluateFilter_ManyBatches_EvaluatesEachIndependently()
    {
        var filter = SqlExpression.Parse("text is null or length(text) < 3");
        var first = TestBatches.Build(("text", StringType.Default, ["a", "abcd", null]));
        var second = TestBatches.Build(("id", Int32Type.Default, [1, 2]), ("text", StringType.Default, ["ééé", "xy"]));
        Assert.Equal([true, false, true], filter.EvaluateFilter(first));
        Assert.Equal([false, true], filter.EvaluateFilter(second));
        Assert.Equal([true, false, true], filter.EvaluateFilter(first));
    }

    [Fact]
    public void EvaluateFilter_ParallelBatches_GiveSameAnswers()
    {
        var filter = SqlExpression.Parse("length(text) % 2 = 0");
        var texts = Enumerable.Range(0, 2000).Select(i => (object?)new string('é', i % 7)).ToArray();
        var batch = TestBatches.Build(("text", StringType.Default, texts));
        var expected = texts.Select(t => ((string)t!).Length % 2 == 0).ToArray();
        Parallel.For(0, 8, _ => Assert.Equal(expected, filter.EvaluateFilter(batch)));
    }

    [Fact]
    public void EvaluateFilter_LargeIntColumnAgainstLiteral_MatchesRowwise()
    {
        var values = Enumerable.Range(0, 10_000).Select(i => (object?)(i % 10 == 0 ? null : (int)(i * 7919L % 1000))).ToArray();
        var batch = TestBatches.Build(("v", Int32Type.Default, values));
        var result = SqlExpression.Parse("v >= 500").EvaluateFilter(batch);
        Assert.Equal(values.Select(v => v is int x && x >= 500).ToArray(), result);
    }
}
