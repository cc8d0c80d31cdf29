using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Geneva.Core.Tests;

public class CheckpointStoreTests
{
    private static GenevaTable WithColumn(TestFolder folder) =>
        TestData.Create(folder.Table(), 300, rowsPerFragment: 100).AddColumn("len", "int32", TestData.Udf("StringLength"));

    /// <summary>Every file under the table with its size and write time.</summary>
    private static Dictionary<string, (long, DateTime)> Snapshot(string tablePath) =>
        Directory.EnumerateFiles(tablePath, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(tablePath, f), f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));

    [Fact]
    public void OpenReadOnly_NoDatabase_CreatesNothingAndListsNoJobs()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        var before = Snapshot(table.Path);

        using (var store = CheckpointStore.OpenReadOnly(table.Path))
        {
            Assert.Empty(store.ListJobs());
            Assert.Null(store.GetJob("x"));
            Assert.Empty(store.ListErrors(null));
        }

        Assert.False(Directory.Exists(Path.Combine(table.Path, CheckpointStore.Folder)));
        Assert.Equal(before, Snapshot(table.Path));
    }

    [Fact]
    public void OpenReadOnly_DatabaseOfAFinishedJob_ReadsItWithoutCreatingOrChangingAFile()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        var before = Snapshot(table.Path);
        Assert.DoesNotContain(before.Keys, k => k.EndsWith("-wal", StringComparison.Ordinal) || k.EndsWith("-shm", StringComparison.Ordinal));

        using (var store = CheckpointStore.OpenReadOnly(table.Path))
        {
            var job = Assert.Single(store.ListJobs());
            Assert.Equal(result.JobId, job.JobId);
            Assert.Equal(JobStatus.Done, job.Status);
            Assert.Equal(300, job.RowsCheckpointed);
            Assert.NotEmpty(job.Workers);
        }

        Assert.Equal(before, Snapshot(table.Path));
    }

    [Fact]
    public void OpenReadOnly_WhileAWriterHasItOpen_SeesItsCommits()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        using var writer = CheckpointStore.Open(table.Path);
        writer.CreateJob(new JobRecord
        {
            JobId = "j", Column = "len", UdfName = "u", UdfVersion = "v", Request = new BackfillRequest { Column = "c" },
            Status = JobStatus.Pending, CreatedAt = DateTimeOffset.UtcNow,
        });
        writer.FinishJob("j", JobStatus.Stopped, "stopped");

        using var reader = CheckpointStore.OpenReadOnly(table.Path);
        Assert.Equal(JobStatus.Stopped, reader.GetJob("j")!.Status);
    }

    [Fact]
    public void OpenReadOnly_DatabaseOfAnOlderSchema_ReadsItWithoutMigrating()
    {
        using var folder = new TestFolder();
        var path = TestData.Create(folder.Table(), 10).Path;
        Directory.CreateDirectory(Path.Combine(path, CheckpointStore.Folder));
        using (var old = new SqliteConnection($"Data Source={CheckpointStore.PathFor(path)};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
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
                CREATE TABLE row_errors(id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, fragment_id INTEGER NOT NULL,
                    row_offset INTEGER NOT NULL, attempt INTEGER NOT NULL, error_type TEXT NOT NULL,
                    message TEXT NOT NULL, action TEXT NOT NULL, created_at TEXT NOT NULL);
                INSERT INTO jobs(job_id, column_name, udf_name, udf_version, status, request_json, table_version, created_at, rows_checkpointed)
                VALUES('old', 'c', 'u', 'v', 'Running', '{"Column":"c"}', 1, '2026-01-01T00:00:00.0000000+00:00', 42);
                """;
            create.ExecuteNonQuery();
        }
        var before = Snapshot(path);

        using (var store = CheckpointStore.OpenReadOnly(path))
        {
            var job = Assert.Single(store.ListJobs());
            Assert.Equal(42, job.RowsCheckpointed);
            Assert.Equal(JobStatus.Interrupted, job.Status);
            Assert.Null(job.StartedAt);
        }

        Assert.Equal(before, Snapshot(path));
    }
}
