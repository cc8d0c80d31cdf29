using Geneva.Cluster.Dispatch;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Tests;

namespace Geneva.Cluster.Tests;

/// <summary>The real coordinator driving an in-process cluster (dispatcher silo + worker silos with real worker processes).</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class ClusterBackfillTests
{
    private static GenevaTable SleepyTable(TestFolder folder, string name) =>
        TestData.Create(folder.Table(name), 1500, rowsPerFragment: 500, batchRows: 128).AddColumn("c", "int64", TestData.Udf("SleepyDouble"));

    [Fact]
    public async Task Start_NodeSiloKilledMidJob_EveryRowCheckpointedOnceAndTableEqualsOneProcessRun()
    {
        using var folder = new TestFolder();
        Environment.SetEnvironmentVariable("GENEVA_TEST_SLEEP_MS", "2");
        await using var clusters = await TestClusters.Start(nodes: 3, slotsPerNode: 1, folder.Table("udf-cache"));
        var table = SleepyTable(folder, "cluster");
        var executor = new ClusterTaskExecutor(clusters.Dispatcher, slots: 3, instancesPerSlot: 1, TimeSpan.FromSeconds(60));
        var notices = new List<string>();
        Task? kill = null;
        var options = new BackfillRunOptions
        {
            Executor = executor,
            Log = notices.Add,
            Progress = new SyncProgress(p =>
            {
                if (p.Event is null && p.RowsDone >= 200 && kill is null &&
                    clusters.Nodes.FirstOrDefault(n => TestClusters.Runtime(n).RunningTasks > 0) is { } busy)
                {
                    kill = clusters.Cluster.KillSiloAsync(busy);
                }
            }),
        };

        var result = new BackfillCoordinator(options).Start(table, new BackfillRequest { Column = "c", CheckpointSize = 50, MinCheckpointSize = 50 });
        await kill!.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Contains(notices, n => n.Contains("left the cluster") && n.Contains("task(s) in flight"));
        Assert.Contains(notices, n => n.StartsWith("Re-sending", StringComparison.Ordinal));
        AssertEachRowRecordedOnce(table, result.JobId, rows: 1500, rowsPerFragment: 500);
        var alone = SleepyTable(folder, "alone");
        new BackfillCoordinator(new BackfillRunOptions { Executor = new ProcessTaskExecutor(TestData.WorkerLauncher, 1, 1) })
            .Start(alone, new BackfillRequest { Column = "c", CheckpointSize = 500 });
        Assert.Equal(TestData.Column(GenevaTable.Open(alone.Path), "c"), TestData.Column(GenevaTable.Open(table.Path), "c"));
    }

    /// <summary>The receipts the coordinator recorded cover every row of every fragment exactly once.</summary>
    internal static void AssertEachRowRecordedOnce(GenevaTable table, string jobId, int rows, int rowsPerFragment)
    {
        using var store = CheckpointStore.Open(table.Path);
        var receipts = store.ForJob(jobId);
        Assert.Equal(rows, receipts.Sum(r => r.RowCount));
        foreach (var fragment in receipts.GroupBy(r => r.FragmentId))
        {
            var next = 0;
            foreach (var receipt in fragment.OrderBy(r => r.RowStart))
            {
                Assert.Equal(next, receipt.RowStart);
                next = receipt.RowStart + receipt.RowCount;
            }
            Assert.Equal(rowsPerFragment, next);
        }
    }
}
