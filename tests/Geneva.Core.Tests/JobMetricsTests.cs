using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Microsoft.Data.Sqlite;

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
        Assert.Equal(resumed.RowsCheckpointed, job.RunRowsDone);
        Assert.Equal(1000, job.RowsCheckpointed);
        Assert.Equal(resumed.RowsCheckpointed, job.Workers.Sum(w => w.Rows));
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
        Assert.InRange(job.Eta!.Value.TotalSeconds, 19, 23);
    }

    [Fact]
    public void Open_DatabaseFromBeforeLiveMetrics_AddsTheNewColumnsAndKeepsItsJobs()
    {
        using var folder = new TestFolder();
        var path = folder.Table();
        Directory.CreateDirectory(Path.Combine(path, CheckpointStore.Folder));
        using (var old = new SqliteConnection($"Data Source={CheckpointStore.PathFor(path)};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            // The first schema's jobs table, abridged to its required columns, and its checkpoints table without "worker".
            create.CommandText = """
                CREATE TABLE jobs(job_id TEXT PRIMARY KEY, column_name TEXT NOT NULL, udf_name TEXT NOT NULL, udf_version TEXT NOT NULL,
                    where_text TEXT, status TEXT NOT NULL, request_json TEXT NOT NULL, table_version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, ended_at TEXT, error TEXT,
                    rows_planned INTEGER NOT NULL DEFAULT 0, fragments_planned INTEGER NOT NULL DEFAULT 0,
                    rows_checkpointed INTEGER NOT NULL DEFAULT 0, udf_values_computed INTEGER NOT NULL DEFAULT 0,
                    checkpoints INTEGER NOT NULL DEFAULT 0, fragments_committed INTEGER NOT NULL DEFAULT 0,
                    rows_committed INTEGER NOT NULL DEFAULT 0, error_count INTEGER NOT NULL DEFAULT 0,
                    udf_seconds REAL NOT NULL DEFAULT 0, checkpoint_seconds REAL NOT NULL DEFAULT 0,
                    commit_retries INTEGER NOT NULL DEFAULT 0, process_id INTEGER NOT NULL DEFAULT 0, host_name TEXT, heartbeat_at TEXT);
                CREATE TABLE checkpoints(fragment_key TEXT NOT NULL, row_start INTEGER NOT NULL, row_count INTEGER NOT NULL,
                    batch_rows INTEGER NOT NULL, job_id TEXT NOT NULL, fragment_id INTEGER NOT NULL, file TEXT NOT NULL,
                    bytes INTEGER NOT NULL, checksum TEXT NOT NULL, rows_computed INTEGER NOT NULL, udf_seconds REAL NOT NULL,
                    write_seconds REAL NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY(fragment_key, row_start));
                INSERT INTO jobs(job_id, column_name, udf_name, udf_version, status, request_json, table_version, created_at, rows_checkpointed)
                VALUES('old', 'c', 'u', 'v', 'Done', '{}', 1, '2026-01-01T00:00:00.0000000+00:00', 42);
                """;
            create.ExecuteNonQuery();
        }

        using var store = CheckpointStore.Open(path);
        var job = Assert.Single(store.ListJobs());
        Assert.Equal(42, job.RowsCheckpointed);
        Assert.Null(job.StartedAt);
        Assert.Empty(job.Workers);
        store.StartRun("old", 1, 10, 1, "v");
        Assert.NotNull(store.GetJob("old")!.StartedAt);
        Assert.Equal(42, store.GetJob("old")!.RowsBeforeRun);
    }
}
