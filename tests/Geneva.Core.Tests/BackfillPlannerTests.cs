using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

public class BackfillPlannerTests
{
    private static UdfSpec Expression(string text, string type = "int64") => new()
    {
        Name = "e", Kind = UdfKind.Expression, Source = text,
        InputColumns = Geneva.Core.Expressions.SqlExpression.Parse(text).Columns, OutputType = type, Batched = true,
    };

    private static GenevaTable Table(TestFolder folder, int rows = 2500, int rowsPerFragment = 1000) =>
        TestData.Create(folder.Table(), rows, rowsPerFragment, batchRows: 256)
            .AddColumn("c", "int64", Expression("id * 10"));

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
}
