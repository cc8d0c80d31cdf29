namespace Geneva.Core.Expressions;

/// <summary>
/// The evaluation families values fall into. All integer widths evaluate as int64 and both
/// float widths as float64, so kernels exist once per family instead of once per Arrow type.
/// </summary>
internal enum ValueKind
{
    Null,
    Bool,
    Int,
    Float,
    Utf8,
    Binary,
    Other,
}
