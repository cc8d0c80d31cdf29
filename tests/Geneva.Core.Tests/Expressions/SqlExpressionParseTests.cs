using Geneva.Core.Expressions;

namespace Geneva.Core.Tests.Expressions;

public sealed class SqlExpressionParseTests
{
    [Theory]
    [InlineData("a>1", "a > 1")]
    [InlineData("(a > 1)", "a > 1")]
    [InlineData("A  >   1", "A > 1")]
    [InlineData("a > 1 AND b < 2 OR c = 3", "a > 1 and b < 2 or c = 3")]
    [InlineData("a > 1 and (b < 2 or c = 3)", "a > 1 and (b < 2 or c = 3)")]
    [InlineData("((a + b) * c)", "(a + b) * c")]
    [InlineData("a + (b * c)", "a + b * c")]
    [InlineData("a - (b - c)", "a - (b - c)")]
    [InlineData("(a - b) - c", "a - b - c")]
    [InlineData("NOT a IS NULL", "not a is null")]
    [InlineData("a is NOT null", "a is not null")]
    [InlineData("x NOT IN (1,2 ,3)", "x not in (1, 2, 3)")]
    [InlineData("x between 1 AND 5 and y", "x between 1 and 5 and y")]
    [InlineData("s LIKE 'a%' ", "s like 'a%'")]
    [InlineData("s not like 'a_'", "s not like 'a_'")]
    [InlineData("CHAR_LENGTH(text)", "length(text)")]
    [InlineData("Length ( text ) > 3", "length(text) > 3")]
    [InlineData("'it''s'", "'it''s'")]
    [InlineData("1.50", "1.5")]
    [InlineData("2.", "2.0")]
    [InlineData("1e3", "1000.0")]
    [InlineData("i / 2.0", "i / 2.0")]
    [InlineData("x = .5", "x = 0.5")]
    [InlineData("x*2.5E-1", "x * 0.25")]
    [InlineData("- 5", "-5")]
    [InlineData("-(-a)", "-(-a)")]
    [InlineData("a - -1", "a - -1")]
    [InlineData("\"my col\" = TRUE", "\"my col\" = true")]
    [InlineData("\"plain\" = Null", "plain = null")]
    [InlineData("\"and\" = 1", "\"and\" = 1")]
    [InlineData("a <> 1", "a != 1")]
    [InlineData("coalesce(a, 0) + abs(b) % 2", "coalesce(a, 0) + abs(b) % 2")]
    [InlineData("not (a and b)", "not (a and b)")]
    [InlineData("(a = b) = c", "(a = b) = c")]
    public void Normalized_EquivalentText_IsCanonical(string text, string expected)
    {
        Assert.Equal(expected, SqlExpression.Parse(text).Normalized);
    }

    [Theory]
    [InlineData("a - (b - c)")]
    [InlineData("not (a and b) or c")]
    [InlineData("x not between -1 and 2 * 3")]
    [InlineData("concat(s, '''', 1.25) like '%x\\_%'")]
    [InlineData("-(a + 1) * 2")]
    public void Normalized_ParsedAgain_IsStable(string text)
    {
        var once = SqlExpression.Parse(text).Normalized;
        Assert.Equal(once, SqlExpression.Parse(once).Normalized);
    }

    [Fact]
    public void Normalized_DifferentIdentifierCase_Differs()
    {
        Assert.NotEqual(SqlExpression.Parse("a > 1").Normalized, SqlExpression.Parse("A > 1").Normalized);
    }

    [Fact]
    public void Text_AnyInput_IsKeptAsGiven()
    {
        Assert.Equal("a>1", SqlExpression.Parse("a>1").Text);
    }

    [Fact]
    public void Columns_RepeatedAndQuoted_DistinctInFirstAppearanceOrder()
    {
        var expression = SqlExpression.Parse("b > 1 and lower(\"my col\") = 'x' or b < a and length(\"my col\") = 2");
        Assert.Equal(["b", "my col", "a"], expression.Columns);
    }

    [Fact]
    public void Columns_OnlyLiterals_IsEmpty()
    {
        Assert.Empty(SqlExpression.Parse("1 + 2").Columns);
    }

    [Theory]
    [InlineData("a >", 4)]
    [InlineData("a > > 1", 5)]
    [InlineData("", 1)]
    [InlineData("(a > 1", 7)]
    [InlineData("a > 1)", 6)]
    [InlineData("a = 'open", 5)]
    [InlineData("a # 1", 3)]
    [InlineData("1abc = 2", 1)]
    [InlineData("a in ()", 7)]
    [InlineData("a not 1", 7)]
    [InlineData("a between 1 or 2", 13)]
    [InlineData("and", 1)]
    public void Parse_BadSyntax_ThrowsWithPosition(string text, int position)
    {
        var e = Assert.Throws<ExpressionSyntaxException>(() => SqlExpression.Parse(text));
        Assert.Equal(position, e.Position);
        Assert.Equal(text, e.Text);
        Assert.Equal(GenevaErrorCode.ExpressionSyntax, e.Code);
        Assert.False(string.IsNullOrWhiteSpace(e.Problem));
        // The message says what the language has, functions included.
        Assert.Contains("Supported: ", e.Message);
        Assert.Contains("IS [NOT] NULL", e.Message);
        Assert.Contains("coalesce", e.Message);
    }

    [Fact]
    public void Parse_UnknownFunction_ThrowsAtFunctionListingKnownOnes()
    {
        var e = Assert.Throws<ExpressionSyntaxException>(() => SqlExpression.Parse("a > 1 and frobnicate(b)"));
        Assert.Equal(11, e.Position);
        Assert.Contains("frobnicate", e.Problem);
        Assert.Contains("starts_with", e.Problem);
    }

    [Theory]
    [InlineData("length(a, b)", "length")]
    [InlineData("substr(a)", "substr")]
    [InlineData("coalesce()", "coalesce")]
    public void Parse_WrongArgumentCount_Throws(string text, string function)
    {
        var e = Assert.Throws<ExpressionSyntaxException>(() => SqlExpression.Parse(text));
        Assert.Equal(1, e.Position);
        Assert.Contains(function, e.Problem);
    }

    [Fact]
    public void Parse_HugeFloat_ThrowsOutOfRange()
    {
        var e = Assert.Throws<ExpressionSyntaxException>(() => SqlExpression.Parse("a > 1e999"));
        Assert.Equal(5, e.Position);
    }

    [Fact]
    public void Parse_EmptyQuotedName_Throws()
    {
        Assert.Throws<ExpressionSyntaxException>(() => SqlExpression.Parse("\"\" = 1"));
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => SqlExpression.Parse(null!));
    }
}
