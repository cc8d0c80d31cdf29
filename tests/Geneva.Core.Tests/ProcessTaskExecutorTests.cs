using System.Diagnostics;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

/// <summary>The executor contract and worker-process faults, through real Geneva.Worker processes.</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class ProcessTaskExecutorTests : TaskExecutorContractTests
{
    protected override ITaskExecutor CreateExecutor() => new ProcessTaskExecutor(TestData.WorkerLauncher, workers: 2, instancesPerWorker: 1);

    private static GenevaTable WithColumn(TestFolder folder, string udf, string type, int rows = 2000, Func<long, string?>? text = null) =>
        TestData.Create(folder.Table(), rows, rowsPerFragment: 500, batchRows: 128, text: text).AddColumn("c", type, TestData.Udf(udf));

    [Fact]
    public void Start_TwoWorkersTwoInstances_ComputesEveryRowOnBothWorkers()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength", "int32");
        var executor = new ProcessTaskExecutor(TestData.WorkerLauncher, workers: 2, instancesPerWorker: 2);
        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor })
            .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 100, MinCheckpointSize = 100 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(2000, result.RowsCheckpointed);
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (object?)System.Globalization.StringInfo.ParseCombiningCharacters(TestData.TextFor(i)).Length), values);
        using var store = CheckpointStore.Open(table.Path);
        Assert.Equal(2, store.ForJob(result.JobId).Select(r => r.Worker).Distinct().Count());
    }

    [Fact]
    public void Start_HelloWithMessage_BecomesAWarningOfTheResult()
    {
        Assert.True(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "this test starts the worker through sh");
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength", "int32", rows: 200);
        var warning = "Concurrency 8 asks for more than the cluster offers (2 slots on 1 nodes); running 2.";
        var executor = new ProcessTaskExecutor(new HelloWarningLauncher(warning), workers: 1, instancesPerWorker: 1);
        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor })
            .Start(table, new BackfillRequest { Column = "c" });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal([warning], result.Warnings);
    }

    /// <summary>A real Geneva.Worker behind a first hello that carries a warning, as a cluster's dispatcher sends.</summary>
    private sealed class HelloWarningLauncher(string warning) : IWorkerLauncher
    {
        public ProcessStartInfo StartInfo(int instances)
        {
            var worker = TestData.WorkerLauncher.StartInfo(instances);
            var hello = new WorkerMessage { Type = WorkerMessage.Hello, Worker = "dispatcher@test", Message = warning }.ToLine();
            var info = new ProcessStartInfo("sh");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("printf '%s\\n' \"$0\"; exec \"$@\"");
            info.ArgumentList.Add(hello);
            info.ArgumentList.Add(worker.FileName);
            foreach (var argument in worker.ArgumentList)
            {
                info.ArgumentList.Add(argument);
            }
            return info;
        }
    }

    [Fact]
    public void Start_WorkerKilledMidJob_TaskResentAndJobCompletes()
    {
        using var folder = new TestFolder();
        Environment.SetEnvironmentVariable("GENEVA_TEST_SLEEP_MS", "1");
        var table = WithColumn(folder, "SleepyDouble", "int64");
        var executor = new ProcessTaskExecutor(TestData.WorkerLauncher, workers: 2, instancesPerWorker: 1);
        var notices = new List<string>();
        var killed = false;
        var options = new BackfillRunOptions
        {
            Executor = executor,
            Log = notices.Add,
            Progress = new InlineProgress(p =>
            {
                if (p.Event is null && p.RowsDone >= 300 && !killed)
                {
                    killed = true;
                    Process.GetProcessById(executor.WorkerProcessIds[0]).Kill();
                }
            }),
        };
        var result = new BackfillCoordinator(options).Start(table,
            new BackfillRequest { Column = "c", CheckpointSize = 50, MinCheckpointSize = 50 });

        Assert.True(killed);
        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Contains(notices, n => n.Contains("exited"));
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (object?)(i * 2L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
        // Each row was recorded once: the killed worker's in-flight checkpoint was never recorded, only redone.
        Assert.InRange(result.RowsCheckpointed, 2000, 2000);
    }

    [Fact]
    public void Start_WorkerDiesOnPoisonRowEveryTime_FailsAfterThreeAttempts()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "ExitOnPoison", "int32", rows: 600, text: i => i == 550 ? "poison" : "ok");
        var executor = new ProcessTaskExecutor(TestData.WorkerLauncher, workers: 1, instancesPerWorker: 1);
        var e = Assert.Throws<GenevaException>(() => new BackfillCoordinator(new BackfillRunOptions { Executor = executor })
            .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 25, MinCheckpointSize = 25 }));
        Assert.Contains("died 3 times", e.Message);
        Assert.Contains("rows 50..", e.Message);
        using var store = CheckpointStore.Open(table.Path);
        var job = store.ListJobs().Single();
        Assert.Equal(JobStatus.Failed, job.Status);
        // Fragment 0 finished and was committed before the poison row's fragment failed.
        Assert.Equal(1, job.FragmentsCommitted);
    }

    [Fact]
    public void Start_WorkerHangsOnARow_KilledAfterTheCheckpointTimeoutAndJobFailsWithTheCause()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "HangOnPoison", "int32", rows: 600, text: i => i == 560 ? "hang" : "ok");
        var notices = new List<string>();
        // 3 s, not less: under a loaded full suite a healthy worker's first task has taken over 1 s and been killed.
        var executor = new ProcessTaskExecutor(TestData.WorkerLauncher, workers: 2, instancesPerWorker: 1, TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<GenevaException>(() => new BackfillCoordinator(new BackfillRunOptions { Executor = executor, Log = notices.Add })
            .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 25, MinCheckpointSize = 25 }));

        Assert.Contains("killed as hung (no checkpoint for 3 s)", e.Message);
        Assert.Contains("rows 50..", e.Message);
        Assert.Equal(2, notices.Count(n => n.Contains("Re-sending fragment 1 rows 50..")));
        // A bound far above the 3 x 3 s timeouts, only to prove the job does not wait forever (CI machines are slow and shared).
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"took {clock.Elapsed}");
        using var store = CheckpointStore.Open(table.Path);
        var job = store.ListJobs().Single();
        Assert.Equal(JobStatus.Failed, job.Status);
        // Every row but the hung task's was checkpointed; the finished fragment was committed.
        Assert.Equal(575, job.RowsCheckpointed);
        Assert.Equal(1, job.FragmentsCommitted);
    }

    [Fact]
    public void Start_UdfWritesToTheConsole_OutputArrivesAsWorkerNotices()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "ConsoleChatter", "int64", rows: 300);
        var result = Backfill(table, new BackfillRequest { Column = "c", CheckpointSize = 50, MinCheckpointSize = 50 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Contains(Notices, n => n.Contains("output: ") && n.Contains("chatter 205"));
        Assert.Contains(Notices, n => n.Contains("output: ") && n.Contains("complaint 105"));
        Assert.Contains(Notices, n => n.Contains("output: ..."));
    }

    [Fact]
    public void Start_NativeUdfCodeWritesToStandardOutput_ProtocolUnaffected()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "NativeChatter", "int64", rows: 300);
        var result = Backfill(table, new BackfillRequest { Column = "c", CheckpointSize = 50, MinCheckpointSize = 50 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (object?)(i * 2L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
    }
}
