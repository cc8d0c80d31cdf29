using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Execution;

namespace Geneva.Core.Tests;

public class RowKeyTests
{
    private static RecordBatch Row(params (string Name, string Type, object? Value)[] columns)
    {
        var schema = new Schema(columns.Select(c => new Field(c.Name, ArrowTypeNames.Parse(c.Type), true)), null);
        return new RecordBatch(schema, columns.Select(c => ArrowValues.Build(ArrowTypeNames.Parse(c.Type), [c.Value])), 1);
    }

    [Fact]
    public void Render_ScalarsAndNull_NamesEachInputColumn()
    {
        var key = RowKey.Render(Row(("id", "int64", 4L), ("text", "utf8", "abc"), ("ok", "bool", true), ("x", "float64", null)), 0);

        Assert.Equal("id=4, text='abc', ok=true, x=null", key);
    }

    [Fact]
    public void Render_LongStringAndList_AreCut()
    {
        var key = RowKey.Render(Row(("text", "utf8", new string('a', 100)), ("emb", "fixed_size_list<float32>[6]",
            new[] { 1f, 2.5f, 3f, 4f, 5f, 6f }), ("blob", "binary", new byte[] { 1, 2, 3 })), 0);

        Assert.Equal($"text='{new string('a', RowKey.MaxValueChars)}…', emb=[1, 2.5, 3, 4, … 6 items], blob=<3 bytes>", key);
    }

    [Fact]
    public void Render_ManyColumns_StaysShort()
    {
        var columns = Enumerable.Range(0, 50).Select(i => ($"column{i}", "utf8", (object?)new string('z', 30))).ToArray();

        var key = RowKey.Render(Row(columns), 0);

        Assert.Equal(RowKey.MaxKeyChars + 1, key.Length);
        Assert.EndsWith("…", key);
    }
}
