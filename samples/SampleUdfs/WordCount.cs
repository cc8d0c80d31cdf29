using Geneva.Core.Udfs;

namespace SampleUdfs;

/// <summary>
/// A scalar UDF in its simplest form: one public method named Apply, called once per row. Its parameter
/// names are the input columns (here the column "text"), and its return value becomes the row's value,
/// converted to the output type given in the attribute (null stays null). A null utf8 value arrives as a
/// null string; a null for a value-type parameter (int, double) gives null without calling Apply.
/// </summary>
[GenevaUdf("int32")]
public sealed class WordCount
{
    public int? Apply(string? text) => text?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
