using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Proto;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

/// <summary>Which Lance operation each of our commits records, and what a re-backfill replaces.</summary>
public class LanceTransactionBuilderTests
{
    private static Transaction TransactionOf(GenevaTable table) =>
        LanceTransactionFile.ForVersion(table.Path, (ulong)table.Version)
        ?? throw new InvalidOperationException($"version {table.Version} has no transaction");

    [Fact]
    public void Commits_EachOperation_RecordTheLanceOperationThatDescribesIt()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000);
        Assert.Equal(Transaction.OperationOneofCase.Overwrite, TransactionOf(table).OperationCase);

        table = table.Append(TestData.Schema, TestData.Batches(2500, 500, 100));
        var append = TransactionOf(table);
        Assert.Equal(Transaction.OperationOneofCase.Append, append.OperationCase);
        Assert.Equal([3UL], append.Append.Fragments.Select(f => f.Id));

        table = table.AddColumn("c", "int64", TestData.Expression("id * 10"));
        Assert.Equal(Transaction.OperationOneofCase.Merge, TransactionOf(table).OperationCase);

        // The first backfill adds a file to every fragment: Merge.
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c" });
        table = GenevaTable.Open(table.Path);
        var first = TransactionOf(table);
        Assert.Equal(Transaction.OperationOneofCase.Merge, first.OperationCase);
        Assert.Equal(("backfill", "c: 4 fragment(s)"), ManifestStore.ReadOperation(table.Path, table.Version));
        var cId = table.Manifest.GetField("c").Id;
        var before = table.Manifest.Fragments.ToDictionary(f => f.Id, f => f.Files.Where(x => !x.Holds(cId)).Select(x => x.Path).ToList());
        var oldFiles = table.Manifest.Fragments.Select(f => Assert.Single(f.FilesFor(cId)).Path).ToList();

        // A new UDF version recomputes: each fragment's file of 'c' is swapped for a new one, nothing else.
        table = table.SetBinding("c", TestData.Expression("id * 100"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c" });
        table = GenevaTable.Open(table.Path);
        var replacement = TransactionOf(table);
        Assert.Equal(Transaction.OperationOneofCase.DataReplacement, replacement.OperationCase);
        Assert.Equal([0UL, 1UL, 2UL, 3UL], replacement.DataReplacement.Replacements.Select(r => r.FragmentId).Order());
        Assert.All(replacement.DataReplacement.Replacements, r => Assert.Equal([cId], r.NewFile.Fields));
        Assert.All(table.Manifest.Fragments, f =>
        {
            Assert.Equal(before[f.Id], f.Files.Where(x => !x.Holds(cId)).Select(x => x.Path));
            Assert.DoesNotContain(Assert.Single(f.FilesFor(cId)).Path, oldFiles);
        });
        Assert.Equal(TestData.Column(table, "id").Select(v => (object?)((long)v! * 100)), TestData.Column(table, "c"));
    }
}
