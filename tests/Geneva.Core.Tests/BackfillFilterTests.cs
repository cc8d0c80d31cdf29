using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

public class BackfillFilterTests
{
    private static UdfSpec Expression(string text, string type = "int64") => new()
    {
        Name = "e", Kind = UdfKind.Expression, Source = text,
        InputColumns = Geneva.Core.Expressions.SqlExpression.Parse(text).Columns, OutputType = type, Batched = true,
    };

    private static GenevaTable Table(TestFolder folder, int rows = 2500) =>
        TestData.Create(folder.Table(), rows, rowsPerFragment: 1000, batchRows: 256)
            .AddColumn("c", "int64", Expression("id * 10"));

    [Fact]
    public void Plan_Where_CountsOnlyMatchingRowsAndSkipsFragmentsWithNone()
    {
        using var folder = new TestFolder();
        var plan = BackfillCoordinator.Plan(Table(folder), new BackfillRequest { Column = "c", Where = "id >= 1990 and id < 2010" });
        Assert.Equal([1, 2], plan.Fragments.Select(f => f.FragmentId));
        Assert.Equal(20, plan.RowsToCompute);
        Assert.Equal(1, plan.SkippedFragments);
        Assert.All(plan.Fragments, f => Assert.Equal(FragmentMode.Filter, f.Mode));
    }

    [Fact]
    public void Start_Where_ComputesMatchingRowsKeepsOthersThenFillsNulls()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var first = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c", Where = "id % 2 = 0" });
        Assert.Equal(1250, first.UdfValuesComputed);
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal(40L, values[4]);
        Assert.Null(values[5]);

        var second = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.Equal(1250, second.UdfValuesComputed);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)(i * 10L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
    }

    [Fact]
    public void Start_WhereOnSetRows_RecomputesThemEvenWhenSet()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c" });
        var rebound = GenevaTable.Open(table.Path).SetBinding("c", Expression("id * 100"));
        var result = new BackfillCoordinator().Start(rebound, new BackfillRequest { Column = "c", Where = "id < 3" });
        Assert.Equal(3, result.UdfValuesComputed);
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal([0L, 100L, 200L, 30L], values.Take(4));
        // The fragment now mixes versions, so a plain run recomputes it whole; the untouched ones too.
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.All(plan.Fragments, f => Assert.Equal(FragmentMode.Stale, f.Mode));
    }

    [Fact]
    public void Plan_FilterSpelledDifferently_ReusesCheckpoints()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var crashAfter = 0;
        var crashing = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new InlineProgress(p =>
            {
                if (p.Event is null && ++crashAfter == 2)
                {
                    throw new IOException("crash");
                }
            }),
        });
        var request = new BackfillRequest { Column = "c", Where = "id>=0", CheckpointSize = 100, MinCheckpointSize = 100 };
        Assert.Throws<IOException>(() => crashing.Start(table, request));
        var plan = BackfillCoordinator.Plan(table, request with { Where = "( id >= 0 )" });
        Assert.Equal(200, plan.CheckpointedRows);
    }

    [Fact]
    public void Commit_AppendDuringBackfill_KeepsBothAndRebases()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var appended = false;
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new InlineProgress(p =>
            {
                if (p.Event is null && !appended)
                {
                    appended = true;
                    GenevaTable.Open(table.Path).Append(TestData.Schema, TestData.Batches(5000, 10, 10));
                }
            }),
        });
        var result = coordinator.Start(table, new BackfillRequest { Column = "c" });
        // The commit applies to the latest version (the append's), so both changes are kept.
        var latest = GenevaTable.Open(table.Path);
        Assert.Equal(table.Version + 2, latest.Version);
        Assert.Equal(2510, latest.Manifest.RowCount);
        var values = TestData.Column(latest, "c");
        Assert.Equal(2500, values.Count(v => v is not null));
        Assert.All(values.Skip(2500), Assert.Null);
    }

    [Fact]
    public void Commit_FragmentInputChangedDuringBackfill_LeavesItOutAndSaysSo()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var changed = false;
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new InlineProgress(p =>
            {
                if (p.Event is null && !changed)
                {
                    changed = true;
                    // Another writer rewrites fragment 2's data file (as an update or compaction would).
                    var other = GenevaTable.Open(table.Path);
                    var file = other.Manifest.Fragments[2].Files[0];
                    File.Copy(Path.Combine(table.Path, file.Path), Path.Combine(table.Path, "data/rewritten.arrow"));
                    other.Commit("update", "fragment 2", m => m with
                    {
                        Fragments = m.Fragments.Select(f => f.Id == 2 ? f with { Files = [file with { Path = "data/rewritten.arrow" }] } : f).ToList(),
                    });
                }
            }),
        });
        var result = coordinator.Start(table, new BackfillRequest { Column = "c" });
        Assert.Equal(2, result.FragmentsCommitted);
        Assert.Contains(result.Warnings, w => w.Contains("Fragment 2 changed"));
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal(2000, values.Count(v => v is not null));
    }

    [Fact]
    public void Start_SkipBeyondMaxSkipCount_FailsJob()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, text: i => i % 10 == 0 ? "boom" : "ok")
            .AddColumn("twice", "int64", TestData.Udf("FailOnBoom") with { OnError = ErrorPolicy.Skip with { MaxSkipCount = 5 } });
        var e = Assert.Throws<GenevaException>(() => new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" }));
        Assert.Equal(GenevaErrorCode.UdfFailed, e.Code);
        Assert.Contains("MaxSkipCount 5", e.Message);
        using var store = CheckpointStore.Open(table.Path);
        Assert.Equal(JobStatus.Failed, store.ListJobs().Single().Status);
    }

    [Fact]
    public void Start_SkipWithinMaxSkipFraction_Succeeds()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, text: i => i % 10 == 0 ? "boom" : "ok")
            .AddColumn("twice", "int64", TestData.Udf("FailOnBoom") with { OnError = ErrorPolicy.Skip with { MaxSkipFraction = 0.2 } });
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" });
        Assert.Equal(30, result.ErrorCount);
    }
}
