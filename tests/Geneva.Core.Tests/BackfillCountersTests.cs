using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

/// <summary>
/// The plan, the result and the job record count the same rows (rows the UDF computes: live rows that pass
/// the filter and need computing), whatever the filter, deleted rows or resumes do.
/// </summary>
public class BackfillCountersTests
{
    private static GenevaTable Table(TestFolder folder) =>
        TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));

    /// <summary>The result's counters and the stored job's must be the same numbers.</summary>
    private static JobRecord AssertJobAgrees(string tablePath, BackfillResult result)
    {
        using var store = CheckpointStore.OpenReadOnly(tablePath);
        var job = store.GetJob(result.JobId)!;
        Assert.Equal(
            (result.RowsPlanned, result.RowsCheckpointed, result.RowsCommitted, result.UdfValuesComputed, result.RowsBeforeRun),
            (job.RowsPlanned, job.RowsCheckpointed, job.RowsCommitted, job.UdfValuesComputed, job.RowsBeforeRun));
        Assert.Equal((result.Checkpoints, result.FragmentsCommitted, result.ErrorCount, result.CommitRetries),
            (job.Checkpoints, job.FragmentsCommitted, job.ErrorCount, job.CommitRetries));
        return job;
    }

    [Fact]
    public void Start_Where_CountsTheRowsThePlanSaidNotTheRowsOfItsRanges()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var request = new BackfillRequest { Column = "c", Where = "id % 7 = 0" };
        var plan = BackfillCoordinator.Plan(table, request);
        Assert.Equal(358, plan.RowsToCompute);
        Assert.True(plan.RowsToProcess > plan.RowsToCompute, "the tasks' ranges also hold rows they only copy");
        var progress = new List<BackfillProgress>();

        var result = new BackfillCoordinator(new BackfillRunOptions { Progress = new InlineProgress(progress.Add) }).Start(table, request);

        Assert.Equal((358L, 358L, 358L, 358L, 0L),
            (result.RowsPlanned, result.RowsCheckpointed, result.RowsCommitted, result.UdfValuesComputed, result.RowsBeforeRun));
        var job = AssertJobAgrees(table.Path, result);
        Assert.Equal((3, 3), (job.FragmentsPlanned, job.FragmentsCommitted));
        Assert.All(progress, p => Assert.Equal(358, p.RowsTotal));
        Assert.Equal(358, progress[^1].RowsDone);
    }

    [Fact]
    public void Start_DeletedRows_CountsLiveRowsInEveryCounter()
    {
        using var folder = new TestFolder();
        var table = DeletedRowsTests.Delete(TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256), 1, 0, 5, 999)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));
        Assert.Equal(2497, BackfillCoordinator.Plan(table, new BackfillRequest { Column = "c" }).RowsToCompute);

        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c" });

        Assert.Equal((2497L, 2497L, 2497L, 2497L),
            (result.RowsPlanned, result.RowsCheckpointed, result.RowsCommitted, result.UdfValuesComputed));
        var job = AssertJobAgrees(table.Path, result);
        Assert.Equal(2497, job.Workers.Sum(w => w.Rows));
    }

    [Fact]
    public void Resume_StoppedFilteredJob_ContinuesTheCountersWhereTheyStopped()
    {
        using var folder = new TestFolder();
        var table = DeletedRowsTests.Delete(TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256), 1, 2, 5, 8)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));
        var request = new BackfillRequest
        {
            Column = "c", Where = "id % 3 = 0", CheckpointSize = 100, MinCheckpointSize = 100, CommitGranularity = 1,
        };
        var planned = BackfillCoordinator.Plan(table, request).RowsToCompute;
        Assert.Equal(834 - 3, planned); // ids 1002, 1005 and 1008 are deleted
        using var cancel = new CancellationTokenSource();
        var stopped = new BackfillCoordinator(new BackfillRunOptions
        {
            Cancel = cancel.Token,
            Progress = new InlineProgress(p =>
            {
                if (p.RowsDone >= 450)
                {
                    cancel.Cancel(); // fragment 0 (334 rows) is committed, fragment 1 is partly checkpointed
                }
            }),
        }).Start(table, request);
        Assert.Equal(JobStatus.Stopped, stopped.Status);
        Assert.Equal(planned, stopped.RowsPlanned);
        Assert.InRange(stopped.RowsCheckpointed, 450, planned - 1);
        Assert.Equal(334, stopped.RowsCommitted);
        AssertJobAgrees(table.Path, stopped);
        var progress = new List<BackfillProgress>();

        var resumed = new BackfillCoordinator(new BackfillRunOptions { Progress = new InlineProgress(progress.Add) })
            .Resume(table.Path, stopped.JobId);

        Assert.Equal(JobStatus.Done, resumed.Status);
        Assert.Equal((planned, stopped.RowsCheckpointed), (progress[0].RowsTotal, progress[0].RowsDone));
        Assert.Equal((planned, planned, planned), (resumed.RowsPlanned, resumed.RowsCheckpointed, resumed.RowsCommitted));
        Assert.Equal(stopped.RowsCheckpointed, resumed.RowsBeforeRun);
        Assert.Equal(planned, resumed.UdfValuesComputed); // no row computed twice over the two runs
        Assert.True(resumed.Checkpoints > stopped.Checkpoints);
        Assert.Equal(3, resumed.FragmentsCommitted);
        var job = AssertJobAgrees(table.Path, resumed);
        Assert.Equal((3, planned - stopped.RowsCheckpointed), (job.FragmentsPlanned, job.RunRowsDone));
    }

    [Fact]
    public void Start_ReusingCheckpointsOfAFailedJob_CountsThemCheckpointedButNotComputed()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var request = new BackfillRequest { Column = "c", Where = "id % 2 = 0", CheckpointSize = 100, MinCheckpointSize = 100 };
        var checkpoints = 0;
        var crashing = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new InlineProgress(p =>
            {
                if (p.Event is null && ++checkpoints == 3)
                {
                    throw new IOException("crash");
                }
            }),
        });
        Assert.Throws<IOException>(() => crashing.Start(table, request));
        var plan = BackfillCoordinator.Plan(table, request);
        Assert.Equal(1250, plan.RowsToCompute);
        Assert.Equal(150, plan.CheckpointedRows); // three checkpoints of 100-row ranges, each with 50 rows computed

        var result = new BackfillCoordinator().Start(table, request);

        Assert.Equal((1250L, 1250L, 150L, 1250L - 150), (result.RowsPlanned, result.RowsCheckpointed, result.RowsBeforeRun, result.UdfValuesComputed));
        AssertJobAgrees(table.Path, result);
    }
}
