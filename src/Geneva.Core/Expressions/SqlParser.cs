using Superpower;
using Superpower.Model;
using Superpower.Parsers;

namespace Geneva.Core.Expressions;

/// <summary>
/// Superpower grammar for the expression language, lowest precedence first:
/// or, and, not, predicates (comparisons, is null, in, between, like), + -, * / %, unary minus, primaries
/// (CASE, calls, columns, literals, parentheses).
/// </summary>
internal static class SqlParser
{
    private static readonly HashSet<string> s_keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "is", "null", "in", "between", "like", "true", "false", "case", "when", "then", "else", "end",
    };

    private static readonly TokenListParser<SqlTokenKind, Token<SqlTokenKind>> s_name =
        Token.EqualTo(SqlTokenKind.Identifier).Where(t => !IsKeyword(t.ToStringValue()), "name");

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_literal =
        Token.EqualTo(SqlTokenKind.Number).Select(t => (ExpressionNode)LiteralNode.Number(At(t), t.ToStringValue()))
            .Or(Token.EqualTo(SqlTokenKind.String).Select(t =>
                (ExpressionNode)LiteralNode.String(At(t), Unquote(t.ToStringValue(), '\''))))
            .Or(Keyword("true").Select(t => (ExpressionNode)LiteralNode.Bool(At(t), true)))
            .Or(Keyword("false").Select(t => (ExpressionNode)LiteralNode.Bool(At(t), false)))
            .Or(Keyword("null").Select(t => (ExpressionNode)LiteralNode.Null(At(t))));

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_column =
        s_name.Select(t => (ExpressionNode)new ColumnNode(At(t), t.ToStringValue()))
            .Or(Token.EqualTo(SqlTokenKind.QuotedIdentifier).Select(t =>
                (ExpressionNode)new ColumnNode(At(t), Unquote(t.ToStringValue(), '"'))));

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_call =
        (from name in s_name
         from open in Token.EqualTo(SqlTokenKind.LParen)
         select name).Try()
        .Then(name =>
            from args in Superpower.Parse.Ref(() => s_expression!).ManyDelimitedBy(
                Token.EqualTo(SqlTokenKind.Comma), end: Token.EqualTo(SqlTokenKind.RParen))
            select (ExpressionNode)new FunctionNode(At(name), name.ToStringValue(), args));

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_parenthesized =
        from open in Token.EqualTo(SqlTokenKind.LParen)
        from inner in Superpower.Parse.Ref(() => s_expression!)
        from close in Token.EqualTo(SqlTokenKind.RParen)
        select inner;

    private static readonly TokenListParser<SqlTokenKind, (ExpressionNode When, ExpressionNode Then)> s_whenThen =
        from when in Keyword("when")
        from condition in Superpower.Parse.Ref(() => s_expression!)
        from then in Keyword("then")
        from result in Superpower.Parse.Ref(() => s_expression!)
        select (condition, result);

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_case =
        from @case in Keyword("case")
        from operand in Superpower.Parse.Ref(() => s_expression!).Select(e => (ExpressionNode?)e).OptionalOrDefault()
        from branches in s_whenThen.AtLeastOnce()
        from otherwise in (from @else in Keyword("else")
                           from value in Superpower.Parse.Ref(() => s_expression!)
                           select (ExpressionNode?)value).OptionalOrDefault()
        from end in Keyword("end")
        select (ExpressionNode)new CaseNode(At(@case), operand, branches, otherwise);

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_primary =
        s_case.Or(s_call).Or(s_column).Or(s_literal).Or(s_parenthesized).Named("expression");

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_unary =
        (from minus in Token.EqualTo(SqlTokenKind.Minus)
         from operand in Superpower.Parse.Ref(() => s_unary!)
         select operand is LiteralNode { Kind: ValueKind.Int or ValueKind.Float } literal
             ? literal.Negate(At(minus))
             : (ExpressionNode)new NegateNode(At(minus), operand))
        .Or(s_primary);

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_multiplicative =
        Superpower.Parse.Chain(
            Token.EqualTo(SqlTokenKind.Star).Value(BinaryOperator.Multiply)
                .Or(Token.EqualTo(SqlTokenKind.Slash).Value(BinaryOperator.Divide))
                .Or(Token.EqualTo(SqlTokenKind.Percent).Value(BinaryOperator.Modulo)),
            s_unary,
            (op, left, right) => new BinaryNode(op, left, right));

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_additive =
        Superpower.Parse.Chain(
            Token.EqualTo(SqlTokenKind.Plus).Value(BinaryOperator.Add)
                .Or(Token.EqualTo(SqlTokenKind.Minus).Value(BinaryOperator.Subtract)),
            s_multiplicative,
            (op, left, right) => new BinaryNode(op, left, right));

    private static readonly TokenListParser<SqlTokenKind, BinaryOperator> s_comparison =
        Token.EqualTo(SqlTokenKind.Equal).Value(BinaryOperator.Equal)
            .Or(Token.EqualTo(SqlTokenKind.NotEqual).Value(BinaryOperator.NotEqual))
            .Or(Token.EqualTo(SqlTokenKind.LessOrEqual).Value(BinaryOperator.LessOrEqual))
            .Or(Token.EqualTo(SqlTokenKind.GreaterOrEqual).Value(BinaryOperator.GreaterOrEqual))
            .Or(Token.EqualTo(SqlTokenKind.Less).Value(BinaryOperator.Less))
            .Or(Token.EqualTo(SqlTokenKind.Greater).Value(BinaryOperator.Greater));

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_predicate =
        s_additive.Then(left => PredicateTail(left).OptionalOrDefault(left));

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_not =
        (from not in Keyword("not")
         from operand in Superpower.Parse.Ref(() => s_not!)
         select (ExpressionNode)new NotNode(At(not), operand))
        .Or(s_predicate);

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_and =
        Superpower.Parse.Chain(Keyword("and").Value(BinaryOperator.And), s_not, (op, left, right) => new BinaryNode(op, left, right));

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_expression =
        Superpower.Parse.Chain(Keyword("or").Value(BinaryOperator.Or), s_and, (op, left, right) => new BinaryNode(op, left, right));

    private static readonly TokenListParser<SqlTokenKind, ExpressionNode> s_whole = s_expression.AtEnd();

    public static bool IsKeyword(string word) => s_keywords.Contains(word);

    /// <summary>Parses and validates; throws <see cref="ExpressionSyntaxException"/> with a 1-based position.</summary>
    public static ExpressionNode Parse(string text)
    {
        var tokens = SqlTokenizer.Instance.TryTokenize(text);
        if (!tokens.HasValue)
        {
            throw new ExpressionSyntaxException(text, PositionOf(tokens.ErrorPosition, text), tokens.FormatErrorMessageFragment());
        }
        var result = s_whole.TryParse(tokens.Value);
        if (!result.HasValue)
        {
            throw new ExpressionSyntaxException(text, PositionOf(result.ErrorPosition, text), result.FormatErrorMessageFragment());
        }
        Validate(result.Value, text);
        return result.Value;
    }

    private static void Validate(ExpressionNode node, string text)
    {
        node.Validate(text);
        foreach (var child in node.Children)
        {
            Validate(child, text);
        }
    }

    private static TokenListParser<SqlTokenKind, ExpressionNode> PredicateTail(ExpressionNode left) =>
        s_comparison.Then(op => s_additive.Select(right => (ExpressionNode)new BinaryNode(op, left, right)))
            .Or(from @is in Keyword("is")
                from not in Keyword("not").Value(true).OptionalOrDefault(false)
                from @null in Keyword("null")
                select (ExpressionNode)new IsNullNode(left, not))
            .Or(from not in Keyword("not").Value(true).OptionalOrDefault(false)
                from node in InTail(left, not).Or(BetweenTail(left, not)).Or(LikeTail(left, not))
                select node);

    private static TokenListParser<SqlTokenKind, ExpressionNode> InTail(ExpressionNode left, bool negated) =>
        from @in in Keyword("in")
        from open in Token.EqualTo(SqlTokenKind.LParen)
        from items in Superpower.Parse.Ref(() => s_expression!).AtLeastOnceDelimitedBy(Token.EqualTo(SqlTokenKind.Comma))
        from close in Token.EqualTo(SqlTokenKind.RParen)
        select (ExpressionNode)new InListNode(left, items, negated);

    private static TokenListParser<SqlTokenKind, ExpressionNode> BetweenTail(ExpressionNode left, bool negated) =>
        from between in Keyword("between")
        from low in s_additive
        from and in Keyword("and")
        from high in s_additive
        select (ExpressionNode)new BetweenNode(left, low, high, negated);

    private static TokenListParser<SqlTokenKind, ExpressionNode> LikeTail(ExpressionNode left, bool negated) =>
        from like in Keyword("like")
        from pattern in s_additive
        select (ExpressionNode)new LikeNode(left, pattern, negated);

    private static TokenListParser<SqlTokenKind, Token<SqlTokenKind>> Keyword(string word) =>
        Token.EqualToValueIgnoreCase(SqlTokenKind.Identifier, word).Named($"'{word}'");

    private static int At(Token<SqlTokenKind> token) => token.Position.Absolute + 1;

    private static int PositionOf(Position position, string text) =>
        position.HasValue ? position.Absolute + 1 : text.Length + 1;

    private static string Unquote(string quoted, char quote) =>
        quoted[1..^1].Replace(new string(quote, 2), quote.ToString(), StringComparison.Ordinal);
}
