using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;

namespace Geneva.Core.Tests;

/// <summary>Live job metrics read back from the table's database, and older databases upgraded in place.</summary>
[Collection(WorkerProcessCollection.Name)]
public class JobMetricsTests
{
    [Fact]
    public void GetJob_AfterTwoWorkerRun_ListsEachWorkersCheckpointsAndCurrentSize()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2000, rowsPerFragment: 500, batchRows: 100)
            .AddColumn("c", "int32", TestData.Udf("StringLength"));
        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = new ProcessTaskExecutor(TestData.WorkerLauncher, 2, 1) })
            .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 100, MinCheckpointSize = 100 });

        using var store = CheckpointStore.Open(table.Path);
        var job = store.GetJob(result.JobId)!;
        Assert.Equal(2, job.Workers.Count);
        Assert.Equal(2000, job.Workers.Sum(w => w.Rows));
        Assert.Equal(20, job.Workers.Sum(w => w.Checkpoints));
        Assert.All(job.Workers, w => Assert.Equal(100, w.CurrentCheckpointSize));
        Assert.All(job.Workers, w => Assert.Matches(@":\d+$", w.Worker));
        Assert.Equal(2000, job.RunRowsDone);
        Assert.True(job.RowsPerSecond > 0);
        Assert.Null(job.Eta); // done: nothing left to estimate
    }

    [Fact]
    public void GetJob_ResumedRun_CountsRateAndWorkersOfTheLatestRunOnly()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 1000, rowsPerFragment: 500, batchRows: 100)
            .AddColumn("c", "int32", TestData.Udf("StringLength"));
        using var cancel = new CancellationTokenSource();
        var first = new BackfillCoordinator(new BackfillRunOptions
        {
            Cancel = cancel.Token,
            Progress = new InlineProgress(p =>
            {
                if (p.RowsDone >= 300)
                {
                    cancel.Cancel();
                }
            }),
        }).Start(table, new BackfillRequest { Column = "c", CheckpointSize = 100, MinCheckpointSize = 100 });
        Assert.Equal(JobStatus.Stopped, first.Status);

        var resumed = new BackfillCoordinator().Resume(table.Path, first.JobId);

        using var store = CheckpointStore.Open(table.Path);
        var job = store.GetJob(first.JobId)!;
        Assert.Equal(first.RowsCheckpointed, job.RowsBeforeRun);
        Assert.Equal(resumed.RunRowsDone, job.RunRowsDone);
        Assert.Equal(1000 - first.RowsCheckpointed, job.RunRowsDone);
        Assert.Equal(1000, job.RowsCheckpointed);
        Assert.Equal(resumed.RunRowsDone, job.Workers.Sum(w => w.Rows));
    }

    [Fact]
    public void Eta_RunningJob_IsRowsLeftAtTheCurrentRate()
    {
        var job = new JobRecord
        {
            JobId = "j", Column = "c", UdfName = "u", UdfVersion = "v", Request = new BackfillRequest { Column = "c" },
            Status = JobStatus.Running,
            StartedAt = DateTimeOffset.UtcNow.AddSeconds(-10),
            RowsBeforeRun = 500,
            RowsCheckpointed = 1500, // 1000 rows in ~10 s of this run
            RowsPlanned = 3000,
        };
        Assert.InRange(job.RowsPerSecond, 90, 101);
        Assert.InRange(job.Eta!.Value.TotalSeconds, 14, 17); // 1500 rows left at ~100 rows/s
    }

    [Fact]
    public void Eta_RunningJobInItsFirstSeconds_IsWithheld()
    {
        var job = new JobRecord
        {
            JobId = "j", Column = "c", UdfName = "u", UdfVersion = "v", Request = new BackfillRequest { Column = "c" },
            Status = JobStatus.Running,
            StartedAt = DateTimeOffset.UtcNow.AddSeconds(-1),
            RowsCheckpointed = 43,
            RowsPlanned = 100_000,
        };
        Assert.True(job.RowsPerSecond > 0);
        Assert.Null(job.Eta);
    }

    [Fact]
    public void Open_DatabaseFromBeforeLiveMetrics_AddsTheNewColumnsAndKeepsItsJobs()
    {
        using var folder = new TestFolder();
        var path = folder.Table();
        FirstSchemaDatabase.Create(path, FirstSchemaDatabase.Job("Done", "{}", 42));

        using var store = CheckpointStore.Open(path);
        var job = Assert.Single(store.ListJobs());
        Assert.Equal(42, job.RowsCheckpointed);
        Assert.Null(job.StartedAt);
        Assert.Empty(job.Workers);
        store.StartRun("old", 1, 10, 0, 1, "v");
        Assert.NotNull(store.GetJob("old")!.StartedAt);
        Assert.Equal(0, store.GetJob("old")!.RowsBeforeRun); // nothing committed, no checkpoint reused: its counts start again
    }
}
