using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

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
        FirstSchemaDatabase.Create(path, FirstSchemaDatabase.Job("Running", """{"Column":"c"}""", 42));
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

    [Fact]
    public void OpenReadOnly_DatabaseJustCreatedByAWriter_ListsNoJobs()
    {
        using var folder = new TestFolder();
        var path = TestData.Create(folder.Table(), 10).Path;
        Directory.CreateDirectory(Path.Combine(path, CheckpointStore.Folder));
        File.WriteAllBytes(CheckpointStore.PathFor(path), []); // opened by a writer that has not written its schema yet

        using var store = CheckpointStore.OpenReadOnly(path);
        Assert.Empty(store.ListJobs());
        Assert.Empty(store.ListErrors(null));
    }
}
