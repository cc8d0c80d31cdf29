using Geneva.Cluster.Dispatch;
using Geneva.Cluster.Grains;
using Geneva.Cluster.Placement;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Geneva.Cluster.Tests;

/// <summary>Placement, slot spread and UDF fetching on one shared in-process cluster with real worker processes.</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class SharedClusterTests(SharedCluster cluster) : IClassFixture<SharedCluster>
{
    private readonly SharedCluster _cluster = cluster;

    [Fact]
    public void Start_TwoSlotsOnThreeNodes_UsesTwoNodesAndNamesReceiptsByNode()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2000, rowsPerFragment: 250, batchRows: 128)
            .AddColumn("c", "int32", TestData.Udf("StringLength"));
        var executor = new ClusterTaskExecutor(_cluster.Clusters.Dispatcher, slots: 2, instancesPerSlot: 1, TimeSpan.FromSeconds(60));

        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor })
            .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 100, MinCheckpointSize = 100 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(2, executor.Current!.Slots.Select(s => s.Node).Distinct().Count());
        using var store = CheckpointStore.Open(table.Path);
        var workers = store.ForJob(result.JobId).Select(r => r.Worker!).ToList();
        Assert.All(workers, w => Assert.Matches("^n[123]/.+:[0-9]+$", w));
        Assert.Equal(2, workers.Select(w => w.Split('/')[0]).Distinct().Count());
        ClusterBackfillTests.AssertEachRowRecordedOnce(table, result.JobId, rows: 2000, rowsPerFragment: 250);
    }

    [Fact]
    public async Task NodeGrain_KeyNamingASilo_ActivatesOnThatSilo()
    {
        var grains = _cluster.Clusters.Dispatcher.GetRequiredService<IGrainFactory>();
        foreach (var node in _cluster.Clusters.Nodes)
        {
            var info = await grains.GetGrain<INodeGrain>(SiloKey.Node(node.SiloAddress)).Info().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal($"n{TestClusters.IndexOf(node.Name)}", info.Name);
            Assert.Equal(node.SiloAddress.Endpoint.ToString(), info.Address);
        }
    }

    [Fact]
    public async Task SlotGrain_KeyNamingTheDispatcherSilo_Fails()
    {
        var grains = _cluster.Clusters.Dispatcher.GetRequiredService<IGrainFactory>();
        var dispatcherSilo = _cluster.Clusters.DispatcherSilo.SiloAddress;

        await Assert.ThrowsAnyAsync<Exception>(() =>
            grains.GetGrain<ISlotGrain>(SiloKey.Slot(dispatcherSilo, 0)).Abandon("x", 1).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Start_NodesWithoutTheUdfFile_FetchTheBytesAndRunTheCopy()
    {
        using var folder = new TestFolder();
        // The UDF's assembly under a path of its own, which the nodes are told to treat as absent.
        var udfPath = folder.Table("udf.dll");
        File.Copy(TestData.TestUdfsPath, udfPath);
        var udf = Geneva.Core.Udfs.DotNetUdfLoader.Describe(udfPath, "StringLength");
        var table = TestData.Create(folder.Table(), 600, rowsPerFragment: 300, batchRows: 128).AddColumn("c", "int32", udf);
        var executor = new ClusterTaskExecutor(_cluster.Clusters.Dispatcher, slots: 2, instancesPerSlot: 1, TimeSpan.FromSeconds(60));

        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor })
            .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 100, MinCheckpointSize = 100 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (object?)System.Globalization.StringInfo.ParseCombiningCharacters(TestData.TextFor(i)).Length),
            TestData.Column(GenevaTable.Open(table.Path), "c"));
        var copies = Directory.GetFiles(_cluster.UdfCache, "*udf.dll", SearchOption.AllDirectories);
        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.Equal(File.ReadAllBytes(udfPath), File.ReadAllBytes(c)));
        Assert.All(copies, c => Assert.Contains(udf.SourceHash!, c));
    }

    [Fact]
    public void Start_NodesWithoutTheUdfFolder_FetchTheUdfsPrivateDependencyToo()
    {
        using var folder = new TestFolder();
        // A UDF whose assembly needs another one from its folder (as a user's bin folder would hold it), in a
        // folder of its own that the nodes are told to treat as absent.
        var udfFolder = Directory.CreateDirectory(folder.Table("udf-with-dependency")).FullName;
        var udfPath = Path.Combine(udfFolder, "Geneva.TestUdfs.dll");
        File.Copy(TestData.TestUdfsPath, udfPath);
        var helpers = Path.Combine(Path.GetDirectoryName(TestData.TestUdfsPath)!, "Geneva.TestUdfs.Helpers.dll");
        File.Copy(helpers, Path.Combine(udfFolder, "Geneva.TestUdfs.Helpers.dll"));
        var udf = Geneva.Core.Udfs.DotNetUdfLoader.Describe(udfPath, "VowelCount");
        var table = TestData.Create(folder.Table(), 400, rowsPerFragment: 200, batchRows: 128).AddColumn("v", "int32", udf);
        var executor = new ClusterTaskExecutor(_cluster.Clusters.Dispatcher, slots: 2, instancesPerSlot: 1, TimeSpan.FromSeconds(60));

        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor })
            .Start(table, new BackfillRequest { Column = "v", CheckpointSize = 100, MinCheckpointSize = 100 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (object?)TestData.TextFor(i).Count(c => "aeiouAEIOU".Contains(c))),
            TestData.Column(GenevaTable.Open(table.Path), "v"));
        var copies = Directory.GetFiles(_cluster.UdfCache, "Geneva.TestUdfs.Helpers.dll", SearchOption.AllDirectories);
        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.Equal(File.ReadAllBytes(helpers), File.ReadAllBytes(c)));
    }

    [Fact]
    public void Start_TaskSilentPastCheckpointTimeout_AbandonedAndResentThenFailsAfterThreeAttempts()
    {
        using var folder = new TestFolder();
        Environment.SetEnvironmentVariable("GENEVA_TEST_SLEEP_MS", "5000");
        try
        {
            var table = TestData.Create(folder.Table(), 20, rowsPerFragment: 20, batchRows: 20)
                .AddColumn("c", "int64", TestData.Udf("SleepyDouble"));
            var executor = new ClusterTaskExecutor(_cluster.Clusters.Dispatcher, slots: 1, instancesPerSlot: 1, TimeSpan.FromSeconds(1));
            var notices = new List<string>();

            var e = Assert.Throws<Geneva.Core.GenevaException>(() => new BackfillCoordinator(new BackfillRunOptions { Executor = executor, Log = notices.Add })
                .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 20 }));

            Assert.Contains("3 attempts failed", e.Message);
            Assert.Contains("no checkpoint for 1 s", e.Message);
            Assert.Equal(2, notices.Count(n => n.StartsWith("Re-sending", StringComparison.Ordinal)));
            // Each abandoned dispatch's worker process was killed: no node still runs the task.
            var until = DateTime.UtcNow.AddSeconds(20);
            while (_cluster.Clusters.Nodes.Any(n => TestClusters.Runtime(n).RunningTasks > 0) && DateTime.UtcNow < until)
            {
                Thread.Sleep(50);
            }
            Assert.All(_cluster.Clusters.Nodes, n => Assert.Equal(0, TestClusters.Runtime(n).RunningTasks));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GENEVA_TEST_SLEEP_MS", null);
        }
    }
}
