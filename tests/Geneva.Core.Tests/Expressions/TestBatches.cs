using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Arrow;

namespace Geneva.Core.Tests.Expressions;

/// <summary>Small batches with nulls in every column, shared by the expression tests.</summary>
internal static class TestBatches
{
    /// <summary>
    /// Rows: i = 1, 2, null, -4, 5; f = 1.5, null, 3.0, -0.5, 10.0; s = "apple", "Banana", null, "", "héllo wörld";
    /// b = true, false, null, true, false; i8 = 1..5; u32 = 10..50.
    /// </summary>
    public static RecordBatch Mixed() => Build(
        ("i", Int64Type.Default, [1L, 2L, null, -4L, 5L]),
        ("f", DoubleType.Default, [1.5, null, 3.0, -0.5, 10.0]),
        ("s", StringType.Default, ["apple", "Banana", null, "", "héllo wörld"]),
        ("b", BooleanType.Default, [true, false, null, true, false]),
        ("i8", Int8Type.Default, [(sbyte)1, (sbyte)2, (sbyte)3, (sbyte)4, (sbyte)5]),
        ("u32", UInt32Type.Default, [10u, 20u, 30u, 40u, 50u]));

    public static RecordBatch Build(params (string Name, IArrowType Type, object?[] Values)[] columns)
    {
        var builder = new Schema.Builder();
        var arrays = new List<IArrowArray>();
        foreach (var (name, type, values) in columns)
        {
            builder.Field(new Field(name, type, true));
            arrays.Add(ArrowValues.Build(type, values));
        }
        return new RecordBatch(builder.Build(), arrays, columns[0].Values.Length);
    }

    public static object?[] Values(IArrowArray array) =>
        Enumerable.Range(0, array.Length).Select(i => ArrowValues.GetValue(array, i)).ToArray();
}
