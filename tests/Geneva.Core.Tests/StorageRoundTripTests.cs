using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

public class StorageRoundTripTests
{
    public static TheoryData<string, object?[]> Values => new()
    {
        { "bool", [true, null, false] },
        { "int8", [(sbyte)-5, null, (sbyte)7] },
        { "int16", [(short)-300, null, (short)300] },
        { "int32", [int.MinValue, null, int.MaxValue] },
        { "int64", [long.MinValue, null, 42L] },
        { "uint8", [(byte)0, null, (byte)255] },
        { "uint16", [(ushort)1, null, ushort.MaxValue] },
        { "uint32", [1u, null, uint.MaxValue] },
        { "uint64", [1ul, null, ulong.MaxValue] },
        { "float32", [1.5f, null, -0.25f] },
        { "float64", [Math.PI, null, -1e300] },
        { "utf8", ["a", null, "ünïcødé ✓"] },
        { "binary", [new byte[] { 1, 2 }, null, System.Array.Empty<byte>()] },
        { "date32", [new DateTime(2024, 2, 29), null, new DateTime(1969, 7, 20)] },
        { "timestamp[us]", [new DateTimeOffset(2026, 11, 25, 9, 30, 1, 250, TimeSpan.Zero), null, DateTimeOffset.UnixEpoch] },
        { "fixed_size_list<float32>[3]", [new[] { 1f, 2f, 3f }, null, new[] { -1f, 0f, 0.5f }] },
        { "list<int64>", [new long[] { 1, 2, 3 }, null, System.Array.Empty<long>()] },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void CreateThenScan_EverySupportedType_ReturnsSameValues(string type, object?[] values)
    {
        using var folder = new TestFolder();
        var arrowType = ArrowTypeNames.Parse(type);
        var array = ArrowValues.Build(arrowType, values);
        var schema = new Schema([new Field("v", arrowType, true)], null);
        var table = GenevaTable.Create(folder.Table(), schema, [new RecordBatch(schema, [array], values.Length)]);

        var reopened = GenevaTable.Open(table.Path);
        Assert.Equal(type, reopened.Manifest.Fields[0].Type);
        var back = TestData.Column(reopened, "v");
        Assert.Equal(values.Length, back.Count);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(Normalize(values[i]), Normalize(back[i]));
        }
    }

    private static object? Normalize(object? v) => v switch
    {
        float[] f => string.Join(",", f),
        long[] l => string.Join(",", l),
        object?[] o => string.Join(",", o),
        byte[] b => Convert.ToHexString(b),
        DateTime d => d.Date,
        DateTimeOffset o => o.ToUniversalTime(),
        _ => v,
    };

    [Fact]
    public void Build_ValueOfWrongType_ThrowsTypeMismatchNamingRow()
    {
        var e = Assert.Throws<GenevaException>(() => ArrowValues.Build(Apache.Arrow.Types.Int32Type.Default, [1, "x", 3]));
        Assert.Equal(GenevaErrorCode.TypeMismatch, e.Code);
        Assert.Equal(1, e.Target);
    }

    [Fact]
    public void Create_ManyRows_SplitsIntoFragmentsAndBatches()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), rows: 2500, rowsPerFragment: 1000, batchRows: 256);
        Assert.Equal([1000, 1000, 500], table.Manifest.Fragments.Select(f => f.RowCount));
        Assert.Equal([0, 1, 2], table.Manifest.Fragments.Select(f => f.Id));
        Assert.Equal(2500, table.Manifest.RowCount);
        var ids = TestData.Column(table, "id");
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)(long)i), ids);
        Assert.Equal(TestData.TextFor(1234), TestData.Column(table, "text")[1234]);
    }

    [Fact]
    public void FragmentReader_RangeAcrossBatches_ReturnsExactRows()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), rows: 1000, batchRows: 64);
        using var reader = new FragmentReader(table.Path, table.Manifest.Fragments[0]);
        var batch = reader.Read([table.Manifest.GetField("id")], 60, 100);
        var ids = (Int64Array)batch.Column(0);
        Assert.Equal(100, ids.Length);
        Assert.Equal(60, ids.GetValue(0));
        Assert.Equal(159, ids.GetValue(99));
    }

    [Fact]
    public void WriteSlicedArrays_ReadBack_KeepsOnlyTheSlice()
    {
        // Checkpoints write borrowed slices of input batches as they are: the IPC writer must honour offsets.
        using var folder = new TestFolder();
        var batch = TestData.Batch(0, 100, i => i % 10 == 0 ? null : $"v{i}");
        var schema = TestData.Schema;
        var sliced = new RecordBatch(schema, [ArrowArrayFactory.Slice(batch.Column(0), 33, 20), ArrowArrayFactory.Slice(batch.Column(1), 33, 20)], 20);
        var table = GenevaTable.Create(folder.Table(), schema, [sliced]);
        Assert.Equal(Enumerable.Range(33, 20).Select(i => (object?)(long)i), TestData.Column(table, "id"));
        Assert.Equal(Enumerable.Range(33, 20).Select(i => (object?)(i % 10 == 0 ? null : $"v{i}")), TestData.Column(table, "text"));
    }
}
