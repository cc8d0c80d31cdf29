using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

public class FragmentWriterTests
{
    private const string Expression = "id * 10";

    private static GenevaTable TableWithComputedColumn(TestFolder folder)
    {
        var table = TestData.Create(folder.Table(), rows: 10, rowsPerFragment: 10);
        return table.AddColumn("c", "int64", new UdfSpec
        {
            Name = "c", Kind = UdfKind.Expression, Source = Expression,
            InputColumns = Geneva.Core.Expressions.SqlExpression.Parse(Expression).Columns, OutputType = "int64", Batched = true,
        });
    }

    private static readonly Schema s_withComputed = new Schema.Builder()
        .Field(f => f.Name("id").DataType(Apache.Arrow.Types.Int64Type.Default))
        .Field(f => f.Name("text").DataType(Apache.Arrow.Types.StringType.Default))
        .Field(f => f.Name("c").DataType(Apache.Arrow.Types.Int64Type.Default))
        .Build();

    private static IEnumerable<RecordBatch> Rows(long start, int count, Func<long, long?> computed, int size = 50)
    {
        for (var s = 0; s < count; s += size)
        {
            var n = Math.Min(size, count - s);
            var plain = TestData.Batch(start + s, n);
            var values = Enumerable.Range(0, n).Select(i => (object?)computed(start + s + i)).ToArray();
            yield return new RecordBatch(s_withComputed,
                [plain.Column(0), plain.Column(1), ArrowValues.Build(Apache.Arrow.Types.Int64Type.Default, values)], n);
        }
    }

    private static string[] DataFiles(GenevaTable table) => Directory.GetFiles(Path.Combine(table.Path, "data"));

    [Fact]
    public void Append_ComputedValueWithoutKeep_ThrowsAndLeavesNoFile()
    {
        using var folder = new TestFolder();
        var table = TableWithComputedColumn(folder);
        var before = DataFiles(table);

        // The only value comes in the last batch, after whole fragments were written.
        var e = Assert.Throws<GenevaException>(() => table.Append(s_withComputed, Rows(100, 300, id => id == 399 ? 7 : null),
            new TableWriteOptions { MaxRowsPerFragment = 100 }));

        Assert.Equal(GenevaErrorCode.ComputedColumnValue, e.Code);
        Assert.Equal("c", e.Target);
        Assert.Equal(before, DataFiles(table));
        Assert.Equal(table.Version, GenevaTable.Open(table.Path).Version);
    }

    [Fact]
    public void Append_ComputedColumnAllNull_IsAccepted()
    {
        using var folder = new TestFolder();
        var table = TableWithComputedColumn(folder);

        var appended = table.Append(s_withComputed, Rows(100, 20, _ => null));

        Assert.Equal(30, appended.Manifest.RowCount);
    }

    [Fact]
    public void Append_KeepComputedValues_GivesThemTheProvenanceOfTheCurrentUdf()
    {
        using var folder = new TestFolder();
        var table = TableWithComputedColumn(folder);

        var appended = table.Append(s_withComputed, Rows(100, 20, id => id % 2 == 0 ? -id : null),
            new TableWriteOptions { KeepComputedValues = true });

        var fragment = appended.Manifest.Fragments[^1];
        var field = appended.Manifest.GetField("c");
        var file = Assert.Single(fragment.FilesFor(field.Id));
        Assert.Equal([field.Id], file.FieldIds);
        var inputs = fragment.FilesFor(appended.Manifest.GetField("id").Id).Select(f => f.Path).ToList();
        Assert.Equal(appended.Manifest.Bindings["c"].EffectiveVersion, file.Provenance!.UdfVersion);
        Assert.Equal(inputs, file.Provenance.InputFiles);
        // The planner keeps the given values: only the ten null rows of the new fragment are to compute.
        var plan = BackfillCoordinator.Plan(appended, new BackfillRequest { Column = "c" });
        var planned = Assert.Single(plan.Fragments, f => f.FragmentId == fragment.Id);
        Assert.Equal(FragmentMode.Nulls, planned.Mode);
        Assert.Equal(10, planned.RowsToCompute);
    }
}
