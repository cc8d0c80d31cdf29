namespace Geneva.Core.Storage;

/// <summary>
/// What a CSV column's values seen so far parse as; widened value by value (int and float make float, date and
/// date-time make date-time, any other mix makes text) to choose the column's Arrow type.
/// </summary>
internal enum CsvColumnKind
{
    Unknown,
    Bool,
    Int,
    Float,
    Date,
    Timestamp,
    Text,
}
