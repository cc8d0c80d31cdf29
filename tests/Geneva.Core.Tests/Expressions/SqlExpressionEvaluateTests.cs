using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Expressions;

namespace Geneva.Core.Tests.Expressions;

public sealed class SqlExpressionEvaluateTests
{
    private static object?[] Eval(string text, RecordBatch? batch = null, IArrowType? type = null)
    {
        var result = SqlExpression.Parse(text).Evaluate(batch ?? TestBatches.Mixed(), type);
        return TestBatches.Values(result);
    }

    [Fact]
    public void Evaluate_LengthOfUtf8_CountsCharactersAsInt32()
    {
        var result = SqlExpression.Parse("length(s)").Evaluate(TestBatches.Mixed());
        Assert.IsType<Int32Array>(result);
        Assert.Equal([5, 6, null, 0, 11], TestBatches.Values(result));
    }

    [Fact]
    public void Evaluate_LengthNonAscii_CountsCodePointsNotBytesOrUtf16()
    {
        var batch = TestBatches.Build(("t", StringType.Default, ["日本語", "a😀b", "ascii", "ü"]));
        Assert.Equal([3, 3, 5, 1], Eval("character_length(t)", batch));
        Assert.Equal([9, 6, 5, 2], Eval("octet_length(t)", batch));
    }

