using Apache.Arrow;
using Geneva.Core.Udfs;

namespace SampleUdfs;

/// <summary>
/// A batch UDF: Apply gets a whole checkpoint's rows as an Arrow RecordBatch (its columns are the input
/// columns, in the order InputColumns lists them) and returns one Arrow array with one value per row, of
/// the output type. Working on Arrow buffers avoids a .NET object per row, which makes it the fast form
/// for cheap per-row work. The input batch is only borrowed for the call; the returned array is Geneva's.
/// </summary>
[GenevaUdf("int32", Name = "text_length", InputColumns = ["text"])]
public sealed class TextLength : IBatchUdf
{
    public IArrowArray Apply(RecordBatch input)
    {
        var text = (StringArray)input.Column(0);
        var lengths = new Int32Array.Builder().Reserve(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text.IsNull(i))
            {
                lengths.AppendNull();
            }
            else
            {
                lengths.Append(text.GetString(i).Length);
            }
        }
        return lengths.Build();
    }
}
