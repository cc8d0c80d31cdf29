using System.Diagnostics;
using System.Text.Json;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Tests;

namespace Geneva.Cluster.Tests;

/// <summary>
/// The host's modes on a cluster whose membership is in PostgreSQL (a real deployment's setup): nodes install the schema
/// and find each other there, and dispatch and status find the cluster through the connection string in the environment.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class HostPostgresTests : IClassFixture<PostgresMembershipTests.PrivatePostgres>
{
    private readonly PostgresMembershipTests.PrivatePostgres _server;

    public HostPostgresTests(PostgresMembershipTests.PrivatePostgres server) => _server = server;

    [Fact]
    public async Task Dispatch_NodesJoinedThroughPostgres_ComputesEveryRowAndStatusListsThem()
    {
        var cs = await _server.CreateDatabaseAsync();
        using var folder = new TestFolder();
        using var hosts = new HostProcesses();
        // Both nodes start on an empty database: each installs the schema (idempotent) and neither names a seed.
        hosts.Node("p1", 1, null, "--postgres", cs);
        hosts.Node("p2", 1, null, "--postgres", cs);
        var table = TestData.Create(folder.Table(), 1000, rowsPerFragment: 250, batchRows: 128)
            .AddColumn("c", "int64", TestData.Expression("id * 5"));
        var executor = new ProcessTaskExecutor(new EnvironmentDispatchLauncher(cs, slots: 2), workers: 1, instancesPerWorker: 2);

        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor })
            .Start(table, new BackfillRequest { Column = "c", CheckpointSize = 100, MinCheckpointSize = 100 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (object?)(i * 5L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
        using (var store = CheckpointStore.Open(table.Path))
        {
            Assert.Equal(["p1", "p2"], store.ForJob(result.JobId).Select(r => r.Worker!.Split('/')[0]).Distinct().Order());
        }
        var status = HostProcesses.StartInfo("status");
        status.Environment[PostgresVariable] = cs;
        var (code, lines, errors) = Run(status);
        Assert.True(code == 0, errors);
        Assert.Equal(["p1", "p2"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task Status_EmptyDatabase_ExitsTwo()
    {
        var cs = await _server.CreateDatabaseAsync();

        var (code, _, errors) = HostProcesses.Run("status", "--postgres", cs, "--timeout", "5");

        Assert.Equal(2, code);
        Assert.Contains("No cluster answers", errors);
    }

    private const string PostgresVariable = "GENEVA_CLUSTER_POSTGRES";

    private static (int ExitCode, List<string> Lines, string Errors) Run(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Geneva.Cluster.Host status did not end in 60 s.");
        }
        return (process.ExitCode, output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList(), errors.Result);
    }

    /// <summary>The dispatch mode given the cluster's database in the environment, as the module passes it (off the command line).</summary>
    private sealed class EnvironmentDispatchLauncher(string connectionString, int slots) : IWorkerLauncher
    {
        public ProcessStartInfo StartInfo(int instances)
        {
            var info = HostProcesses.StartInfo("dispatch", "--slots", slots.ToString(), "--instances-per-slot", Math.Max(1, instances / slots).ToString());
            info.Environment[PostgresVariable] = connectionString;
            return info;
        }

        public string? PoolKey(int instances) => null;
    }
}