    [Fact]
    public void Evaluate_LengthMixedScriptsAndLengths_MatchesRuneCount()
    {
        var random = new Random(7);
        var alphabet = new[] { "a", "Z", " ", "é", "ß", "日", "😀", "\u0301" };
        var texts = Enumerable.Range(0, 3000)
            .Select(i => (object?)string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(i % 3 == 0 ? 3 : alphabet.Length)])))
            .ToArray();
        var batch = TestBatches.Build(("t", StringType.Default, texts));
        var expected = texts.Select(t => (object?)((string)t!).EnumerateRunes().Count()).ToArray();
        Assert.Equal(expected, Eval("length(t)", batch));
    }

    [Fact]
    public void Evaluate_LengthLongRowsAndBufferEnd_MatchesRuneCount()
    {
        // Rows of 0-200 characters (vector loads of 32 bytes and masked tails), the last rows at the very end of
        // the data buffer (where a tail cannot be read past the row), multi-byte characters at every position.
        var random = new Random(11);
        var alphabet = new[] { "a", "é", "日", "😀", "b", "c" };
        var texts = Enumerable.Range(0, 600)
            .Select(i => (object?)string.Concat(Enumerable.Range(0, i >= 590 ? 600 - i : random.Next(0, 200))
                .Select(_ => alphabet[random.Next(i % 4 == 0 ? 1 : alphabet.Length)])))
            .ToArray();
        var batch = TestBatches.Build(("t", StringType.Default, texts));
        var expected = texts.Select(t => (object?)((string)t!).EnumerateRunes().Count()).ToArray();
        Assert.Equal(expected, Eval("length(t)", batch));
    }

    [Fact]
    public void Evaluate_LengthOfBinary_CountsBytes()
    {
        var batch = TestBatches.Build(("bin", BinaryType.Default, [new byte[] { 1, 2, 0xC3 }, null, System.Array.Empty<byte>()]));
        Assert.Equal([3, null, 0], Eval("length(bin)", batch));
    }

    [Fact]
    public void Evaluate_LengthOfSlicedArray_UsesSliceOffsets()
    {
        var full = TestBatches.Build(("t", StringType.Default, ["xx", "héllo", "abc", null, "z"]));
        var sliced = full.Slice(1, 3);
        Assert.Equal([5, 3, null], Eval("length(t)", sliced));
    }

    [Theory]
    [InlineData("i + 1", new object?[] { 2L, 3L, null, -3L, 6L })]
    [InlineData("i - i8", new object?[] { 0L, 0L, null, -8L, 0L })]
    [InlineData("i * 2", new object?[] { 2L, 4L, null, -8L, 10L })]
    [InlineData("i / 2", new object?[] { 0L, 1L, null, -2L, 2L })]
    [InlineData("-7 / 2", new object?[] { -3L, -3L, -3L, -3L, -3L })]
    [InlineData("i % 3", new object?[] { 1L, 2L, null, -1L, 2L })]
    [InlineData("-i", new object?[] { -1L, -2L, null, 4L, -5L })]
    [InlineData("u32 + i8", new object?[] { 11L, 22L, 33L, 44L, 55L })]
    [InlineData("abs(i)", new object?[] { 1L, 2L, null, 4L, 5L })]
    [InlineData("coalesce(i, 0)", new object?[] { 1L, 2L, 0L, -4L, 5L })]
    [InlineData("i + null", new object?[] { null, null, null, null, null })]
    public void Evaluate_IntegerArithmetic_IsInt64(string text, object?[] expected)
    {
        var expression = SqlExpression.Parse(text);
        Assert.IsType<Int64Type>(expression.GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(expected, Eval(text));
    }

    [Theory]
    [InlineData("f + 1", new object?[] { 2.5, null, 4.0, 0.5, 11.0 })]
    [InlineData("f * i", new object?[] { 1.5, null, null, 2.0, 50.0 })]
    [InlineData("i / 2.0", new object?[] { 0.5, 1.0, null, -2.0, 2.5 })]
    [InlineData("-f", new object?[] { -1.5, null, -3.0, 0.5, -10.0 })]
    [InlineData("abs(f)", new object?[] { 1.5, null, 3.0, 0.5, 10.0 })]
    [InlineData("round(f)", new object?[] { 2.0, null, 3.0, -1.0, 10.0 })]
    [InlineData("floor(f)", new object?[] { 1.0, null, 3.0, -1.0, 10.0 })]
    [InlineData("ceil(f)", new object?[] { 2.0, null, 3.0, -0.0, 10.0 })]
    [InlineData("round(f / 3, 2)", new object?[] { 0.5, null, 1.0, -0.17, 3.33 })]
    [InlineData("floor(i)", new object?[] { 1.0, 2.0, null, -4.0, 5.0 })]
    [InlineData("coalesce(f, i, 0)", new object?[] { 1.5, 2.0, 3.0, -0.5, 10.0 })]
    public void Evaluate_FloatArithmetic_IsFloat64(string text, object?[] expected)
    {
        Assert.IsType<DoubleType>(SqlExpression.Parse(text).GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(expected, Eval(text));
    }

    [Fact]
    public void Evaluate_IntegerDivisionByZero_ThrowsNamingRow()
    {
        var batch = TestBatches.Build(("a", Int64Type.Default, [4L, 2L]), ("z", Int64Type.Default, [1L, 0L]));
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("a / z").Evaluate(batch));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
        Assert.Equal(1, e.Target);
    }

    [Fact]
    public void Evaluate_DivisionByZeroOnNullRow_IsNull()
    {
        var batch = TestBatches.Build(("a", Int64Type.Default, [4L, null]), ("z", Int64Type.Default, [2L, 0L]));
        Assert.Equal([2L, null], Eval("a / z", batch));
    }

    [Fact]
    public void Evaluate_IntegerOverflow_ThrowsTypeMismatch()
    {
        var batch = TestBatches.Build(("a", Int64Type.Default, [long.MaxValue]));
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("a + 1").Evaluate(batch));
        Assert.Equal(GenevaErrorCode.TypeMismatch, e.Code);
    }

    [Theory]
    [InlineData("lower(s)", new object?[] { "apple", "banana", null, "", "héllo wörld" })]
    [InlineData("upper(s)", new object?[] { "APPLE", "BANANA", null, "", "HÉLLO WÖRLD" })]
    [InlineData("substr(s, 2, 3)", new object?[] { "ppl", "ana", null, "", "éll" })]
    [InlineData("substr(s, 7)", new object?[] { "", "", null, "", "wörld" })]
    [InlineData("substr(s, 0, 2)", new object?[] { "a", "B", null, "", "h" })]
    [InlineData("concat(s, '-', i)", new object?[] { "apple-1", "Banana-2", "-", "--4", "héllo wörld-5" })]
    [InlineData("concat(b, f)", new object?[] { "true1.5", "false", "3", "true-0.5", "false10" })]
    [InlineData("coalesce(s, 'none')", new object?[] { "apple", "Banana", "none", "", "héllo wörld" })]
    [InlineData("s", new object?[] { "apple", "Banana", null, "", "héllo wörld" })]
    public void Evaluate_StringFunctions_ReturnUtf8(string text, object?[] expected)
    {
        Assert.IsType<StringType>(SqlExpression.Parse(text).GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(expected, Eval(text));
    }

    [Fact]
    public void Evaluate_LowerOfAsciiSlice_KeepsRowBoundaries()
    {
        var batch = TestBatches.Build(("t", StringType.Default, ["AA", "Bb", "CCC", "d"])).Slice(1, 2);
        Assert.Equal(["bb", "ccc"], Eval("lower(t)", batch));
    }

    [Fact]
    public void Evaluate_SubstrNegativeLength_Throws()
    {
        var e = Assert.Throws<GenevaException>(() => SqlExpression.Parse("substr(s, 1, -1)").Evaluate(TestBatches.Mixed()));
        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
    }

    [Theory]
    [InlineData("i > 1", new object?[] { false, true, null, false, true })]
    [InlineData("1 < i", new object?[] { false, true, null, false, true })]
    [InlineData("i >= 2", new object?[] { false, true, null, false, true })]
    [InlineData("i <= 1", new object?[] { true, false, null, true, false })]
    [InlineData("i = 2", new object?[] { false, true, null, false, false })]
    [InlineData("i != 2", new object?[] { true, false, null, true, true })]
    [InlineData("i <> i8", new object?[] { false, false, null, true, false })]
    [InlineData("f > i", new object?[] { true, null, null, true, true })]
    [InlineData("i8 = 1.0", new object?[] { true, false, false, false, false })]
    [InlineData("s = 'apple'", new object?[] { true, false, null, false, false })]
    [InlineData("s < 'b'", new object?[] { true, true, null, true, false })]
    [InlineData("'B' <= s", new object?[] { true, true, null, false, true })]
    [InlineData("s > s", new object?[] { false, false, null, false, false })]
    [InlineData("b = true", new object?[] { true, false, null, true, false })]
    [InlineData("b < true", new object?[] { false, true, null, false, true })]
    [InlineData("i = null", new object?[] { null, null, null, null, null })]
    [InlineData("u32 > 25", new object?[] { false, false, true, true, true })]
    public void Evaluate_Comparisons_FollowSqlNulls(string text, object?[] expected)
    {
        Assert.IsType<BooleanType>(SqlExpression.Parse(text).GetResultType(TestBatches.Mixed().Schema));
        Assert.Equal(expected, Eval(text));
    }

    [Fact]
    public void Evaluate_Utf8Comparison_IsOrdinalByCodePoint()
    {
        // U+FF21 (fullwidth A) sorts before U+1F600 by code point, though its UTF-16 unit is larger than a surrogate.
        var batch = TestBatches.Build(("t", StringType.Default, ["Ａ", "😀", "a", "Z"]));
        Assert.Equal([true, false, true, true], Eval("t < '😀'", batch));
        Assert.Equal([false, false, true, false], Eval("t > 'Z' and t < 'Ａ'", batch));
    }

    [Theory]
    [InlineData("b and i > 1", new object?[] { false, false, null, false, false })]
    [InlineData("b or i > 1", new object?[] { true, true, null, true, true })]
    [InlineData("not b", new object?[] { false, true, null, false, true })]
    [InlineData("null and false", new object?[] { false, false, false, false, false })]
    [InlineData("null and true", new object?[] { null, null, null, null, null })]
    [InlineData("null or true", new object?[] { true, true, true, true, true })]
    [InlineData("null or false", new object?[] { null, null, null, null, null })]
    [InlineData("not null", new object?[] { null, null, null, null, null })]
    [InlineData("b and null", new object?[] { null, false, null, null, false })]
    [InlineData("b or null", new object?[] { true, null, null, true, null })]
    public void Evaluate_Logic_IsThreeValued(string text, object?[] expected)
    {
        Assert.Equal(expected, Eval(text));
    }

    [Theory]
    [InlineData("s is null", new object?[] { false, false, true, false, false })]
    [InlineData("s is not null", new object?[] { true, true, false, true, true })]
    [InlineData("i in (1, 5)", new object?[] { true, false, null, false, true })]
    [InlineData("i not in (1, 5)", new object?[] { false, true, null, true, false })]
    [InlineData("i in (1, null)", new object?[] { true, null, null, null, null })]
    [InlineData("s in ('apple', 'x')", new object?[] { true, false, null, false, false })]
    [InlineData("i between 1 and 2", new object?[] { true, true, null, false, false })]
    [InlineData("i not between 1 and 2", new object?[] { false, false, null, true, true })]
    [InlineData("f between i and 2 * i", new object?[] { true, null, null, false, true })]
    [InlineData("s like 'a%'", new object?[] { true, false, null, false, false })]
    [InlineData("s like '%a'", new object?[] { false, true, null, false, false })]
    [InlineData("s like '%an%'", new object?[] { false, true, null, false, false })]
    [InlineData("s like 'h_llo%'", new object?[] { false, false, null, false, true })]
    [InlineData("s like '_____'", new object?[] { true, false, null, false, false })]
    [InlineData("s like '%'", new object?[] { true, true, null, true, true })]
    [InlineData("s like ''", new object?[] { false, false, null, true, false })]
    [InlineData("s like 'apple'", new object?[] { true, false, null, false, false })]
    [InlineData("s like 'a%e'", new object?[] { true, false, null, false, false })]
    [InlineData("s not like '%l%'", new object?[] { false, true, null, true, false })]
    [InlineData("s like 'A%'", new object?[] { false, false, null, false, false })]
    [InlineData("starts_with(s, 'Ban')", new object?[] { false, true, null, false, false })]
    [InlineData("ends_with(s, 'rld')", new object?[] { false, false, null, false, true })]
    [InlineData("starts_with(s, null)", new object?[] { null, null, null, null, null })]
    public void Evaluate_Predicates_MatchSql(string text, object?[] expected)
    {
        Assert.Equal(expected, Eval(text));
    }

    [Fact]
    public void Evaluate_LikeEscapes_MatchLiteralWildcards()
    {
        var batch = TestBatches.Build(("t", StringType.Default, ["50%", "50x", "a_b", "acb"]));
        Assert.Equal([true, false, false, false], Eval("t like '50\\%'", batch));
        Assert.Equal([false, false, true, false], Eval("t like 'a\\_b'", batch));
    }

    [Fact]
    public void Evaluate_LikeWithColumnPattern_MatchesPerRow()
    {
        var batch = TestBatches.Build(("t", StringType.Default, ["abc", "abc", null]), ("p", StringType.Default, ["a%", "b%", "%"]));
        Assert.Equal([true, false, null], Eval("t like p", batch));
    }

    [Fact]
    public void Evaluate_OtherTypes_SupportIsNull()
    {
        var batch = TestBatches.Build(
            ("d", Date32Type.Default, [new DateTime(2024, 1, 2), null]),
            ("ts", new TimestampType(TimeUnit.Microsecond, "UTC"), [null, DateTimeOffset.UnixEpoch]));
        Assert.Equal([false, true], Eval("d is null", batch));
        Assert.Equal([true, false], Eval("ts is null", batch));
        Assert.Equal(["2024-01-02", null], Eval("d", batch, StringType.Default));
    }

    [Fact]
    public void Evaluate_ResultType_CastsNumbers()
    {
        var result = SqlExpression.Parse("i * 10").Evaluate(TestBatches.Mixed(), Int16Type.Default);
        Assert.IsType<Int16Array>(result);
        Assert.Equal([(short)10, (short)20, null, (short)-40, (short)50], TestBatches.Values(result));
        Assert.Equal([1.0f, 2.0f, 3.0f, 4.0f, 5.0f], Eval("i8", type: FloatType.Default));
        Assert.Equal([1L, -2L], Eval("x", TestBatches.Build(("x", DoubleType.Default, [1.9, -2.7])), Int64Type.Default));
        Assert.Equal([5, 6, null, 0, 11], Eval("length(s)", type: Int32Type.Default));
        Assert.Equal([5L, 6L, null, 0L, 11L], Eval("length(s)", type: Int64Type.Default));
    }

    [Fact]
    public void Evaluate_ResultTypeOverflow_ThrowsTypeMismatchNamingRow()
    {
        var e = Assert.Throws<GenevaException>(() =>
            SqlExpression.Parse("u32 * 10").Evaluate(TestBatches.Mixed(), UInt8Type.Default));
        Assert.Equal(GenevaErrorCode.TypeMismatch, e.Code);
        Assert.Equal(2, e.Target);
        Assert.Throws<GenevaException>(() =>
            SqlExpression.Parse("-i").Evaluate(TestBatches.Mixed(), UInt64Type.Default));
    }

    [Fact]
    public void Evaluate_ResultTypeOverflowOnNullRow_IsNull()
    {
        var batch = TestBatches.Build(("a", Int64Type.Default, [1L, null]));
        Assert.Equal([(byte)1, null], Eval("a", batch, UInt8Type.Default));
    }

    [Fact]
    public void Evaluate_ResultTypeUtf8_FormatsInvariant()
    {
        Assert.Equal(["1.5", null, "3", "-0.5", "10"], Eval("f", type: StringType.Default));
        Assert.Equal(["true", "false", null, "true", "false"], Eval("b", type: StringType.Default));
        Assert.Equal(["2", "3", null, "-3", "6"], Eval("i + 1", type: StringType.Default));
    }

    [Fact]
    public void Evaluate_ResultTypeBool_FromNumbersAndText()
    {
        Assert.Equal([true, true, null, true, true], Eval("i", type: BooleanType.Default));
        var batch = TestBatches.Build(("t", StringType.Default, ["true", "False", null]));
        Assert.Equal([true, false, null], Eval("t", batch, BooleanType.Default));
        Assert.Equal([1, 2, null], Eval("t", TestBatches.Build(("t", StringType.Default, ["1", " 2", null])), Int32Type.Default));
        var e = Assert.Throws<GenevaException>(() => Eval("s", type: Int32Type.Default));
        Assert.Equal(GenevaErrorCode.TypeMismatch, e.Code);
    }

    [Fact]
    public void Evaluate_NullLiteral_CastsToAllNullOfType()
    {
        Assert.Equal([null, null, null, null, null], Eval("null", type: Int32Type.Default));
        Assert.IsType<NullArray>(SqlExpression.Parse("null").Evaluate(TestBatches.Mixed()));
    }

    [Fact]
    public void Evaluate_ColumnReference_ReturnsIndependentCopyOfSameType()
    {
        var batch = TestBatches.Mixed();
        var result = SqlExpression.Parse("i8").Evaluate(batch);
        Assert.IsType<Int8Array>(result);
        Assert.NotSame(batch.Column("i8"), result);
        result.Dispose();
        Assert.Equal((sbyte)3, ((Int8Array)batch.Column("i8")).GetValue(2));
    }

    [Fact]
    public void Evaluate_CaseInsensitiveColumnName_Resolves()
    {
        Assert.Equal([2L, 3L, null, -3L, 6L], Eval("I + 1"));
    }

    [Fact]
    public void Evaluate_ConstantExpression_BroadcastsToBatchLength()
    {
        Assert.Equal([3L, 3L, 3L, 3L, 3L], Eval("1 + 2"));
        Assert.Equal(["ab", "ab", "ab", "ab", "ab"], Eval("concat('a', 'b')"));
        Assert.Equal([3, 3, 3, 3, 3], Eval("length('héj')"));
    }

    [Fact]
    public void Evaluate_EmptyBatch_ReturnsEmptyArray()
    {
        var empty = TestBatches.Mixed().Slice(0, 0);
        Assert.Empty(Eval("length(s) + i", empty));
        Assert.Empty(Eval("lower(s)", empty));
    }
}
