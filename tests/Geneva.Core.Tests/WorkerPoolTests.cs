using System.Diagnostics;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

/// <summary>Idle workers kept between backfills (real Geneva.Worker processes).</summary>
[Collection(WorkerProcessCollection.Name)]
public class WorkerPoolTests
{
    private static (BackfillResult Result, string Worker) Backfill(TestFolder folder, string name, WorkerPool pool)
    {
        var table = TestData.Create(folder.Table(name), 300, rowsPerFragment: 100).AddColumn("c", "int32", TestData.Udf("StringLength"));
        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = new ProcessTaskExecutor(TestData.WorkerLauncher, 1, 1, pool: pool) })
            .Start(table, new BackfillRequest { Column = "c" });
        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (object?)System.Globalization.StringInfo.ParseCombiningCharacters(TestData.TextFor(i)).Length),
            TestData.Column(GenevaTable.Open(table.Path), "c"));
        using var store = CheckpointStore.Open(table.Path);
        return (result, store.ForJob(result.JobId).Select(r => r.Worker!).Distinct().Single());
    }

    [Fact]
    public void Start_SecondBackfillWithAPool_RunsOnTheSameWarmWorkerProcess()
    {
        using var folder = new TestFolder();
        using var pool = new WorkerPool(TimeSpan.FromMinutes(1));
        var (_, first) = Backfill(folder, "a", pool);
        Assert.Equal(1, pool.IdleCount);
        var (_, second) = Backfill(folder, "b", pool);
        Assert.Equal(first, second);
        Assert.Equal(1, pool.IdleCount);
    }

    [Fact]
    public void Start_EnvironmentChangedBetweenBackfills_StartsAFreshWorker()
    {
        using var folder = new TestFolder();
        using var pool = new WorkerPool(TimeSpan.FromMinutes(1));
        var (_, first) = Backfill(folder, "a", pool);
        Environment.SetEnvironmentVariable("GENEVA_TEST_POOL_MARKER", Guid.NewGuid().ToString());
        try
        {
            var (_, second) = Backfill(folder, "b", pool);
            Assert.NotEqual(first, second);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GENEVA_TEST_POOL_MARKER", null);
        }
    }

    [Fact]
    public void Pool_WorkerIdleLongerThanTheTimeout_IsShutDown()
    {
        using var folder = new TestFolder();
        using var pool = new WorkerPool(TimeSpan.FromMilliseconds(200));
        var (_, worker) = Backfill(folder, "a", pool);
        var pid = int.Parse(worker.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var process = Process.GetProcessById(pid);
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(10)), "the idle worker should have been shut down");
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        Assert.Equal(0, pool.IdleCount);
    }

    [Fact]
    public void Start_PooledWorkerDiesBetweenRentAndAttach_JobStartsAFreshWorkerAndCompletes()
    {
        using var folder = new TestFolder();
        using var pool = new WorkerPool(TimeSpan.FromMinutes(1));
        var (_, first) = Backfill(folder, "a", pool);
        Assert.Equal(1, pool.IdleCount);

        var table = TestData.Create(folder.Table("b"), 300, rowsPerFragment: 100).AddColumn("c", "int32", TestData.Udf("StringLength"));
        var executor = new ProcessTaskExecutor(TestData.WorkerLauncher, 1, 1, pool: pool)
        {
            AfterRent = worker =>
            {
                using (var process = Process.GetProcessById(worker.ProcessId))
                {
                    process.Kill();
                }
                // Its exit is seen while it belongs to no job: that is the race.
                Assert.True(SpinWait.SpinUntil(() => worker.Exited, TimeSpan.FromSeconds(30)));
            },
        };
        // Without the fix the job waits forever for the dead worker; the token turns that into a failure.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor, Cancel = guard.Token })
            .Start(table, new BackfillRequest { Column = "c" });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(300, TestData.Column(GenevaTable.Open(table.Path), "c").Count(v => v is not null));
        using var store = CheckpointStore.Open(table.Path);
        Assert.NotEqual(first, store.ForJob(result.JobId).Select(r => r.Worker!).Distinct().Single());
    }

    [Fact]
    public void Start_UdfAssemblyRebuiltInPlaceAndRebound_PooledWorkerRunsTheNewCode()
    {
        using var folder = new TestFolder();
        using var pool = new WorkerPool(TimeSpan.FromMinutes(1));
        var dll = Path.Combine(folder.Path, "udfs", "Geneva.TestUdfs.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        TestData.WriteUdfVariant(dll, 'A');
        var table = TestData.Create(folder.Table(), 200, rowsPerFragment: 100).AddColumn("c", "utf8", DotNetUdfLoader.Describe(dll, "VariantTag"));
        var first = Run();
        Assert.All(TestData.Column(GenevaTable.Open(table.Path), "c"), v => Assert.Equal("variant-A", v));

        TestData.WriteUdfVariant(dll, 'B');
        var rebuilt = DotNetUdfLoader.Describe(dll, "VariantTag");
        GenevaTable.Open(table.Path).SetBinding("c", rebuilt);
        var second = Run();

        Assert.Equal(first.Worker, second.Worker);
        Assert.All(TestData.Column(GenevaTable.Open(table.Path), "c"), v => Assert.Equal("variant-B", v));

        (BackfillResult Result, string Worker) Run()
        {
            var result = new BackfillCoordinator(new BackfillRunOptions { Executor = new ProcessTaskExecutor(TestData.WorkerLauncher, 1, 1, pool: pool) })
                .Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });
            Assert.Equal(JobStatus.Done, result.Status);
            using var store = CheckpointStore.Open(table.Path);
            return (result, store.ForJob(result.JobId).Select(r => r.Worker!).Distinct().Single());
        }
    }
}
