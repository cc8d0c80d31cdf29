namespace Geneva.Core.Expressions;

/// <summary>A filter or expression that does not parse; <see cref="Position"/> is 1-based.</summary>
public sealed class ExpressionSyntaxException : GenevaException
{
    public ExpressionSyntaxException(string text, int position, string problem)
        : base(GenevaErrorCode.ExpressionSyntax,
               $"Syntax error in expression '{text}' at position {position}: {problem}", text)
    {
        Text = text;
        Position = position;
        Problem = problem;
    }

    public string Text { get; }

    public int Position { get; }

    public string Problem { get; }
}
