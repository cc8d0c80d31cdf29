using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

public class BackfillPlannerTests
{
    private static GenevaTable Table(TestFolder folder, int rows = 2500, int rowsPerFragment = 1000) =>
        TestData.Create(folder.Table(), rows, rowsPerFragment, batchRows: 256)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));

    [Theory]
    [InlineData("id >= 0")]
    [InlineData(null)]
    public void Plan_Cancelled_ThrowsBeforeReadingFragments(string? where)
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        if (where is null)
        {
            // Null-filling mode reads the column: fill half of it first.
            new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c", Where = "id % 2 = 0" });
            table = GenevaTable.Open(table.Path);
        }
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            BackfillCoordinator.Plan(table, new BackfillRequest { Column = "c", Where = where }, cancel.Token));
    }

    [Fact]
    public void Start_CancelledWhilePlanning_ThrowsAndRecordsNoJob()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var coordinator = new BackfillCoordinator(new BackfillRunOptions { Cancel = cancel.Token });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            coordinator.Start(table, new BackfillRequest { Column = "c", Where = "id >= 0" }));
        using var store = CheckpointStore.Open(table.Path);
        Assert.Empty(store.ListJobs());
        Assert.Equal(table.Version, GenevaTable.Open(table.Path).Version);
    }

    [Fact]
    public void Plan_ProvenanceWrittenBeforeCoverage_ComputesOnlyNullRows()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c", Where = "id % 2 = 0" });
        // Files of an older Geneva carry the version and inputs but no coverage.
        var legacy = GenevaTable.Open(table.Path);
        legacy.Commit("test", "strip coverage", m => m with
        {
            Fragments = m.Fragments.Select(f => f with
            {
                Files = f.Files.Select(d => d.Provenance is { } p ? d with { Provenance = new ColumnProvenance(p.UdfVersion, p.InputFiles) } : d).ToList(),
            }).ToList(),
        });
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.All(plan.Fragments, f => Assert.Equal(FragmentMode.Nulls, f.Mode));
        Assert.Equal(1250, plan.RowsToCompute);
        var filtered = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c", Where = "id < 10" });
        Assert.Equal(5, filtered.RowsToCompute);
        new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)(i * 10L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
        Assert.Empty(BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" }).Fragments);
    }

    [Fact]
    public void Plan_FiltersRemembered_KeepsTheLatestEight()
    {
        using var folder = new TestFolder();
        var table = Table(folder, rows: 100, rowsPerFragment: 100);
        for (var i = 0; i < 10; i++)
        {
            new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c", Where = $"id = {i}" });
        }
        var file = GenevaTable.Open(table.Path).Manifest.Fragments[0].Files.First(f => f.Provenance is not null);
        Assert.Equal(Enumerable.Range(2, 8).Select(i => $"id = {i}"), file.Provenance!.Filters!.Select(f => f.Where));
        // Rows of forgotten filters are computed again by a plain run: never too few.
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.Equal(92, plan.RowsToCompute);
    }
}
