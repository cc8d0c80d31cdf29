using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance;
using DeletionFile = Geneva.Core.Storage.Lance.Proto.DeletionFile;
using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Geneva.Core.Tests;

/// <summary>
/// Another writer changes the table during a backfill. LanceDB's optimize: the fragments it rewrote are left out
/// with a warning, no column file is written for them, and a re-run fills their rows. LanceDB's delete: kept,
/// and the deleted rows' values are never counted.
/// </summary>
public class BackfillConcurrentWriterTests
{
    private static GenevaTable Table(TestFolder folder) =>
        TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256)
            .AddColumn("c", "int64", TestData.Expression("id * 10"));

    /// <summary>Another writer rewrites a fragment's data file (as an update or a compaction would): its inputs change.</summary>
    internal static void RewriteFragmentFile(string path, int fragmentId)
    {
        var other = GenevaTable.Open(path);
        var file = other.Manifest.Fragments.Single(f => f.Id == fragmentId).Files[0];
        File.Copy(Path.Combine(path, file.Path), Path.Combine(path, "data/rewritten.lance"));
        other.Commit("update", $"fragment {fragmentId}", m => m with
        {
            Fragments = m.Fragments.Select(f => f.Id == fragmentId ? f with { Files = [file with { Path = "data/rewritten.lance" }] } : f).ToList(),
        });
    }

    /// <summary>What a compaction does to the last fragment: its rows move into a new fragment (new id, new files).</summary>
    private static void CompactLastFragment(string path)
    {
        var table = GenevaTable.Open(path);
        var last = table.Manifest.Fragments[^1];
        Assert.Equal(500, last.RowCount);
        table.Commit("compact", "test", m => m with { Fragments = m.Fragments.Where(f => f.Id != last.Id).ToList() });
        GenevaTable.Open(path).Append(TestData.Schema, TestData.Batches(2000, 500, 500));
    }

    [Fact]
    public void Start_FragmentCompactedAway_LeavesItOutWithWarningAndWritesNoFileForIt()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var compacted = false;
        var log = new List<string>();
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Log = log.Add,
            Progress = InlineProgress.AtFirstCheckpoint(() =>
            {
                compacted = true;
                CompactLastFragment(table.Path);
            }),
        });
        var dataBefore = Directory.GetFiles(Path.Combine(table.Path, "data")).Length;

        var result = coordinator.Start(table, new BackfillRequest { Column = "c", CheckpointSize = 250, MinCheckpointSize = 250, CommitGranularity = 1 });

        Assert.True(compacted);
        var warning = Assert.Single(result.Warnings, w => w.Contains("was removed while the backfill ran"));
        Assert.Contains("Fragment 2", warning);
        Assert.Contains("Run the backfill again", warning);
        // Seen before its file was built (one commit a fragment: two of them), not only when a third commit found it gone.
        Assert.Equal(2, log.Count(l => l.StartsWith("Committed", StringComparison.Ordinal)));
        var latest = GenevaTable.Open(table.Path);
        Assert.Equal(2500, latest.Manifest.RowCount);
        // Two fragments committed with one column file each, plus the compaction's one new file: nothing else.
        Assert.Equal(dataBefore + 1 + 2, Directory.GetFiles(Path.Combine(table.Path, "data")).Length);
        var values = TestData.Column(latest, "c");
        Assert.Equal(2000, values.Count(v => v is not null));

        var rerun = new BackfillCoordinator().Start(latest, new BackfillRequest { Column = "c" });
        Assert.Empty(rerun.Warnings);
        var ids = TestData.Column(GenevaTable.Open(table.Path), "id");
        var filled = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal(ids.Select(i => (object?)((long)i! * 10)), filled);
    }

    [Fact]
    public void Commit_EveryFragmentOfACommitLeftOut_PublishesNoVersion()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = InlineProgress.AtFirstCheckpoint(() =>
            {
                // The fragment stays, so its file is built and refused at commit.
                RewriteFragmentFile(table.Path, 2);
            }),
        });

        var result = coordinator.Start(table, new BackfillRequest { Column = "c", CommitGranularity = 1 });

        Assert.Equal(2, result.FragmentsCommitted);
        Assert.Contains(result.Warnings, w => w.Contains("Fragment 2 changed"));
        // The other writer's version and one a committed fragment; the commit that had nothing left published nothing.
        Assert.Equal(table.Version + 3, GenevaTable.Open(table.Path).Version);
        Assert.Equal(table.Version + 3, result.TableVersion);
    }

    /// <summary>A delete of <paramref name="rows"/> in fragment 0, as LanceDB writes one: an Arrow IPC deletion file and a new version.</summary>
    private static void DeleteRows(string path, uint[] rows)
    {
        var table = GenevaTable.Open(path);
        var deletion = new DeletionFile
        {
            FileType = DeletionFile.Types.DeletionFileType.ArrowArray,
            ReadVersion = (ulong)table.Version,
            Id = 7,
            NumDeletedRows = (ulong)rows.Length,
        };
        var file = Path.Combine(path, LanceDeletionFile.RelativePath(0, deletion));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var column = new UInt32Array.Builder().AppendRange(rows).Build();
        var batch = new RecordBatch(new Schema([new Field("row_id", Apache.Arrow.Types.UInt32Type.Default, false)], null), [column], rows.Length);
        using (var stream = File.Create(file))
        using (var writer = new ArrowFileWriter(stream, batch.Schema))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }
        table.Commit("delete", "test", m => m with { Fragments = m.Fragments.Select(f => f.Id == 0 ? f with { Deletion = deletion } : f).ToList() });
    }

    [Fact]
    public void Start_RowsDeletedDuringBackfill_KeepsTheDeleteAndNeverCountsTheirValues()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var deleted = false;
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = InlineProgress.AtFirstCheckpoint(() =>
            {
                deleted = true;
                DeleteRows(table.Path, [.. Enumerable.Range(0, 100).Select(i => (uint)(i * 10))]);
            }),
        });

        var result = coordinator.Start(table, new BackfillRequest { Column = "c" });

        Assert.True(deleted);
        Assert.Empty(result.Warnings);
        Assert.Equal(2400, result.UdfValuesComputed);
        using (var store = Checkpoints.CheckpointStore.Open(table.Path))
        {
            var job = store.GetJob(result.JobId)!;
            Assert.Equal((2400L, 2400L), (job.UdfValuesComputed, job.RowsCommitted));
        }
        var latest = GenevaTable.Open(table.Path);
        Assert.Equal(2400, latest.Manifest.RowCount);
        Assert.Equal(100, latest.Manifest.Fragments[0].DeletedRows);
        var ids = TestData.Column(latest, "id");
        Assert.DoesNotContain(ids, id => (long)id! < 1000 && (long)id! % 10 == 0);
        Assert.Equal(ids.Select(i => (object?)((long)i! * 10)), TestData.Column(latest, "c"));
    }
}
