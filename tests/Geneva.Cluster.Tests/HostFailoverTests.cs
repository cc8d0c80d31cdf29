using System.Diagnostics;
using System.Text.Json;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Tests;
using Xunit.Abstractions;

namespace Geneva.Cluster.Tests;

/// <summary>Real node processes that die, hang, or leave, under the session's executor on the dispatch mode.</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class HostFailoverTests(ITestOutputHelper output)
{
    public static TheoryData<string> Faults => OperatingSystem.IsLinux() ? ["KILL", "STOP"] : ["KILL"];

    /// <summary>The seed holds the membership table (development clustering), so the node that fails is another.</summary>
    [Theory]
    [MemberData(nameof(Faults))]
    public void Dispatch_NodeKilledOrStoppedMidJob_ResentElsewhereAndEveryRowRecordedOnce(string fault)
    {
        using var folder = new TestFolder();
        Environment.SetEnvironmentVariable("GENEVA_TEST_SLEEP_MS", "2");
        using var hosts = new HostProcesses();
        var (_, seed) = hosts.Node("n1", 1);
        var address = seed.GetProperty("address").GetString()!;
        var (victim, _) = hosts.Node("n2", 1, address);
        hosts.Node("n3", 1, address);
        var table = TestData.Create(folder.Table(), 1500, rowsPerFragment: 500, batchRows: 128)
            .AddColumn("c", "int64", TestData.Udf("SleepyDouble"));
        var executor = new ProcessTaskExecutor(new DispatchLauncher(address, slots: 3), workers: 1, instancesPerWorker: 3);
        var clock = Stopwatch.StartNew();
        TimeSpan? failedAt = null, lostAt = null;
        var workers = new List<int>();
        var notices = new List<string>();
        var options = new BackfillRunOptions
        {
            Executor = executor,
            Log = n =>
            {
                notices.Add(n);
                if (failedAt is not null && lostAt is null && n.Contains("Node n2") && n.Contains("left the cluster"))
                {
                    lostAt = clock.Elapsed;
                }
            },
            Progress = new SyncProgress(p =>
            {
                if (p.Event is null && p.RowsDone >= 200 && failedAt is null)
                {
                    failedAt = clock.Elapsed;
                    if (fault == "KILL")
                    {
                        workers.AddRange(OperatingSystem.IsLinux() ? Signals.Children(victim.Id) : []);
                        victim.Kill();
                    }
                    else
                    {
                        Signals.SendToTree(victim.Id, Signals.Stop);
                    }
                }
            }),
        };

        // Tasks of 250 rows with a receipt every 25: the node fails mid-task, not between a task's last receipt and its done.
        var result = new BackfillCoordinator(options).Start(table,
            new BackfillRequest { Column = "c", CheckpointSize = 250, MinCheckpointSize = 25, MaxCheckpointSize = 25 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.NotNull(lostAt);
        output.WriteLine($"SIG{fault} of a node to the dispatcher's notice of its loss: {(lostAt - failedAt)!.Value.TotalSeconds:N2} s");
        output.WriteLine(string.Join(Environment.NewLine, notices));
        Assert.Contains(notices, n => n.StartsWith("Re-sending", StringComparison.Ordinal) && n.Contains("node n2 was lost"));
        ClusterBackfillTests.AssertEachRowRecordedOnce(table, result.JobId, rows: 1500, rowsPerFragment: 500);
        Assert.Equal(Enumerable.Range(0, 1500).Select(i => (object?)(i * 2L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
        // A killed node's worker processes go with it (their stdin ends).
        Assert.True(fault != "KILL" || !OperatingSystem.IsLinux() || workers.Count > 0);
        foreach (var pid in workers)
        {
            Assert.True(Exits(pid, TimeSpan.FromSeconds(15)), $"worker process {pid} of the killed node still runs");
        }
    }

    private static bool Exits(int pid, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                if (process.HasExited)
                {
                    return true;
                }
            }
            catch (ArgumentException)
            {
                return true;
            }
            Thread.Sleep(100);
        }
        return false;
    }

    [Fact]
    public void Node_SigtermStdinEndAndStop_EachLeavesCleanlyWithExitZero()
    {
        using var hosts = new HostProcesses();
        var (seedProcess, seed) = hosts.Node("n1", 1);
        var address = seed.GetProperty("address").GetString()!;
        var (byTerm, _) = hosts.Node("n2", 1, address);
        var (byStdin, _) = hosts.Node("n3", 1, address);
        var (byStop, _) = hosts.Node("n4", 1, address);

        if (!OperatingSystem.IsWindows())
        {
            Signals.Send(byTerm.Id, Signals.Term);
            Assert.True(byTerm.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, byTerm.ExitCode);
        }
        byStdin.StandardInput.Close();
        Assert.True(byStdin.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, byStdin.ExitCode);

        var (code, lines, errors) = HostProcesses.Run("status", "--seed", address);
        Assert.True(code == 0, errors);
        var statuses = lines.Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("status").GetString());
        Assert.Equal("Active", statuses["n1"]);
        Assert.Equal("Dead", statuses["n3"]);

        (code, lines, errors) = HostProcesses.Run("stop", "--seed", address);

        Assert.True(code == 0, errors);
        Assert.Equal(["n1", "n4"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("name").GetString()).Order());
        Assert.Equal("n1", JsonDocument.Parse(lines[^1]).RootElement.GetProperty("name").GetString());
        foreach (var process in new[] { byStop, seedProcess })
        {
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, process.ExitCode);
        }
    }

    [Fact]
    public void Node_DispatcherKilledMidTask_AbandonsItsTasks()
    {
        using var folder = new TestFolder();
        Environment.SetEnvironmentVariable("GENEVA_TEST_SLEEP_MS", "20");
        using var hosts = new HostProcesses();
        var (_, seed) = hosts.Node("n1", 1);
        var address = seed.GetProperty("address").GetString()!;
        var table = TestData.Create(folder.Table(), 1000, rowsPerFragment: 1000, batchRows: 128)
            .AddColumn("c", "int64", TestData.Udf("SleepyDouble"));
        var spec = new TaskSpec("job", table.Path, table.Version, "c", table.Manifest.Bindings["c"], null,
            table.Manifest.Fragments[0].Id, FragmentMode.All, "f0", 0, 1000);
        using var dispatch = Process.Start(new DispatchLauncher(address, slots: 1).StartInfo(1))!;
        dispatch.BeginErrorReadLine();
        Assert.Equal(WorkerMessage.Hello, Read(dispatch).Type);
        dispatch.StandardInput.WriteLine(new WorkerMessage
        {
            Type = WorkerMessage.Task, TaskNumber = 1, Spec = spec, Sizing = new CheckpointSizing(20, 20, 1),
        }.ToLine());
        dispatch.StandardInput.Flush();
        while (Read(dispatch).Type != WorkerMessage.Receipt)
        {
        }
        Assert.Equal(1, RunningTasks(address));

        dispatch.Kill();

        var until = DateTime.UtcNow.AddSeconds(20);
        while (RunningTasks(address) > 0 && DateTime.UtcNow < until)
        {
            Thread.Sleep(200);
        }
        Assert.Equal(0, RunningTasks(address));
    }

    private static WorkerMessage Read(Process process) =>
        WorkerMessage.TryParse(process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()
                               ?? throw new InvalidOperationException("The dispatcher ended."))!;

    private static int RunningTasks(string address)
    {
        var (code, lines, errors) = HostProcesses.Run("status", "--seed", address);
        Assert.True(code == 0, errors);
        return lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(n => n.GetProperty("status").GetString() == "Active").Sum(n => n.GetProperty("runningTasks").GetInt32());
    }
}
