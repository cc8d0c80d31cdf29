using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

public class RowErrorTests
{
    [Fact]
    public void Start_ScalarSkip_RecordsEachRowsKeyAndAddress()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, rowsPerFragment: 100, text: i => i % 100 == 5 ? "boom" : "ok");
        table = table.AddColumn("twice", "int64", TestData.Udf("FailOnBoom") with { OnError = Udfs.ErrorPolicy.Skip });

        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" });

        using var store = CheckpointStore.Open(table.Path);
        var errors = store.ListErrors(result.JobId);
        Assert.Equal(["id=5, text='boom'", "id=105, text='boom'", "id=205, text='boom'"], errors.Select(e => e.Key));
        Assert.Equal([RowAddress.Of(0, 5), RowAddress.Of(1, 5), RowAddress.Of(2, 5)], errors.Select(e => e.RowAddress));
    }

    [Fact]
    public void Start_ExpressionFailsOnOneRow_RecordsThatRowNotItsBatch()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, rowsPerFragment: 100);
        const string text = "10 / (id - 150)";
        table = table.AddColumn("q", "int64", new Udfs.UdfSpec
        {
            Name = "q", Kind = Udfs.UdfKind.Expression, Source = text,
            InputColumns = Geneva.Core.Expressions.SqlExpression.Parse(text).Columns, OutputType = "int64", Batched = true,
        });

        var e = Assert.Throws<UdfFailedException>(() => new BackfillCoordinator().Start(table, new BackfillRequest { Column = "q" }));

        Assert.Contains("fragment 1, row 50 ", e.Message);
        Assert.DoesNotContain("rows ", e.Message);
        Assert.DoesNotContain("at row", e.Message);
        using var store = CheckpointStore.Open(table.Path);
        var error = Assert.Single(store.ListErrors(null));
        Assert.Equal((1, 50, "id=150"), (error.FragmentId, error.RowOffset, error.Key));
        Assert.DoesNotContain("at row", error.Message);
    }

    [Fact]
    public void Open_RowErrorsWithoutKeyColumn_AddsItAndKeepsOldErrors()
    {
        using var folder = new TestFolder();
        var tablePath = folder.Table();
        FirstSchemaDatabase.Create(tablePath, FirstSchemaDatabase.RowError);

        using var store = CheckpointStore.Open(tablePath);
        store.RecordErrors([new RowError("new", 0, 3, 1, "System.Exception", "new failure", "Fail", DateTimeOffset.UtcNow, "id=4")]);

        var errors = store.ListErrors(null);
        Assert.Equal([("old", (string?)null), ("new", "id=4")], errors.Select(e => (e.JobId, e.Key)));
        Assert.Equal(RowAddress.Of(2, 7), errors[0].RowAddress);
    }

    [Fact]
    public void OpenReadOnly_RowErrorsWithoutKeyColumn_ListsThemWithoutKey()
    {
        using var folder = new TestFolder();
        var tablePath = folder.Table();
        FirstSchemaDatabase.Create(tablePath, FirstSchemaDatabase.RowError);

        using var store = CheckpointStore.OpenReadOnly(tablePath);

        var error = Assert.Single(store.ListErrors(null));
        Assert.Equal(("old", (string?)null), (error.JobId, error.Key));
    }

    [Fact]
    public void OpenReadOnly_NoDatabase_ListsNoErrors()
    {
        using var folder = new TestFolder();

        using var store = CheckpointStore.OpenReadOnly(folder.Table());

        Assert.Empty(store.ListErrors(null));
    }
}
