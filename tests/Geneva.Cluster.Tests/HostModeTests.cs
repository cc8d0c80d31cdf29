using System.Diagnostics;
using System.Text.Json;
using Geneva.Core;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Tests;

namespace Geneva.Cluster.Tests;

/// <summary>The host's modes as the module runs them: real node processes on loopback, the session's executor on the dispatch mode.</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class HostModeTests
{
    [Fact]
    public void Dispatch_ThreeNodesTwoSlots_ComputesEveryRowOnTwoNodesAndStatusCountsTheirTasks()
    {
        using var folder = new TestFolder();
        using var hosts = new HostProcesses();
        var (_, seed) = hosts.Node("n1", 1);
        var address = seed.GetProperty("address").GetString()!;
        hosts.Node("n2", 2, address);
        hosts.Node("n3", 1, address);
        var table = TestData.Create(folder.Table(), 2000, rowsPerFragment: 500, batchRows: 128)
            .AddColumn("c", "int64", TestData.Expression("id * 3"));
        var executor = new ProcessTaskExecutor(new DispatchLauncher(address, slots: 2), workers: 1, instancesPerWorker: 2);
        var notices = new List<string>();

        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor, Log = notices.Add })
            .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 100, MinCheckpointSize = 100 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(2000, result.RowsCheckpointed);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (object?)(i * 3L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
        using var store = CheckpointStore.Open(table.Path);
        var nodes = store.ForJob(result.JobId).Select(r => r.Worker!.Split('/')[0]).Distinct().ToList();
        Assert.Equal(2, nodes.Count);

        var (code, lines, errors) = HostProcesses.Run("status", "--seed", address);

        Assert.True(code == 0, errors);
        var status = lines.Select(l => JsonDocument.Parse(l).RootElement).OrderBy(n => n.GetProperty("name").GetString()).ToList();
        Assert.Equal(["n1", "n2", "n3"], status.Select(n => n.GetProperty("name").GetString()));
        Assert.Equal([1, 2, 1], status.Select(n => n.GetProperty("slots").GetInt32()));
        Assert.All(status, n => Assert.Equal("Active", n.GetProperty("status").GetString()));
        Assert.All(status, n => Assert.Equal(0, n.GetProperty("runningTasks").GetInt32()));
        Assert.Equal(nodes.Order(), status.Where(n => n.GetProperty("completedTasks").GetInt64() > 0).Select(n => n.GetProperty("name").GetString()!).Order());
    }

    [Fact]
    public void Dispatch_MoreSlotsThanTheClusterOffers_HelloAndNoticeSayWhatRuns()
    {
        using var hosts = new HostProcesses();
        var (_, seed) = hosts.Node("n1", 2);
        var address = seed.GetProperty("address").GetString()!;
        using var dispatch = Process.Start(new DispatchLauncher(address, slots: 8).StartInfo(8))!;
        dispatch.BeginErrorReadLine();

        var hello = Read(dispatch);
        var notice = Read(dispatch);
        dispatch.StandardInput.Close();

        Assert.Equal(WorkerMessage.Hello, hello.Type);
        Assert.StartsWith("dispatcher@", hello.Worker);
        Assert.Equal("Concurrency 8 asks for more than the cluster offers (2 slots on 1 nodes); running 2.", hello.Message);
        Assert.Equal((WorkerMessage.Notice, hello.Message), (notice.Type, notice.Message));
        Assert.True(dispatch.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, dispatch.ExitCode);
    }

    private static WorkerMessage Read(Process process) =>
        WorkerMessage.TryParse(process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()
                               ?? throw new InvalidOperationException("The dispatcher ended."))!;

    [Fact]
    public void Status_NoClusterAtAddress_ExitsTwo()
    {
        var (code, _, errors) = HostProcesses.Run("status", "--seed", "127.0.0.1:1", "--timeout", "2");

        Assert.Equal(2, code);
        Assert.Contains("No cluster answers", errors);
    }
}
