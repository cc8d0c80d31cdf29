using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Proto;
using Google.Protobuf;

namespace Geneva.Core.Tests;

/// <summary>Removing columns as Lance's drop_columns does: a Project commit that rewrites no data.</summary>
public class ColumnRemovalTests
{
    private static Transaction TransactionOf(GenevaTable table) =>
        LanceTransactionFile.ForVersion(table.Path, (ulong)table.Version)
        ?? throw new InvalidOperationException($"version {table.Version} has no transaction");

    [Fact]
    public void Remove_BackfilledColumn_CommitsProjectAndDropsFilesHoldingOnlyIt()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000);
        table = table.AddColumn("c", "int64", TestData.Expression("id * 10"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c" });
        var before = GenevaTable.Open(table.Path);
        var cId = before.Manifest.GetField("c").Id;
        var job = Assert.Single(new CheckpointStoreReader(table.Path).Jobs);
        var kept = before.Manifest.Fragments.ToDictionary(f => f.Id, f => f.Files.Where(x => !x.Holds(cId)).Select(x => x.Path).ToList());

        var result = ColumnRemoval.Remove(before, ["C"], force: false);

        var after = result.Table;
        Assert.Equal(["c"], result.Removed);
        Assert.Equal(before.Version + 1, after.Version);
        var transaction = TransactionOf(after);
        Assert.Equal(Transaction.OperationOneofCase.Project, transaction.OperationCase);
        Assert.Equal(["id", "text"], transaction.Project.Schema.Select(f => f.Name));
        Assert.Equal((ColumnRemoval.Operation, "c"), ManifestStore.ReadOperation(after.Path, after.Version));
        var reread = GenevaTable.Open(after.Path);
        Assert.Equal(["id", "text"], reread.Manifest.Fields.Select(f => f.Name));
        Assert.Null(reread.Manifest.FindBinding("c"));
        Assert.All(reread.Manifest.Fragments, f => Assert.Equal(kept[f.Id], f.Files.Select(x => x.Path)));
        Assert.Equal(TestData.Column(before, "id"), TestData.Column(reread, "id"));
        // The version before still reads the column from its files.
        Assert.Equal(TestData.Column(before, "id").Select(v => (object?)((long)v! * 10)),
            TestData.Column(GenevaTable.Open(after.Path, before.Version), "c"));
        Assert.Equal([job], result.ForgottenJobs);
        Assert.Empty(new CheckpointStoreReader(after.Path).Jobs);
    }

    [Fact]
    public void Remove_ColumnSharingAFileWithAnother_KeepsTheFileUnchangedAsLanceDoes()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 1500, rowsPerFragment: 1000);
        var before = table.Manifest.Fragments.Select(f => f.Files.Select(x => (x.Path, string.Join(",", x.FieldIds))).ToList()).ToList();

        var after = ColumnRemoval.Remove(table, ["text"], force: false).Table;

        var reread = GenevaTable.Open(after.Path);
        Assert.Equal(["id"], reread.Manifest.Fields.Select(f => f.Name));
        // Lance's Project keeps a file that still holds a field of the schema, dropped field ids and all.
        Assert.Equal(before, reread.Manifest.Fragments.Select(f => f.Files.Select(x => (x.Path, string.Join(",", x.FieldIds))).ToList()));
        Assert.Equal(TestData.Column(table, "id"), TestData.Column(reread, "id"));
        var batches = reread.Scan().ToList();
        Assert.All(batches, b => Assert.Equal(["id"], b.Schema.FieldsList.Select(f => f.Name)));
        batches.ForEach(b => b.Dispose());
        // A new column gets a new field id, not the dropped one.
        var added = reread.AddColumn("text", "utf8", null);
        Assert.True(added.Manifest.GetField("text").Id > table.Manifest.GetField("text").Id);
    }

    [Fact]
    public void Remove_InputOfComputedColumn_ThrowsColumnInUseNamingItUnlessForced()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 100);
        table = table.AddColumn("c", "int64", TestData.Expression("id * 10"));

        var e = Assert.Throws<GenevaException>(() => ColumnRemoval.Remove(table, ["id"], force: false));

        Assert.Equal(GenevaErrorCode.ColumnInUse, e.Code);
        Assert.Contains("'c' (UDF 'e') reads 'id'", e.Message, StringComparison.Ordinal);
        Assert.Equal(table.Version, GenevaTable.Open(table.Path).Version);

        var forced = ColumnRemoval.Remove(table, ["id"], force: true);
        Assert.Equal(["c"], forced.Unbound);
        Assert.Equal(["text", "c"], forced.Table.Manifest.Fields.Select(f => f.Name));
        Assert.Empty(GenevaTable.Open(table.Path).Manifest.Bindings);
    }

    [Fact]
    public void Remove_ColumnAndTheComputedColumnReadingIt_NeedsNoForce()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 100);
        table = table.AddColumn("c", "int64", TestData.Expression("id * 10"));

        var result = ColumnRemoval.Remove(table, ["id", "c"], force: false);

        Assert.Equal(["text"], result.Table.Manifest.Fields.Select(f => f.Name));
        Assert.Empty(result.Unbound);
    }

    [Fact]
    public void Remove_EveryColumn_ThrowsInvalidArgument()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10);

        var e = Assert.Throws<GenevaException>(() => ColumnRemoval.Remove(table, ["id", "TEXT"], force: true));

        Assert.Equal(GenevaErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void Remove_IndexedColumn_ThrowsColumnInUse()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10);
        var source = LanceManifestFile.Read(LanceVersions.ManifestPath(table.Path, (ulong)table.Version));
        var manifest = source.Manifest.Clone();
        manifest.Version++;
        var section = new IndexSection();
        section.Indices.Add(new IndexMetadata { Name = "text_idx", DatasetVersion = manifest.Version - 1, Fields = { table.Manifest.GetField("text").Id } });
        File.WriteAllBytes(LanceVersions.ManifestPath(table.Path, manifest.Version), LanceManifestFile.Create(manifest, section.ToByteArray()).ToBytes());

        var e = Assert.Throws<GenevaException>(() => ColumnRemoval.Remove(GenevaTable.Open(table.Path), ["text"], force: true));

        Assert.Equal(GenevaErrorCode.ColumnInUse, e.Code);
        Assert.Contains("index", e.Message, StringComparison.Ordinal);
        Assert.Equal(["text"], ColumnRemoval.Remove(GenevaTable.Open(table.Path), ["id"], force: false).Table.Manifest.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Remove_ColumnAJobComputes_ThrowsJobBusyAndChangesNothing()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10);
        table = table.AddColumn("c", "int64", TestData.Expression("id * 10"));
        using (JobLease.ForColumn(table, "c", "running-job", LeaseOptions.Default, wait: false, CancellationToken.None))
        {
            var e = Assert.Throws<GenevaException>(() => ColumnRemoval.Remove(table, ["c"], force: false));
            Assert.Equal(GenevaErrorCode.JobBusy, e.Code);
            Assert.Contains("Cannot remove column 'c'", e.Message, StringComparison.Ordinal);
            Assert.Contains("running-job", e.Message, StringComparison.Ordinal);

            // Forced, removing an input of 'c' would unbind it under the running job: refused the same way.
            var forced = Assert.Throws<GenevaException>(() => ColumnRemoval.Remove(table, ["id"], force: true));
            Assert.Equal(GenevaErrorCode.JobBusy, forced.Code);
            Assert.Contains("computed column 'c'", forced.Message, StringComparison.Ordinal);
            Assert.Equal(table.Version, GenevaTable.Open(table.Path).Version);
        }
        Assert.Equal(["id", "text"], ColumnRemoval.Remove(table, ["c"], force: false).Table.Manifest.Fields.Select(f => f.Name));
    }

    /// <summary>The table's recorded jobs, read as a reader would.</summary>
    private sealed class CheckpointStoreReader(string tablePath)
    {
        public IReadOnlyList<string> Jobs
        {
            get
            {
                using var store = CheckpointStore.OpenReadOnly(tablePath);
                return store.ListJobs().Select(j => j.JobId).ToList();
            }
        }
    }
}
