using System.Diagnostics;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

/// <summary>Workers started while the plan is made (real Geneva.Worker processes): used by the run, or ended when none follows.</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class ProcessTaskExecutorPrepareTests
{
    /// <summary>Records the workers <see cref="Prepare"/> started and whether the executor was discarded.</summary>
    private sealed class Recording(ProcessTaskExecutor inner) : ITaskExecutor
    {
        public List<int> Prepared { get; } = [];

        public int Instances => inner.Instances;

        public void Prepare(int expectedTasks)
        {
            inner.Prepare(expectedTasks);
            Prepared.AddRange(inner.WorkerProcessIds);
        }

        public void Discard() => inner.Discard();

        public IEnumerable<TaskEvent> Run(IReadOnlyList<TaskSpec> tasks, CheckpointSizing sizing, CancellationToken cancel) =>
            inner.Run(tasks, sizing, cancel);
    }

    private static (BackfillCoordinator Coordinator, List<Recording> Made) WithFactory(int workers = 2, WorkerPool? pool = null)
    {
        var made = new List<Recording>();
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            ExecutorFactory = (_, _) =>
            {
                var executor = new Recording(new ProcessTaskExecutor(TestData.WorkerLauncher, workers, 1, pool: pool));
                made.Add(executor);
                return executor;
            },
        });
        return (coordinator, made);
    }

    private static void AssertExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(10)), $"worker {pid} should have been stopped");
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    [Fact]
    public void Start_WithAnExecutorFactory_RunsOnTheWorkerStartedWhilePlanning()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, rowsPerFragment: 100).AddColumn("c", "int32", TestData.Udf("StringLength"));
        var (coordinator, made) = WithFactory(workers: 1);

        var result = coordinator.Start(table, new BackfillRequest { Column = "c" });

        Assert.Equal(JobStatus.Done, result.Status);
        var executor = Assert.Single(made);
        var pid = Assert.Single(executor.Prepared);
        using var store = CheckpointStore.Open(table.Path);
        Assert.Equal($"{Environment.MachineName}:{pid}", store.ForJob(result.JobId).Select(r => r.Worker).Distinct().Single());
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (object?)System.Globalization.StringInfo.ParseCombiningCharacters(TestData.TextFor(i)).Length),
            TestData.Column(GenevaTable.Open(table.Path), "c"));
    }

    [Fact]
    public void Start_SmallTable_StartsOneWorkerForItsOneTaskNotTheConcurrency()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 50).AddColumn("c", "int32", TestData.Udf("StringLength"));
        var (coordinator, made) = WithFactory(workers: 2);

        var result = coordinator.Start(table, new BackfillRequest { Column = "c" });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Single(Assert.Single(made).Prepared);
    }

    [Fact]
    public void Start_ColumnAlreadyComplete_WorkersStartedWhilePlanningAreStopped()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, rowsPerFragment: 100).AddColumn("c", "int32", TestData.Udf("StringLength"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c" });
        var (coordinator, made) = WithFactory();

        var result = coordinator.Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "c" });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(0, result.Checkpoints);
        var prepared = Assert.Single(made).Prepared;
        Assert.NotEmpty(prepared);
        prepared.ForEach(AssertExited);
    }

    [Fact]
    public void Start_PlanFails_WorkersStartedWhilePlanningAreStopped()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, rowsPerFragment: 100).AddColumn("c", "int32", TestData.Udf("StringLength"));
        var (coordinator, made) = WithFactory();

        Assert.Throws<GenevaException>(() => coordinator.Start(table, new BackfillRequest { Column = "c", Where = "no_such_column > 1" }));

        var prepared = Assert.Single(made).Prepared;
        Assert.NotEmpty(prepared);
        prepared.ForEach(AssertExited);
    }

    [Fact]
    public void Start_UnboundColumn_StartsNoWorker()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 30);
        var (coordinator, made) = WithFactory();

        Assert.Throws<GenevaException>(() => coordinator.Start(table, new BackfillRequest { Column = "text" }));

        Assert.Empty(made);
    }

    [Fact]
    public void Discard_PreparedWorkerRentedFromThePool_GoesBackToThePoolAlive()
    {
        using var folder = new TestFolder();
        using var pool = new WorkerPool(TimeSpan.FromMinutes(1));
        var table = TestData.Create(folder.Table(), 30).AddColumn("c", "int32", TestData.Udf("StringLength"));
        new BackfillCoordinator(new BackfillRunOptions { Executor = new ProcessTaskExecutor(TestData.WorkerLauncher, 1, 1, pool: pool) })
            .Start(table, new BackfillRequest { Column = "c" });
        Assert.Equal(1, pool.IdleCount);

        var executor = new ProcessTaskExecutor(TestData.WorkerLauncher, 1, 1, pool: pool);
        executor.Prepare(1);
        var pid = Assert.Single(executor.WorkerProcessIds);
        Assert.Equal(0, pool.IdleCount);
        executor.Discard();

        Assert.Equal(1, pool.IdleCount);
        using var process = Process.GetProcessById(pid);
        Assert.False(process.HasExited);
    }
}
