using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

public class BackfillFilterTests
{
    private static GenevaTable Table(TestFolder folder, int rows = 2500) =>
        TestData.Create(folder.Table(), rows, rowsPerFragment: 1000, batchRows: 256)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));

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
        var rebound = GenevaTable.Open(table.Path).SetBinding("c", TestData.Expression("id * 100"));
        var result = new BackfillCoordinator().Start(rebound, new BackfillRequest { Column = "c", Where = "id < 3" });
        Assert.Equal(3, result.UdfValuesComputed);
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal([0L, 100L, 200L, 30L], values.Take(4));
        // The filtered rows are the new version's, so a plain run computes the fragment's other rows; the untouched
        // fragments hold the old version's values and are recomputed whole.
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.Equal([FragmentMode.Remaining, FragmentMode.Stale, FragmentMode.Stale], plan.Fragments.Select(f => f.Mode));
        Assert.Equal(997, plan.Fragments[0].RowsToCompute);
        new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)(i * 100L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
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
    public void Commit_ColumnReboundDuringBackfill_FailsAndLeavesNoDataFileBehind()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var dataFiles = Directory.GetFiles(Path.Combine(table.Path, "data")).Order().ToList();
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = InlineProgress.AtFirstCheckpoint(() =>
            {
                GenevaTable.Open(table.Path).SetBinding("c", TestData.Expression("id * 100"));
            }),
        });
        var e = Assert.Throws<GenevaException>(() =>
            coordinator.Start(table, new BackfillRequest { Column = "c", CheckpointSize = 500, MinCheckpointSize = 500 }));

        Assert.Equal(GenevaErrorCode.CommitConflict, e.Code);
        Assert.Contains("rebound", e.Message);
        // The fragment files built for the failed commit are deleted; only the table's own files remain.
        Assert.Equal(dataFiles, Directory.GetFiles(Path.Combine(table.Path, "data")).Order().ToList());
    }

    [Fact]
    public void Commit_AppendDuringBackfill_KeepsBothAndRebases()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = InlineProgress.AtFirstCheckpoint(() =>
            {
                GenevaTable.Open(table.Path).Append(TestData.Schema, TestData.Batches(5000, 10, 10));
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
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = InlineProgress.AtFirstCheckpoint(() =>
            {
                BackfillConcurrentWriterTests.RewriteFragmentFile(table.Path, 2);
            }),
        });
        var result = coordinator.Start(table, new BackfillRequest { Column = "c" });
        Assert.Equal(2, result.FragmentsCommitted);
        Assert.Contains(result.Warnings, w => w.Contains("Fragment 2 changed"));
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal(2000, values.Count(v => v is not null));
    }

    private static List<int> CheckpointSizes(GenevaTable table, string jobId)
    {
        using var store = CheckpointStore.Open(table.Path);
        return store.ForJob(jobId).Select(c => c.RowCount).ToList();
    }

    [Fact]
    public void Start_SparseWhere_MakesAHandfulOfCheckpoints()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10_000, rowsPerFragment: 5000, batchRows: 256)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c", Where = "id >= 4990 and id <= 5010" });
        Assert.Equal(21, result.UdfValuesComputed);
        // Rows that do not match are copied inside the checkpoints that compute; they never make their own.
        Assert.InRange(result.Checkpoints, 2, 4);
        Assert.Equal(10_000, CheckpointSizes(table, result.JobId).Sum());
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => i is >= 4990 and <= 5010 ? (object?)(i * 10L) : null), values);
    }

    [Fact]
    public void Start_PlainRunAfterWideFilter_ComputesTheFewRemainingRowsInAHandfulOfCheckpoints()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10_000, rowsPerFragment: 5000, batchRows: 256)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c", Where = "id < 4990 or id > 5010" });
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.All(plan.Fragments, f => Assert.Equal(FragmentMode.Remaining, f.Mode));
        Assert.Equal(21, plan.RowsToCompute);
        var result = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
        Assert.Equal(21, result.UdfValuesComputed);
        Assert.InRange(result.Checkpoints, 2, 4);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (object?)(i * 10L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
        Assert.Empty(BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" }).Fragments);
    }

    [Fact]
    public void Start_SparseWhereWithSmallCheckpointSize_MergesTasksWithoutMatches()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10_000, rowsPerFragment: 5000, batchRows: 256)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));
        var request = new BackfillRequest { Column = "c", Where = "id >= 4990 and id <= 5010", CheckpointSize = 500 };
        var plan = BackfillCoordinator.Plan(table, request);
        // One task per fragment: the grid cells without a match join the cell that has them.
        Assert.Equal([(0, 0, 5000), (1, 0, 5000)], plan.Tasks.Select(t => (t.FragmentId, t.Offset, t.RowCount)));
        var result = new BackfillCoordinator().Start(table, request);
        Assert.InRange(result.Checkpoints, 2, 4);
    }

    [Fact]
    public void Start_WhereWithNumFrags_CoversOneMoreFragmentEachRun()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var request = new BackfillRequest { Column = "c", Where = "id >= 0", NumFrags = 1 };
        for (var run = 0; run < 3; run++)
        {
            var current = GenevaTable.Open(table.Path);
            var plan = BackfillCoordinator.Plan(current, request);
            Assert.Equal([run], plan.Fragments.Select(f => f.FragmentId));
            Assert.Equal(1, new BackfillCoordinator().Start(current, request).FragmentsCommitted);
        }
        var last = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), request);
        Assert.Empty(last.Fragments);
        Assert.Equal(3, last.SkippedFragments);
        // The same filter spelled differently is the same filter.
        Assert.Empty(BackfillCoordinator.Plan(GenevaTable.Open(table.Path), request with { Where = "(id>=0)" }).Fragments);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)(i * 10L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
    }

    [Fact]
    public void Resume_FilteredJobAfterACommit_DoesNotRedoCommittedFragments()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var crashing = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new InlineProgress(p =>
            {
                if (p.Event?.StartsWith("committed", StringComparison.Ordinal) == true)
                {
                    throw new IOException("crash after the first commit");
                }
            }),
        });
        Assert.Throws<IOException>(() => crashing.Start(table, new BackfillRequest { Column = "c", Where = "id % 2 = 0", CommitGranularity = 1 }));
        var resumed = new BackfillCoordinator().Resume(table.Path, null);
        Assert.Equal(JobStatus.Done, resumed.Status);
        Assert.Equal((1250L, 750L), (resumed.UdfValuesComputed, resumed.RunRowsDone)); // the job's counts go on
        Assert.Equal(3, resumed.FragmentsCommitted);
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => i % 2 == 0 ? (object?)(i * 10L) : null), values);
    }

    [Fact]
    public void Plan_FilterColumnChangedSinceTheFilteredRun_ComputesItsMatchesAgain()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256)
            .AddColumn("k", "int64", TestData.Expression("id % 3"))
            .AddColumn("c", "int64", TestData.Expression("id * 10"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "k" });
        new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c", Where = "k = 0" });
        Assert.Empty(BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c", Where = "k = 0" }).Fragments);
        // k is recomputed by another version: which rows match k = 0 may have changed, so the filter no longer counts as done.
        GenevaTable.Open(table.Path).SetBinding("k", TestData.Expression("id % 3 + 0"));
        new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "k" });
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c", Where = "k = 0" });
        Assert.Equal(3, plan.FragmentCount);
        Assert.Equal(834, plan.RowsToCompute);
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
