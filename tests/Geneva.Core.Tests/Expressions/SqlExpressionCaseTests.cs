using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Expressions;

namespace Geneva.Core.Tests.Expressions;

/// <summary>CASE in both forms, with DataFusion's semantics, over <see cref="TestBatches.Mixed"/>.</summary>
public sealed class SqlExpressionCaseTests
{
    private static object?[] Eval(string text, RecordBatch? batch = null) =>
        TestBatches.Values(SqlExpression.Parse(text).Evaluate(batch ?? TestBatches.Mixed()));

    [Fact]
    public void Evaluate_SearchedCase_FirstTrueBranchWins()
    {
        // i = 1, 2, null, -4, 5: i > 0 and i > 1 both hold for 2 and 5, the first branch wins.
        Assert.Equal(["pos", "pos", "other", "other", "pos"],
            Eval("CASE WHEN i > 0 THEN 'pos' WHEN i > 1 THEN 'big' ELSE 'other' END"));
    }

    [Fact]
    public void Evaluate_NullCondition_IsNotTakenAndFallsToElse()
    {
        // b = true, false, null, true, false: the null row goes to ELSE, not to a branch.
        Assert.Equal([1L, 0L, -1L, 1L, 0L], Eval("case when b then 1 when not b then 0 else -1 end"));
    }

    [Fact]
    public void Evaluate_NoElse_UnmatchedRowsAreNull()
    {
        Assert.Equal(["apple", null, null, null, null], Eval("case when i = 1 then s end"));
    }

    [Fact]
    public void Evaluate_IntAndFloatBranches_ResultIsFloat64()
    {
        var result = SqlExpression.Parse("case when i > 1 then i else f end").Evaluate(TestBatches.Mixed());
        Assert.IsType<DoubleArray>(result);
        // i = 1, 2, null, -4, 5; f = 1.5, null, 3.0, -0.5, 10.0
        Assert.Equal([1.5, 2.0, 3.0, -0.5, 5.0], TestBatches.Values(result));
    }

    [Fact]
    public void GetResultType_SameTypeBranchesWithNull_KeepsThatType()
    {
        var schema = TestBatches.Mixed().Schema;
        Assert.IsType<Int8Type>(SqlExpression.Parse("case when b then i8 else null end").GetResultType(schema));
        Assert.IsType<Int64Type>(SqlExpression.Parse("case when b then i8 else u32 end").GetResultType(schema));
        Assert.IsType<NullType>(SqlExpression.Parse("case when b then null end").GetResultType(schema));
    }

    [Fact]
    public void Evaluate_BranchValueNull_GivesNullForThatRow()
    {
        // f is null in row 2 (index 1), and that row takes the THEN branch.
        Assert.Equal([null, null, 3.0, -0.5, 10.0], Eval("case when i = 1 then null else f end"));
    }

    [Fact]
    public void Evaluate_SimpleCase_ComparesOperandWithEachWhen()
    {
        Assert.Equal(["one", "two", "many", "many", "five"],
            Eval("CASE i WHEN 1 THEN 'one' WHEN 2 THEN 'two' WHEN 5 THEN 'five' ELSE 'many' END"));
    }

    [Fact]
    public void Evaluate_SimpleCaseNullOperand_MatchesNoWhenEvenNull()
    {
        // As in SQL, null = null is null, so a null operand never matches, not even WHEN NULL.
        Assert.Equal(["x", "x", "x", "x", "x"], Eval("case s when null then 'null' else 'x' end"));
        Assert.Equal([null, null, null, null, null], Eval("case i when null then 'null' end"));
    }

    [Fact]
    public void Evaluate_GuardedDivisionByZero_OnlyEvaluatesRowsTheBranchDecides()
    {
        var batch = TestBatches.Build(
            ("a", Int64Type.Default, [10L, 7L, 9L, null]),
            ("d", Int64Type.Default, [2L, 0L, 3L, 0L]));
        Assert.Equal([5L, null, 3L, null], Eval("case when d <> 0 then a / d end", batch));
        Assert.Equal([5L, -1L, 3L, -1L], Eval("case when d = 0 then -1 when a / d > 0 then a / d end", batch));
    }

    [Fact]
    public void Evaluate_DivisionByZeroOnATakenRow_StillThrows()
    {
        var batch = TestBatches.Build(("a", Int64Type.Default, [10L, 7L]), ("d", Int64Type.Default, [2L, 0L]));
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("case when a > 0 then a / d end").Evaluate(batch));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
    }

    [Fact]
    public void Evaluate_CaseInsideArithmeticAndNested_Works()
    {
        Assert.Equal([11L, 12L, null, 14L, 15L],
            Eval("10 + case when i < 0 then case when b then -i else 0 end else i end"));
    }

    [Fact]
    public void EvaluateFilter_CaseAsCondition_NullRowsCountAsFalse()
    {
        var filter = SqlExpression.Parse("case when s like 'a%' then true when i > 4 then b end");
        // Row 5 (i = 5) takes the second branch, whose value b is false there.
        Assert.Equal([true, false, false, false, false], filter.EvaluateFilter(TestBatches.Mixed()));
        Assert.Equal([true, true, false, false, true],
            SqlExpression.Parse("case when i > 4 then true when s is null then false else i > 0 end").EvaluateFilter(TestBatches.Mixed()));
    }

    [Fact]
    public void GetResultType_NonBoolCondition_ThrowsExpressionInvalid()
    {
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("case when i then 1 end").GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
        Assert.Contains("'i' is int64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetResultType_BranchesOfUnrelatedTypes_ThrowsExpressionInvalid()
    {
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("case when b then i else s end").GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
        Assert.Contains("int64, utf8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetResultType_DateBranches_ThrowsExpressionInvalidNamingTheType()
    {
        var schema = TestBatches.Build(("d", Date32Type.Default, [new DateTime(2024, 5, 31)]), ("b", BooleanType.Default, [true])).Schema;
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("case when b then d end").GetResultType(schema));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
        Assert.Contains("not date32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetResultType_SimpleCaseIncomparableWhen_ThrowsExpressionInvalid()
    {
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("case i when 'a' then 1 end").GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
    }

    [Theory]
    [InlineData("CASE  WHEN i>1 THEN 'a'  ELSE 'b' END", "case when i > 1 then 'a' else 'b' end")]
    [InlineData("Case i When 1 Then 2 End + 1", "case i when 1 then 2 end + 1")]
    [InlineData("case when (a or b) then (x + 1) * 2 end", "case when a or b then (x + 1) * 2 end")]
    public void Normalized_Case_IsCanonical(string text, string expected)
    {
        Assert.Equal(expected, SqlExpression.Parse(text).Normalized);
        Assert.Equal(expected, SqlExpression.Parse(expected).Normalized);
    }

    [Fact]
    public void Normalized_ColumnNamedLikeCaseKeyword_IsQuoted()
    {
        Assert.Equal("\"end\" + 1", SqlExpression.Parse("\"end\" + 1").Normalized);
        Assert.Equal(["end"], SqlExpression.Parse("case when \"end\" > 1 then 1 end").Columns);
    }

    [Theory]
    [InlineData("case when i > 1 then 2", 23)]
    [InlineData("case when i > 1 else 2 end", 17)]
    [InlineData("case else 2 end", 6)]
    public void Parse_IncompleteCase_ThrowsWithPositionAndHint(string text, int position)
    {
        var e = Assert.Throws<ExpressionSyntaxException>(() => SqlExpression.Parse(text));
        Assert.Equal(position, e.Position);
        Assert.Contains("CASE WHEN", e.Message, StringComparison.Ordinal);
    }
}
