using Superpower;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace Geneva.Core.Expressions;

/// <summary>The Superpower tokenizer for the expression language; stateless and shared.</summary>
internal static class SqlTokenizer
{
    public static Tokenizer<SqlTokenKind> Instance { get; } = new TokenizerBuilder<SqlTokenKind>()
        // Superpower anchors a Regex by prefixing it, so each pattern must be a single alternative.
        .Ignore(Span.WhiteSpace)
        .Match(Span.EqualTo("<="), SqlTokenKind.LessOrEqual)
        .Match(Span.EqualTo(">="), SqlTokenKind.GreaterOrEqual)
        .Match(Span.EqualTo("<>"), SqlTokenKind.NotEqual)
        .Match(Span.EqualTo("!="), SqlTokenKind.NotEqual)
        .Match(Character.EqualTo('<'), SqlTokenKind.Less)
        .Match(Character.EqualTo('>'), SqlTokenKind.Greater)
        .Match(Character.EqualTo('='), SqlTokenKind.Equal)
        .Match(Character.EqualTo('('), SqlTokenKind.LParen)
        .Match(Character.EqualTo(')'), SqlTokenKind.RParen)
        .Match(Character.EqualTo(','), SqlTokenKind.Comma)
        .Match(Character.EqualTo('+'), SqlTokenKind.Plus)
        .Match(Character.EqualTo('-'), SqlTokenKind.Minus)
        .Match(Character.EqualTo('*'), SqlTokenKind.Star)
        .Match(Character.EqualTo('/'), SqlTokenKind.Slash)
        .Match(Character.EqualTo('%'), SqlTokenKind.Percent)
        .Match(Span.Regex(@"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
            SqlTokenKind.Number, requireDelimiters: true)
        .Match(Span.Regex("'(?:[^']|'')*'"), SqlTokenKind.String)
        .Match(Span.Regex("\"(?:[^\"]|\"\")*\""), SqlTokenKind.QuotedIdentifier)
        .Match(Span.Regex(@"[\p{L}_][\p{L}\p{N}_]*"), SqlTokenKind.Identifier, requireDelimiters: true)
        .Build();
}
