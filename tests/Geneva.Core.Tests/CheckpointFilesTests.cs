using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

public class CheckpointFilesTests
{
    private static readonly BackfillRequest s_request = new() { Column = "upper", CheckpointSize = 200, MinCheckpointSize = 200 };

    /// <summary>A table whose backfill failed after <paramref name="checkpoints"/> checkpoints of 200 rows.</summary>
    private static (GenevaTable Table, string JobId) Crashed(TestFolder folder, int checkpoints)
    {
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256)
            .AddColumn("upper", "utf8", TestData.Udf("Upper"));
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

        var resumed = new BackfillCoordinator().Resume(table.Path, jobId);

        Assert.Equal(JobStatus.Done, resumed.Status);
        Assert.Equal(2500 - 600 + 200, resumed.RunRowsDone);
        Assert.Equal(2500 + 200, resumed.UdfValuesComputed); // the damaged range was computed twice
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

    private static (string Orphan, string Temp) PlantOrphans(string tablePath)
    {
        var folder = Directory.CreateDirectory(Path.Combine(tablePath, CheckpointFiles.Folder)).FullName;
        var orphan = Path.Combine(folder, "0123456789abcdef0123456789abcdef-0-7.arrow");
        var temp = Path.Combine(folder, "0123456789abcdef0123456789abcdef-7-9.arrow.tmp-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(orphan, "a worker was killed after writing this, before its receipt");
        File.WriteAllText(temp, "half a file");
        return (orphan, temp);
    }

    private static GenevaTable TwoColumns(TestFolder folder)
    {
        var table = TestData.Create(folder.Table(), 600, rowsPerFragment: 200)
            .AddColumn("len", "int32", TestData.Udf("StringLength"));
        return table.AddColumn("upper", "utf8", TestData.Udf("Upper"));
    }

    [Fact]
    public void JobEnd_FilesNothingRefersTo_AreCollectedAndCommittedOnesKept()
    {
        using var folder = new TestFolder();
        var table = TwoColumns(folder);
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        var (orphan, temp) = PlantOrphans(table.Path);
        // Receipts are not the only reference: a committed file stays even when the database forgot it.
        File.Delete(CheckpointStore.PathFor(table.Path));

        new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "upper" });

        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(temp));
        var latest = GenevaTable.Open(table.Path);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (object?)Utf8Length(TestData.TextFor(i))), TestData.Column(latest, "len"));
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (object?)TestData.TextFor(i).ToUpperInvariant()), TestData.Column(latest, "upper"));
    }

    [Fact]
    public void JobEnd_AnotherJobRunsOnTheTable_CollectsNothing()
    {
        using var folder = new TestFolder();
        var table = TwoColumns(folder);
        var (orphan, temp) = PlantOrphans(table.Path);
        // Another job holds the other column: its files in flight look like orphans and must stay.
        using (JobLease.ForColumn(table, "upper", "other", LeaseOptions.Default, wait: false, CancellationToken.None))
        {
            new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
            Assert.True(File.Exists(orphan));
            Assert.True(File.Exists(temp));
        }
    }

    private static int Utf8Length(string s) => System.Globalization.StringInfo.ParseCombiningCharacters(s).Length;
}
