using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance;

namespace Geneva.Core.Tests;

/// <summary>
/// A computed column's provenance through LanceDB's compaction (Fixtures/lance/compacted.lance: `tlen` backfilled
/// in version 4, compacted by LanceDB's optimize into one fragment in version 6): its values still count.
/// </summary>
public class LanceRewriteProvenanceTests
{
    private static string CopyFixture(TestFolder folder, string name = "compacted.lance") => TestData.CopyLanceFixture(folder, name);

    [Fact]
    public void Plan_AfterLanceDbCompaction_ComputesNothing()
    {
        using var folder = new TestFolder();
        var table = GenevaTable.Open(CopyFixture(folder));
        Assert.Equal(("rewrite", 6L), (table.ListVersions()[^1].Operation, table.Version));
        var fragment = Assert.Single(table.Manifest.Fragments);
        var tlen = table.Manifest.GetField("tlen");
        var provenance = Assert.Single(fragment.FilesFor(tlen.Id)).ProvenanceOf(tlen.Id);
        Assert.True(provenance is { Complete: true });

        var plan = BackfillCoordinator.Plan(table, new BackfillRequest { Column = "tlen" });

        Assert.Equal(0, plan.RowsToCompute);
        Assert.Empty(plan.Fragments);
    }

    [Fact]
    public void Plan_VersionBeforeCompactionCleanedUp_RecomputesTheCompactedRows()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder);
        File.Delete(LanceVersions.ManifestPath(path, 5)); // what LanceDB's cleanup of old versions does
        File.Delete(LanceVersions.ManifestPath(path, 4));

        var plan = BackfillCoordinator.Plan(GenevaTable.Open(path), new BackfillRequest { Column = "tlen" });

        Assert.Equal(60, plan.RowsToCompute);
    }

    [Fact]
    public void Plan_InputRewrittenAfterCompaction_RecomputesIt()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder);
        var table = GenevaTable.Open(path);
        // Another writer rewrites the compacted fragment's files (as an update would): the rewrite's inputs are gone.
        var file = table.Manifest.Fragments[0].Files[0];
        File.Copy(Path.Combine(path, file.Path), Path.Combine(path, "data/updated.lance"));
        table.Commit("update", "test", m => m with { Fragments = [m.Fragments[0] with { Files = [file with { Path = "data/updated.lance" }] }] });

        var plan = BackfillCoordinator.Plan(GenevaTable.Open(path), new BackfillRequest { Column = "tlen" });

        Assert.Equal(60, plan.RowsToCompute);
    }

    [Fact]
    public void Commit_AfterCompaction_WritesRecoveredProvenanceSoItOutlivesCleanup()
    {
        using var folder = new TestFolder();
        var path = CopyFixture(folder);
        GenevaTable.Open(path).Append(TestData.Schema, TestData.Batches(100, 5, 5));
        foreach (var v in new long[] { 1, 2, 3, 4, 5, 6 })
        {
            File.Delete(LanceVersions.ManifestPath(path, (ulong)v));
        }

        var table = GenevaTable.Open(path);
        var plan = BackfillCoordinator.Plan(table, new BackfillRequest { Column = "tlen" });

        Assert.Equal(5, plan.RowsToCompute);
        Assert.Equal([table.Manifest.Fragments[^1].Id], plan.Fragments.Select(f => f.FragmentId));
    }

    [Fact]
    public void Plan_AfterCompactionOfFilteredRuns_KeepsTheFiltersEveryOldFragmentCovered()
    {
        using var folder = new TestFolder();
        var table = GenevaTable.Open(CopyFixture(folder, "compacted_filtered.lance"));
        Assert.Equal("rewrite", table.ListVersions()[^1].Operation);
        var fragment = Assert.Single(table.Manifest.Fragments);
        var tlen = table.Manifest.GetField("tlen");
        var provenance = Assert.Single(fragment.FilesFor(tlen.Id)).ProvenanceOf(tlen.Id)!;
        Assert.False(provenance.Complete);
        // Fragment 0 (ids 0..39) had both filters; fragment 1 (40..59) only "id >= 30" (the other matched none of its
        // rows, so that run did not touch it): only the filter both recorded is known to cover the compacted rows.
        var filter = Assert.Single(provenance.Filters!);
        Assert.Equal("id >= 30", filter.Where);
        Assert.Equal([fragment.Files.Single(x => x.Holds(table.Manifest.GetField("id").Id)).Path], filter.Files);

        Assert.Equal(30, BackfillCoordinator.Plan(table, new BackfillRequest { Column = "tlen" }).RowsToCompute);
    }
}
