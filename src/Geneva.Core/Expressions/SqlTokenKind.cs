namespace Geneva.Core.Expressions;

/// <summary>
/// Token kinds of the expression language. Keywords (and, or, not, ...) are plain identifiers
/// that the parser recognizes case-insensitively, so one tokenizer rule serves both.
/// </summary>
internal enum SqlTokenKind
{
    Identifier,
    QuotedIdentifier,
    Number,
    String,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}
