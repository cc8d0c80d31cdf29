using Apache.Arrow;
using Apache.Arrow.Ipc;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance;
using DeletionFile = Geneva.Core.Storage.Lance.Proto.DeletionFile;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

/// <summary>
/// Rows a Lance delete removed (a deletion file, as LanceDB writes it) are never read, computed, counted or
/// resurrected; new column files still cover every physical row.
/// </summary>
public class DeletedRowsTests
{
    /// <summary>Deletes rows the way LanceDB does: an Arrow IPC file of uint32 offsets per fragment, named in a new version.</summary>
    internal static GenevaTable Delete(GenevaTable table, int fragmentId, params uint[] offsets)
    {
        var id = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        var deletion = new DeletionFile
        {
            FileType = DeletionFile.Types.DeletionFileType.ArrowArray,
            ReadVersion = (ulong)table.Version,
            Id = id,
            NumDeletedRows = (ulong)offsets.Length,
        };
        var path = Path.Combine(table.Path, LanceDeletionFile.RelativePath((ulong)fragmentId, deletion));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var values = new UInt32Array.Builder().AppendRange(offsets).Build();
        var schema = new Schema([new Field("row_id", Apache.Arrow.Types.UInt32Type.Default, false)], null);
        using (var stream = File.Create(path))
        using (var writer = new ArrowFileWriter(stream, schema))
        {
            writer.WriteRecordBatch(new RecordBatch(schema, [values], values.Length));
            writer.WriteEnd();
        }
        return table.Commit("delete", $"{offsets.Length} rows of fragment {fragmentId}", m => m with
        {
            Fragments = m.Fragments.Select(f => f.Id == fragmentId ? f with { Deletion = deletion } : f).ToList(),
        });
    }

    private static GenevaTable Table(TestFolder folder) =>
        Delete(TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256), 1, 0, 5, 999);

    [Fact]
    public void Scan_DeletedRows_AreNeverReadNorCounted()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        Assert.Equal(2497, table.Manifest.RowCount);
        var ids = TestData.Column(table, "id").Cast<long>().ToList();
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (long)i).Except([1000L, 1005L, 1999L]), ids);
        var addresses = table.Scan(["id"], includeRowAddress: true)
            .SelectMany(b => ((UInt64Array)b.Column(1)).Values.ToArray()).ToList();
        Assert.DoesNotContain(RowAddress.Of(1, 5), addresses);
        Assert.Contains(RowAddress.Of(1, 6), addresses);
        var filtered = table.Scan(["id"], Geneva.Core.Expressions.SqlExpression.Parse("id >= 1004 and id <= 1006"))
            .SelectMany(b => ((Int64Array)b.Column(0)).Values.ToArray()).ToList();
        Assert.Equal([1004L, 1006L], filtered);
    }

    [Fact]
    public void Backfill_DeletedRows_AreNotComputedAndStayDeleted()
    {
        using var folder = new TestFolder();
        var table = Table(folder).AddColumn("c", "int64", TestData.Expression("id * 10"));
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c" });

        Assert.Equal(2497, result.UdfValuesComputed);
        var latest = GenevaTable.Open(table.Path);
        Assert.Equal(2497, latest.Manifest.RowCount);
        Assert.NotNull(latest.Manifest.Fragments[1].Deletion);
        var ids = TestData.Column(latest, "id").Cast<long>().ToList();
        Assert.Equal(ids.Select(i => (object?)(i * 10)), TestData.Column(latest, "c"));
        // The new file covers all 1,000 physical rows; the deleted ones hold null.
        var fragment = latest.Manifest.Fragments[1];
        using var reader = new FragmentReader(latest.Path, fragment);
        var physical = (Int64Array)reader.Read([latest.Manifest.GetField("c")], 0, fragment.RowCount).Column(0);
        Assert.Equal(1000, physical.Length);
        Assert.Null(physical.GetValue(5));
        Assert.Equal(10060, physical.GetValue(6));
    }

    [Fact]
    public void Backfill_FilteredWithDeletedRows_ComputesOnlyLiveMatches()
    {
        using var folder = new TestFolder();
        var table = Table(folder).AddColumn("c", "int64", TestData.Expression("id * 10"));
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c", Where = "id >= 1000 and id < 1010" });

        Assert.Equal(8, result.UdfValuesComputed);
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal(8, values.Count(v => v is not null));
    }
}
