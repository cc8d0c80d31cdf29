using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.TestUdfs;

namespace Geneva.Core.Tests;

public class CheckpointFilesTests
{
    private static readonly BackfillRequest s_request = new() { Column = "upper", CheckpointSize = 200, MinCheckpointSize = 200 };

    /// <summary>A table whose backfill failed after <paramref name="checkpoints"/> checkpoints of 200 rows.</summary>
    private static (GenevaTable Table, string JobId) Crashed(TestFolder folder, int checkpoints)
    {
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256)
            .AddColumn("upper", "utf8", TestData.Udf("CountingUpper"));
        var seen = 0;
        var crashing = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new SyncProgress(p =>
            {
                if (p.Event is null && ++seen == checkpoints)
                {
                    throw new IOException("simulated crash");
                }
            }),
        });
        Assert.Throws<IOException>(() => crashing.Start(table, s_request));
        using var store = CheckpointStore.Open(table.Path);
        return (table, Assert.Single(store.ListJobs()).JobId);
    }

    [Fact]
    public void Resume_CheckpointDamagedButSameSize_RecomputesThatRangeOnly()
    {
        using var folder = new TestFolder();
        var (table, jobId) = Crashed(folder, 3);
        CheckpointReceipt damaged;
        using (var store = CheckpointStore.Open(table.Path))
        {
            damaged = store.ForJob(jobId)[1];
        }
        var path = Path.Combine(table.Path, damaged.File);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF; // same size, different content
        File.WriteAllBytes(path, bytes);
        Assert.False(CheckpointFiles.Verify(table.Path, damaged));

        CountingUpper.Calls = 0;
        var resumed = new BackfillCoordinator().Resume(table.Path, jobId);

        Assert.Equal(JobStatus.Done, resumed.Status);
        Assert.Equal(2500 - 600 + 200, CountingUpper.Calls);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)TestData.TextFor(i).ToUpperInvariant()),
            TestData.Column(GenevaTable.Open(table.Path), "upper"));
    }

    [Fact]
    public void Verify_IntactMissingOrResized_OnlyIntactPasses()
    {
        using var folder = new TestFolder();
        var (table, jobId) = Crashed(folder, 2);
        using var store = CheckpointStore.Open(table.Path);
        var receipts = store.ForJob(jobId);
        Assert.All(receipts, r => Assert.True(CheckpointFiles.Verify(table.Path, r)));
        File.Delete(Path.Combine(table.Path, receipts[0].File));
        File.AppendAllText(Path.Combine(table.Path, receipts[1].File), "x");
        Assert.False(CheckpointFiles.Verify(table.Path, receipts[0]));
        Assert.False(CheckpointFiles.Verify(table.Path, receipts[1]));
    }
}
