using Geneva.Core.Checkpoints;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Geneva.Core.Tests;

public class StoreErrorsTests
{
    private static JobRecord Job(string id) => new()
    {
        JobId = id, Column = "c", UdfName = "u", UdfVersion = "v", Request = new BackfillRequest { Column = "c" },
        Status = JobStatus.Pending, CreatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public void CreateJob_AnotherProcessHoldsTheWriteLock_ThrowsDatabaseBusy()
    {
        using var folder = new TestFolder();
        var path = TestData.Create(folder.Table(), 10).Path;
        using var store = CheckpointStore.Open(path, busyTimeout: TimeSpan.FromSeconds(1));
        using var other = new SqliteConnection($"Data Source={CheckpointStore.PathFor(path)};Pooling=False");
        other.Open();
        using var transaction = other.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: holds the write lock

        var e = Assert.Throws<GenevaException>(() => store.CreateJob(Job("j")));

        Assert.Equal(GenevaErrorCode.DatabaseBusy, e.Code);
        Assert.Equal(CheckpointStore.PathFor(path), e.Target);
        Assert.IsType<SqliteException>(e.InnerException);
        Assert.Contains("locked", e.Message);
    }

    [Fact]
    public void Open_FileIsNotADatabase_ThrowsCheckpointCorrupt()
    {
        using var folder = new TestFolder();
        var path = TestData.Create(folder.Table(), 10).Path;
        Directory.CreateDirectory(Path.Combine(path, CheckpointStore.Folder));
        File.WriteAllText(CheckpointStore.PathFor(path), new string('x', 4096));

        Assert.Equal(GenevaErrorCode.CheckpointCorrupt, Assert.Throws<GenevaException>(() => CheckpointStore.Open(path)).Code);
        Assert.Equal(GenevaErrorCode.CheckpointCorrupt, Assert.Throws<GenevaException>(() => CheckpointStore.OpenReadOnly(path).ListJobs()).Code);
    }

    [Fact]
    public void Map_WriteToAFullDevice_IsDiskFull()
    {
        // /dev/full fails every write with ENOSPC, as a full disk does.
        Assert.True(File.Exists("/dev/full") || !OperatingSystem.IsLinux());
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var io = Assert.ThrowsAny<IOException>(() =>
        {
            using var stream = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            stream.Write(new byte[4096]);
            stream.Flush();
        });
        var e = StoreErrors.Map(io, "/some/table");
        Assert.Equal(GenevaErrorCode.DiskFull, e.Code);
        Assert.Same(io, e.InnerException);
        Assert.Equal(GenevaErrorCode.DiskFull, StoreErrors.Map(new SqliteException("full", 13), "/db").Code);
        Assert.Equal(GenevaErrorCode.DatabaseBusy, StoreErrors.Map(new SqliteException("locked", 6), "/db").Code);
    }
}
