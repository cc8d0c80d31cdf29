using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

public class GenevaTableTests
{
    [Fact]
    public void Open_MissingPath_ThrowsTableNotFound()
    {
        using var folder = new TestFolder();
        var e = Assert.Throws<GenevaException>(() => GenevaTable.Open(folder.Table("nope")));
        Assert.Equal(GenevaErrorCode.TableNotFound, e.Code);
    }

    [Fact]
    public void Create_WhereTableExists_ThrowsTableExists()
    {
        using var folder = new TestFolder();
        TestData.Create(folder.Table(), 10);
        var e = Assert.Throws<GenevaException>(() => TestData.Create(folder.Table(), 10));
        Assert.Equal(GenevaErrorCode.TableExists, e.Code);
    }

    [Fact]
    public void Create_RowsFailMidway_LeavesNoFolderBehind()
    {
        using var folder = new TestFolder();
        static IEnumerable<Apache.Arrow.RecordBatch> Failing()
        {
            yield return TestData.Batch(0, 100);
            throw new IOException("the source broke");
        }
        Assert.Throws<IOException>(() => GenevaTable.Create(folder.Table(), TestData.Schema, Failing(),
            new TableWriteOptions { MaxRowsPerFragment = 50 }));
        Assert.False(Directory.Exists(folder.Table()));
        Assert.False(GenevaTable.Exists(folder.Table()));
    }

    [Fact]
    public void Append_AddsFragmentsAndVersion_OldVersionStillReadable()
    {
        using var folder = new TestFolder();
        var v1 = TestData.Create(folder.Table(), 100);
        var v2 = v1.Append(TestData.Schema, TestData.Batches(100, 50, 20));
        Assert.Equal(2, v2.Version);
        Assert.Equal(150, v2.Manifest.RowCount);
        Assert.Equal(1, v2.Manifest.Fragments[1].Id);
        var old = GenevaTable.Open(v1.Path, 1);
        Assert.Equal(100, TestData.Column(old, "id").Count);
        Assert.Equal(["create", "append"], v2.ListVersions().Select(v => v.Operation));
    }

    [Fact]
    public void Open_UnknownVersion_ThrowsVersionNotFound()
    {
        using var folder = new TestFolder();
        TestData.Create(folder.Table(), 10);
        var e = Assert.Throws<GenevaException>(() => GenevaTable.Open(folder.Table(), 7));
        Assert.Equal(GenevaErrorCode.VersionNotFound, e.Code);
    }

    [Fact]
    public void Commit_FromStaleVersion_RebasesOntoLatest()
    {
        using var folder = new TestFolder();
        var v1 = TestData.Create(folder.Table(), 100);
        v1.Append(TestData.Schema, TestData.Batches(100, 10, 10));
        // v1 is stale now; its append must land on top of version 2, not replace it.
        var v3 = v1.Append(TestData.Schema, TestData.Batches(110, 10, 10));
        Assert.Equal(3, v3.Version);
        Assert.Equal(120, v3.Manifest.RowCount);
        Assert.Equal([0, 1, 2], v3.Manifest.Fragments.Select(f => f.Id));
    }

    [Fact]
    public async Task Commit_ManyConcurrentWriters_NoAppendIsLost()
    {
        using var folder = new TestFolder();
        var v1 = TestData.Create(folder.Table(), 10);
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(() =>
            v1.Append(TestData.Schema, TestData.Batches(1000 * (w + 1), 5, 5)))).ToArray();
        await Task.WhenAll(writers);
        var latest = GenevaTable.Open(v1.Path);
        Assert.Equal(7, latest.Version);
        Assert.Equal(40, latest.Manifest.RowCount);
        Assert.Equal(7, latest.Manifest.Fragments.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public void TryCreate_WritersRacingForOneVersion_ExactlyOneWinsEachRound()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10);
        for (var round = 0; round < 25; round++)
        {
            var version = table.Version + 1 + round;
            using var start = new Barrier(6);
            var wins = Enumerable.Range(0, 6).Select(w => Task.Run(() =>
            {
                var manifest = table.Manifest with { Version = version, Operation = "race", OperationDetail = $"writer {w}" };
                start.SignalAndWait();
                return ManifestStore.TryCreate(table.Path, manifest) ? w : -1;
            })).ToList().Select(t => t.Result).Where(w => w >= 0).ToList();
            var winner = Assert.Single(wins);
            Assert.Equal(("race", $"writer {winner}"), ManifestStore.ReadOperation(table.Path, version));
        }
    }

    [Fact]
    public void Open_CorruptManifest_ThrowsManifestCorrupt()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10);
        File.WriteAllText(Path.Combine(table.Path, "_versions", Storage.Lance.LanceVersions.ManifestFileName(2)), "not a manifest");
        var e = Assert.Throws<GenevaException>(() => GenevaTable.Open(table.Path));
        Assert.Equal(GenevaErrorCode.ManifestCorrupt, e.Code);
        Assert.Equal(10, TestData.Column(GenevaTable.Open(table.Path, 1), "id").Count);
    }

    [Fact]
    public void Scan_TruncatedDataFile_ThrowsDataFileCorrupt()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 500, batchRows: 100);
        var file = Path.Combine(table.Path, table.Manifest.Fragments[0].Files[0].Path);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<GenevaException>(() => TestData.Column(table, "text"));
        Assert.Equal(GenevaErrorCode.DataFileCorrupt, e.Code);
    }

    [Fact]
    public void AddColumn_Existing_ThrowsColumnExists_AndNewColumnReadsNull()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 20);
        var v2 = table.AddColumn("len", "int32", TestData.Udf("StringLength"));
        Assert.All(TestData.Column(v2, "len"), Assert.Null);
        Assert.Equal("strlen", v2.Manifest.FindBinding("len")!.Name);
        var e = Assert.Throws<GenevaException>(() => v2.AddColumn("LEN", "int32", null));
        Assert.Equal(GenevaErrorCode.ColumnExists, e.Code);
    }

    [Fact]
    public void AddColumn_UdfReadingMissingColumn_ThrowsColumnNotFound()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 20);
        var udf = TestData.Udf("StringLength") with { InputColumns = ["nope"] };
        var e = Assert.Throws<GenevaException>(() => table.AddColumn("len", "int32", udf));
        Assert.Equal(GenevaErrorCode.ColumnNotFound, e.Code);
    }

    [Fact]
    public void AddColumn_TypeDiffersFromUdf_ThrowsTypeMismatch()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 20);
        table = table.AddColumn("len", "int64", null);
        var e = Assert.Throws<GenevaException>(() => table.SetBinding("len", TestData.Udf("StringLength")));
        Assert.Equal(GenevaErrorCode.TypeMismatch, e.Code);
    }
}
