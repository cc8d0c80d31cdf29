using System.IO.Hashing;
using Geneva.Core.Storage;

namespace Geneva.Core.Checkpoints;

/// <summary>Checks on checkpoint files: whether one can be reused as its receipt describes it.</summary>
public static class CheckpointFiles
{
    /// <summary>
    /// Whether a receipt's file is there, has its size, and hashes to its checksum (XxHash3 over the
    /// whole file, as the writer computed it while writing). A damaged checkpoint is recomputed, never
    /// trusted; reading it back costs about what writing it did.
    /// </summary>
    public static bool Verify(string tablePath, CheckpointReceipt receipt, bool checksum = true)
    {
        var path = Path.Combine(tablePath, receipt.File);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length != receipt.Bytes)
            {
                return false;
            }
            if (!checksum)
            {
                return true;
            }
            var hash = new XxHash3();
            hash.Append(stream);
            return string.Equals(Convert.ToHexStringLower(hash.GetCurrentHash()), receipt.Checksum, StringComparison.Ordinal);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Streams a checkpoint's rows into a data file being written, one record batch at a time (memory stays
    /// one batch). A file that does not hold the receipt's rows is reported as a corrupt checkpoint.
    /// </summary>
    internal static void CopyInto(string tablePath, CheckpointReceipt receipt, DataFileWriter writer)
    {
        var path = Path.Combine(tablePath, receipt.File);
        long rows = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new Apache.Arrow.Ipc.ArrowFileReader(stream, Core.Arrow.PooledMemoryAllocator.Shared);
            // The file reader is async-only; over a FileStream it completes synchronously.
            var count = reader.RecordBatchCountAsync().AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < count; i++)
            {
                using var batch = reader.ReadRecordBatchAsync(i).AsTask().GetAwaiter().GetResult()
                    ?? throw new InvalidDataException($"record batch {i} is missing");
                writer.Write(batch);
                rows += batch.Length;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException
                                      or IndexOutOfRangeException or OverflowException)
        {
            if (e is IOException io && StoreErrors.IsDiskFull(io))
            {
                throw StoreErrors.Map(io, tablePath);
            }
            throw new GenevaException(GenevaErrorCode.CheckpointCorrupt,
                $"Checkpoint file '{path}' cannot be read: {e.Message}. Resume the job to recompute it.", path, e);
        }
        if (rows != receipt.RowCount)
        {
            throw new GenevaException(GenevaErrorCode.CheckpointCorrupt,
                $"Checkpoint file '{path}' holds {rows} rows but its receipt says {receipt.RowCount}. Resume the job to recompute it.", path);
        }
    }

    /// <summary>The folder checkpoint files are written to, relative to the table.</summary>
    public const string Folder = "_geneva/ck";

    /// <summary>
    /// Deletes the files of the table's checkpoint folder that nothing refers to: temporary files left by
    /// killed writers, and checkpoint files that no receipt names (a worker killed
    /// between writing a file and its receipt). Another running job's files in flight have no receipt yet,
    /// so nothing is collected while any lease but <paramref name="holder"/>'s is live; the folder is listed
    /// before that check, so a job that starts during the collection only adds files it does not see.
    /// Returns how many files it deleted.
    /// </summary>
    internal static int CollectOrphans(string tablePath, CheckpointStore store, string holder)
    {
        var folder = Path.Combine(tablePath, Folder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var candidates = Directory.GetFiles(folder);
        if (candidates.Length == 0 || store.LiveLeases().Any(l => l.Holder != holder))
        {
            return 0;
        }
        // Table versions never name checkpoint files (commits copy them into Lance data files), so receipts are all that count.
        var referenced = new HashSet<string>(store.ReceiptFiles(), StringComparer.Ordinal);
        var deleted = 0;
        foreach (var file in candidates)
        {
            var name = Path.GetFileName(file);
            if (!DurableFile.IsTemp(name) && referenced.Contains($"{Folder}/{name}"))
            {
                continue;
            }
            try
            {
                File.Delete(file);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still open or not ours to delete: a later job collects it.
            }
        }
        return deleted;
    }
}
