namespace Geneva.Core.Expressions;

/// <summary>Binary operators; the text and precedence used for normalization live in <see cref="BinaryNode"/>.</summary>
internal enum BinaryOperator
{
    Or,
    And,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}
