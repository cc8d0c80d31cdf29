namespace Geneva.Core.Expressions;

/// <summary>A filter or expression that does not parse; <see cref="Position"/> is 1-based.</summary>
public sealed class ExpressionSyntaxException : GenevaException
{
    public ExpressionSyntaxException(string text, int position, string problem)
        : base(GenevaErrorCode.ExpressionSyntax,
               $"Syntax error in expression '{text}' at position {position}: {problem.TrimEnd('.')}. {Supported}", text)
    {
        Text = text;
        Position = position;
        Problem = problem;
    }

    /// <summary>What the language has, in one line, so that a user who wrote something else knows what to write instead.</summary>
    public static string Supported { get; } =
        "Supported: column names (\"double-quoted\" when needed), numbers, 'strings', TRUE, FALSE, NULL; + - * / %; " +
        "= <> != < <= > >=; AND, OR, NOT and parentheses; IS [NOT] NULL, [NOT] IN (...), [NOT] LIKE, " +
        "[NOT] BETWEEN x AND y; CASE WHEN c THEN x [WHEN ...] [ELSE y] END and CASE v WHEN a THEN x ... END; functions " + string.Join(", ", FunctionNode.KnownNames.Order(StringComparer.Ordinal)) + ".";

    public string Text { get; }

    public int Position { get; }

    public string Problem { get; }
}
